import AMQP
import Foundation
import MailroomCore
import MailroomWorker
import MariaDB
import Templates

let usage = """
    mailroom-sweeper: re-drives emails stuck in a non-final state (pending or ready untouched for \
    --stuck-after, pending behind a provider request older than MAILROOM_REQUEST_TIMEOUT, \
    sending past its lease) and erases access tokens and event data of emails sent longer ago \
    than --retention. One pass, or a pass every --every. Several sweepers may run: one pass at \
    a time does the work, the others skip theirs.

    Usage: mailroom-sweeper [--every 60s] [--stuck-after 2m] [--retention 7d]

    With --every it serves /metrics, /healthz and /readyz on MAILROOM_HTTP_PORT (default 9104);
    a single pass serves nothing.

    Environment:
    \(MailroomConfiguration.documentation)
    """

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print(usage)
    exit(0)
}

/// The value of `--name`, nil when absent; a value that is not a duration stops the program,
/// so a typo never turns a loop into a single pass.
func option(_ name: String) -> Duration? {
    guard let index = arguments.firstIndex(of: "--\(name)") else { return nil }
    guard index + 1 < arguments.count, let duration = DurationText.parse(arguments[index + 1]) else {
        FileHandle.standardError.write(Data("mailroom-sweeper: --\(name) needs a duration such as 30s or 2m\n".utf8))
        exit(2)
    }
    return duration
}

let configuration: MailroomConfiguration
do {
    configuration = try MailroomConfiguration()
} catch {
    Logger(worker: "mailroom-sweeper").error("cannot start", [LogKey.error: "\(error)"])
    exit(2)
}
let logger = Logger(worker: "mailroom-sweeper", level: configuration.logLevel)
let sweeper = Sweeper(
    settings: Sweeper.Settings(
        stuckAfter: option("stuck-after") ?? .seconds(120), requestTimeout: configuration.requestTimeout,
        retryGrace: configuration.retryDelays.max() ?? .zero, retention: option("retention") ?? .seconds(7 * 86_400)))
let every = option("every")
let stop = StopSignal()
let signals = stop.installHandlers { _ in }

// Only a looping sweeper serves health and metrics: a single pass is gone before a scrape.
let monitor = every == nil ? nil : SweeperMonitor()
do {
    try monitor?.startHTTP(configuredPort: configuration.httpPort)
} catch {
    logger.error("cannot start", [LogKey.error: "\(error)"])
    exit(2)
}

/// One pass. The broker is reached first, every time: while it is away a pass fails before it
/// touches the database, and `/readyz` turns unready even when there is nothing to re-drive.
@MainActor func pass() throws {
    let connection = try AMQPConnection(configuration: AMQPConfiguration(url: configuration.amqpURL))
    defer { connection.close() }
    let database = try DatabaseConnection(configuration: DatabaseConfiguration(url: configuration.databaseURL))
    defer { database.close() }
    monitor?.observe(database)
    let (jobs, report) = try sweeper.sweep(database)

    try connection.publish(jobs.map { AMQPOutgoingMessage($0, eventsExchange: configuration.eventsExchange) })

    let fields = [
        "engine_jobs": String(report.engineJobs), "send_jobs": String(report.sendJobs),
        "erased_references": String(report.erasedReferences), "skipped": String(report.skipped),
    ]
    if jobs.isEmpty && report.erasedReferences == 0 {
        logger.debug("sweep", fields)
    } else {
        logger.info("sweep", fields)
    }
    try monitor?.passSucceeded(report, backlog: EmailStatusSummary.load(database))
}

repeat {
    do {
        try pass()
    } catch {
        logger.error("sweep failed", [LogKey.error: "\(error)"])
        monitor?.passFailed()
        if every == nil { exit(1) }
    }
    if let every { stop.sleep(every) }
} while every != nil && !stop.isSet
monitor?.stopHTTP()
withExtendedLifetime(signals) {}
