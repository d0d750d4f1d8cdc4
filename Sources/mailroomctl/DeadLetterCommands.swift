import AMQP
import Foundation
import MailroomCore
import MailroomWorker
import MariaDB

/// `mailroomctl dead list|show|replay|purge`: the operator's view of the parking queues
/// (`mailroom.ingest.dead`, `mailroom.engine.dead`, `mailroom.send.dead`).
///
/// Every command reads with `ParkingQueueScan` (basic.get, manual ack) and removes a message only
/// by acking it, after whatever replaces it was confirmed by the broker; see that type for what
/// a scan does to the order of a queue.
enum DeadLetterCommands {
    static let usage = """
          mailroomctl dead list [--queue Q] [--reason R] [--json]
                                                      one line per parked message (Q: ingest, engine, send or a queue name)
          mailroomctl dead show ID [--queue Q] [--full]
                                                      a parked message's headers and body (the first 64 KiB unless --full)
          mailroomctl dead replay ID|--all [--queue Q] [--reason R]
                                                      put parked messages back on their work queue, attempts reset
          mailroomctl dead purge ID|--all [--queue Q] [--reason R]
                                                      remove parked messages for good
        """

    static func run(_ arguments: [String], configuration: MailroomConfiguration) throws {
        guard let verb = arguments.first else { throw UsageError(message: "dead needs list, show, replay or purge") }
        let options = try DeadLetterOptions(Array(arguments.dropFirst()))
        let scan = try ParkingQueueScan(configuration: AMQPConfiguration(url: configuration.amqpURL))
        defer { scan.finish() }

        switch verb {
        case "list": try list(options, scan: scan)
        case "show": try show(options, scan: scan)
        case "replay": try replay(options, scan: scan, databaseURL: configuration.databaseURL)
        case "purge": try purge(options, scan: scan)
        default: throw UsageError(message: "unknown dead command '\(verb)': use list, show, replay or purge")
        }
    }

    private static func list(_ options: DeadLetterOptions, scan: ParkingQueueScan) throws {
        var found: [ParkedMessage] = []
        for queue in options.queues {
            try scan.scan(queue) { message in
                if options.matches(message) { found.append(message) }
            }
        }
        print(options.json ? try DeadLetterOutput.json(found) : DeadLetterOutput.table(found))
    }

    private static func show(_ options: DeadLetterOptions, scan: ParkingQueueScan) throws {
        guard options.id != nil else { throw UsageError(message: "dead show needs a message ID") }
        var shown = 0
        for queue in options.queues {
            try scan.scan(queue) { message in
                guard options.matches(message) else { return }
                if shown > 0 { print("") }
                print(DeadLetterOutput.details(message, fullBody: options.full))
                shown += 1
            }
        }
        guard shown > 0 else { throw options.nothingFound() }
    }

    /// Republishes each match to its work queue through the `mailroom` exchange, and acks the
    /// parked copy only once the broker confirmed the new one. A command stopped in between
    /// leaves both; replaying again is harmless, since every worker ignores a message it
    /// already handled (a duplicate event, an email already sent).
    ///
    /// A send job's failed email is reopened (failed → ready, attempts 0) before the job goes
    /// back. Shortcoming: nothing similar is done for an engine job, whose failed emails stay
    /// failed (the engine acts on pending emails only); engine jobs are parked for broken jobs
    /// and exhausted database retries, where the emails are still pending.
    private static func replay(_ options: DeadLetterOptions, scan: ParkingQueueScan, databaseURL: String) throws {
        try options.requireSelection("replay")
        let emails = EmailReopener(databaseURL: databaseURL)
        defer { emails.close() }
        var replayed = 0

        for queue in options.queues {
            try scan.scan(queue) { message in
                guard options.matches(message) else { return }
                let target = WorkQueue(rawValue: message.originalQueue) ?? options.workQueue(parking: queue)
                // A parked send job's email is failed; it must be sendable again first.
                let reopened = target == .send ? try emails.reopen(sendJob: message.delivery.body) : nil

                try scan.broker.publish(
                    message.delivery.body, exchange: Topology.workExchange, routingKey: target.rawValue,
                    properties: message.replayProperties(at: Date()))
                try scan.remove(message)
                replayed += 1
                let note = reopened.map { " (email \($0) reopened)" } ?? ""
                print("replayed \(message.id) from \(queue) to \(target.rawValue)\(note)")
            }
        }
        try options.report(replayed, "replayed")
    }

    private static func purge(_ options: DeadLetterOptions, scan: ParkingQueueScan) throws {
        try options.requireSelection("purge")
        var purged = 0

        for queue in options.queues {
            try scan.scan(queue) { message in
                guard options.matches(message) else { return }
                try scan.remove(message)
                purged += 1
                print("purged \(message.id) from \(queue) (\(message.reason))")
            }
        }
        try options.report(purged, "purged")
    }
}

/// Opens the database only when a send job is replayed, and reopens that job's failed email.
private final class EmailReopener {
    private let databaseURL: String
    private var database: DatabaseConnection?

    init(databaseURL: String) {
        self.databaseURL = databaseURL
    }

    /// The id of the email made sendable again; nil when there was nothing to reopen.
    func reopen(sendJob body: [UInt8]) throws -> Int64? {
        let open = try database ?? DatabaseConnection(configuration: DatabaseConfiguration(url: databaseURL))
        database = open
        guard case .reopened(let emailID) = try SendJobReplay.reopen(jobBody: body, database: open) else { return nil }
        return emailID
    }

    func close() {
        database?.close()
    }
}
