import Foundation
import Mail

/// Every setting a Mailroom process reads, with its default. Read once at start by
/// `MailroomConfiguration(environment:)`; `--help` prints `MailroomConfiguration.documentation`.
public struct MailroomConfiguration: Sendable {
    /// `MAILROOM_AMQP_URL`. Default `amqp://guest:guest@127.0.0.1:5672/%2F`.
    public var amqpURL: String
    /// `MAILROOM_DATABASE_URL`. Default `mariadb://mailroom:mailroom@127.0.0.1:3306/mailroom`.
    public var databaseURL: String
    /// `MAILROOM_MAILER_DSN`: `smtp://`, `smtps://`, `file:///dir` or `null://`. Default `smtp://127.0.0.1:25`.
    public var mailerDSN: String
    /// `MAILROOM_TEMPLATES_DIR`. Default `Deploy/templates`.
    public var templatesDirectory: String
    /// `MAILROOM_FROM`: the From mailbox, `Name <address>` or a bare address. Default `Mailroom <mailroom@localhost>`.
    public var from: MailAddress
    /// `MAILROOM_EVENTS_EXCHANGE`. Default `events`.
    public var eventsExchange: String
    /// `MAILROOM_CONCURRENCY`: consumers per process, each with its own connections. Default 2.
    public var concurrency: Int
    /// `MAILROOM_PREFETCH`: unacknowledged messages per consumer, and so the most one consumer
    /// handles as one batch (one confirm wait and one ack for all of them). Default 10.
    public var prefetch: Int
    /// `MAILROOM_RETRY_DELAYS`: one delay queue per value. Default `1s,5s,30s,2m,10m`.
    public var retryDelays: [Duration]
    /// `MAILROOM_MAX_ATTEMPTS`: attempts of a transient failure before the message is parked. Default 8.
    public var maxAttempts: Int
    /// `MAILROOM_REQUEST_TIMEOUT`: how long the engine waits for a provider before asking again. Default 30s.
    public var requestTimeout: Duration
    /// `MAILROOM_REQUEST_MAX_ATTEMPTS`: requests for one key before giving up. Default 5.
    public var requestMaxAttempts: Int
    /// `MAILROOM_DELIVERY_LIMIT`: deliveries of one message (quorum queues) before the broker parks it. Default 5.
    public var deliveryLimit: Int
    /// `MAILROOM_CRASH_LIMIT`: unfinished takes of a message handed back after a crash before the
    /// worker parks it (reason `crashed_worker`); below the delivery limit, so that it acts
    /// before the broker counts the messages returned beside it out too. 0 leaves it to the
    /// broker. Default 3.
    public var crashLimit: Int
    /// `MAILROOM_SEND_LEASE`: how long a sender owns an email it is sending. Default 5m.
    public var sendLease: Duration
    /// `MAILROOM_POLL_INTERVAL`: the longest a consumer blocks waiting; also the shutdown delay. Default 1s.
    public var pollInterval: Duration
    /// `MAILROOM_HTTP_PORT`: health and metrics; 0 turns HTTP off. Default per worker kind.
    public var httpPort: Int?
    /// `MAILROOM_LOG_LEVEL`: debug, info, warning or error. Default info.
    public var logLevel: LogLevel
    /// `MAILROOM_FAULT_KILL_ON_MESSAGE_ID`, for fault-injection tests only: a worker kills itself
    /// when it receives a message with this message_id. Default none.
    public var faultKillOnMessageID: String?

