import AMQP
import Foundation
import MailroomCore
import MailroomWorker
import MariaDB
import Templates

let usage = """
    mailroom-sweeper: re-drives emails stuck in a non-final state (pending or ready untouched for \
    --stuck-after, sending past its lease) and erases access tokens and event data of emails \
    sent longer ago than --retention. One pass, or a pass every --every.

    Usage: mailroom-sweeper [--every 60s] [--stuck-after 2m] [--retention 7d]

    Environment:
    \(MailroomConfiguration.documentation)
    """

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print(usage)
    exit(0)
}

func option(_ name: String) -> Duration? {
    guard let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count else { return nil }
    return DurationText.parse(arguments[index + 1])
}

let configuration: MailroomConfiguration
do {
    configuration = try MailroomConfiguration()
} catch {
    FileHandle.standardError.write(Data("mailroom-sweeper: \(error)\n".utf8))
    exit(2)
}
let logger = Logger(worker: "mailroom-sweeper", level: configuration.logLevel)
let sweeper = Sweeper(
    settings: Sweeper.Settings(
        stuckAfter: option("stuck-after") ?? .seconds(120), retention: option("retention") ?? .seconds(7 * 86_400)))
let every = option("every")
let stop = StopSignal()
let signals = stop.installHandlers { _ in }

@MainActor func pass() throws {
    let database = try DatabaseConnection(configuration: DatabaseConfiguration(url: configuration.databaseURL))
    defer { database.close() }
    let (jobs, report) = try sweeper.sweep(database)
    guard !jobs.isEmpty else {
        logger.debug("sweep", ["skipped": String(report.skipped)])
        return
    }
    let connection = try AMQPConnection(configuration: AMQPConfiguration(url: configuration.amqpURL))
    defer { connection.close() }
    for job in jobs {
        try connection.publish(job, eventsExchange: configuration.eventsExchange)
    }
    logger.info(
        "sweep", ["engine_jobs": String(report.engineJobs), "send_jobs": String(report.sendJobs),
                  "erased_references": String(report.erasedReferences)])
}

repeat {
    do {
        try pass()
    } catch {
        logger.error("sweep failed", [LogKey.error: "\(error)"])
        if every == nil { exit(1) }
    }
    if let every { stop.sleep(every) }
} while every != nil && !stop.isSet
withExtendedLifetime(signals) {}