    public init(environment: Environment = Environment()) throws(ConfigurationError) {
        amqpURL = try environment.string("MAILROOM_AMQP_URL", default: "amqp://guest:guest@127.0.0.1:5672/%2F")
        databaseURL = try environment.string(
            "MAILROOM_DATABASE_URL", default: "mariadb://mailroom:mailroom@127.0.0.1:3306/mailroom")
        mailerDSN = try environment.string("MAILROOM_MAILER_DSN", default: "smtp://127.0.0.1:25")
        templatesDirectory = try environment.string("MAILROOM_TEMPLATES_DIR", default: "Deploy/templates")
        let fromText = try environment.string("MAILROOM_FROM", default: "Mailroom <mailroom@localhost>")
        do {
            from = try MailAddress(mailbox: fromText)
        } catch {
            throw ConfigurationError(variable: "MAILROOM_FROM", problem: "'\(fromText)' is not a mailbox: \(error)")
        }
        eventsExchange = try environment.string("MAILROOM_EVENTS_EXCHANGE", default: "events")
        concurrency = try environment.integer("MAILROOM_CONCURRENCY", default: 2, range: 1...64)
        prefetch = try environment.integer("MAILROOM_PREFETCH", default: 10, range: 1...1000)
        retryDelays = try environment.durations(
            "MAILROOM_RETRY_DELAYS", default: [.seconds(1), .seconds(5), .seconds(30), .seconds(120), .seconds(600)])
        maxAttempts = try environment.integer("MAILROOM_MAX_ATTEMPTS", default: 8, range: 1...100)
        requestTimeout = try environment.duration("MAILROOM_REQUEST_TIMEOUT", default: .seconds(30))
        requestMaxAttempts = try environment.integer("MAILROOM_REQUEST_MAX_ATTEMPTS", default: 5, range: 1...100)
        deliveryLimit = try environment.integer("MAILROOM_DELIVERY_LIMIT", default: 5, range: 1...1000)
        crashLimit = try environment.integer("MAILROOM_CRASH_LIMIT", default: 3, range: 0...999)
        guard crashLimit < deliveryLimit else {
            throw ConfigurationError(
                variable: "MAILROOM_CRASH_LIMIT",
                problem: "\(crashLimit) must be below MAILROOM_DELIVERY_LIMIT (\(deliveryLimit)), or 0 for off")
        }
        sendLease = try environment.duration("MAILROOM_SEND_LEASE", default: .seconds(300))
        pollInterval = try environment.duration("MAILROOM_POLL_INTERVAL", default: .seconds(1))
        httpPort =
            try environment.string("MAILROOM_HTTP_PORT") == nil
            ? nil : try environment.integer("MAILROOM_HTTP_PORT", default: 0, range: 0...65535)
        let level = try environment.string("MAILROOM_LOG_LEVEL", default: "info")
        guard let parsed = LogLevel(rawValue: level) else {
            throw ConfigurationError(
                variable: "MAILROOM_LOG_LEVEL", problem: "'\(level)' is not debug, info, warning or error")
        }
        logLevel = parsed
        faultKillOnMessageID = try environment.string("MAILROOM_FAULT_KILL_ON_MESSAGE_ID")
    }

    /// The environment variables and their defaults, for `--help` and the README.
    public static let documentation = """
        MAILROOM_AMQP_URL              broker, amqp:// or amqps:// (default amqp://guest:guest@127.0.0.1:5672/%2F)
        MAILROOM_DATABASE_URL          mariadb://user:pass@host:3306/db
                                       (default mariadb://mailroom:mailroom@127.0.0.1:3306/mailroom)
        MAILROOM_MAILER_DSN            smtp://[user:pass@]host:port, smtps://…, file:///dir, null://
                                       (default smtp://127.0.0.1:25)
        MAILROOM_TEMPLATES_DIR         template folders and providers.json (default Deploy/templates)
        MAILROOM_FROM                  From mailbox (default "Mailroom <mailroom@localhost>")
        MAILROOM_EVENTS_EXCHANGE       topic exchange of external events (default events)
        MAILROOM_USER_CACHE_TTL        how long user info stays fresh (default 30m)
        MAILROOM_CUSTOMER_CACHE_TTL    how long customer info stays fresh (default 30m); every provider
                                       in providers.json names its own such variable (ttlVariable)
        MAILROOM_CONCURRENCY           consumers per process (default 2)
        MAILROOM_PREFETCH              unacknowledged messages per consumer; also its largest batch (default 10)
        MAILROOM_RETRY_DELAYS          delay queues for transient failures (default 1s,5s,30s,2m,10m)
        MAILROOM_MAX_ATTEMPTS          attempts before a message is parked (default 8)
        MAILROOM_REQUEST_TIMEOUT       wait for a provider before asking again (default 30s)
        MAILROOM_REQUEST_MAX_ATTEMPTS  requests for one key before giving up (default 5)
        MAILROOM_DELIVERY_LIMIT        deliveries of one message before the broker parks it (default 5)
        MAILROOM_CRASH_LIMIT           retakes of a message that never finishes (it crashes its worker)
                                       before the worker parks it; below the delivery limit; 0 = off (default 3)
        MAILROOM_SEND_LEASE            how long a sender owns an email it is sending (default 5m)
        MAILROOM_POLL_INTERVAL         longest blocking wait, also the shutdown delay (default 1s)
        MAILROOM_HTTP_PORT             health and metrics port, 0 = off (default: ingest 9101, engine 9102,
                                       sender 9103, sweeper with --every 9104)
        MAILROOM_LOG_LEVEL             debug, info, warning, error (default info)
        MAILROOM_FAULT_KILL_ON_MESSAGE_ID  tests only: the worker kills itself on this message_id (default none)
        Any secret may come from a file: set NAME_FILE to its path instead of NAME.
        """
}
