import AMQP
import Foundation
import MailroomWorker
import MariaDB

/// Runs one phase on its own site: seeds the users, starts smtp-sink, the user-service
/// stand-in and the workers, publishes the events, waits for every email to be final, and
/// measures.
struct PhaseRunner {
    static let workerKinds = ["mailroom-ingest", "mailroom-engine", "mailroom-sender"]
    static let trigger = "authAccessTokenCreated"

    var options: BenchOptions
    var runName: String

    func run(_ phase: Phase, index: Int) throws -> PhaseResult {
        say("phase \(index): \(phase.title), \(phase.copies) cop\(phase.copies == 1 ? "y" : "ies") of each worker")
        let site = try BenchSite(name: "\(runName)_\(index)", options: options)
        defer { site.tearDown() }
        let database = try site.database()
        defer { database.close() }

        if phase.mix == .returning { try seedReturningUsers(phase.events, into: database) }
        try runCommand(options.binDirectory + "/mailroomctl", ["topology"], environment: site.environment)
        let broker = try site.broker()
        try UserServiceStandIn.declare(on: broker, exchange: "events")
        let sink = try site.startSMTPSink()
        let standIn = try site.start(
            "user-service", executable: selfExecutable,
            arguments: ["user-service", "--threads", String(options.userServiceThreads)])

        let statistics = DatabaseStatistics(database: database, user: workerDatabaseUser)
        let databaseBefore = try statistics.snapshot()
        let publisher = try EventPublisher(
            amqp: try AMQPConfiguration(url: site.amqpURL), exchange: "events", routingKey: Self.trigger,
            threads: options.publisherThreads)
        defer { publisher.close() }
        let messageID: @Sendable (Int) -> String = { [name = site.name] in "\(name)-\($0)" }
        let body: @Sendable (Int, Int64) -> [UInt8] = { index, micros in
            Array(#"{"userId":"bench-user-\#(index)","accessToken":"tok\#(index)x","publishedAt":\#(micros)}"#.utf8)
        }

        var problems: [String] = []
        var traffic = (broker: 0, questions: Int64(0))
        let markTraffic = { [options] in
            traffic = ((try? options.management.brokerTraffic()) ?? 0, (try? globalQuestions(database)) ?? 0)
        }
        var workers: [(kind: String, process: ChildProcess)] = []
        let started: Date
        var cpu = CPUAccount()
        let publishOutcome: EventPublisher.Outcome
        switch phase.load {
        case .backlog:
            // CPU is counted from before the publishing: accepting the events is part of the cost.
            cpu.begin(named: ["user-service": standIn.pid, "smtp-sink": sink.pid])
            markTraffic()
            publishOutcome = publisher.publish(count: phase.events, rate: nil, messageID: messageID, body: body)
            started = Date()
            workers = try startWorkers(phase.copies, on: site)
        case .rate(let rate, _):
            workers = try startWorkers(phase.copies, on: site)
            try awaitConsumers(phase.copies, broker: broker)
            cpu.begin(named: ["user-service": standIn.pid, "smtp-sink": sink.pid])
            cpu.beginWorkers(workers.map(\.process.pid))
            markTraffic()
            started = Date()
            publishOutcome = publisher.publish(count: phase.events, rate: rate, messageID: messageID, body: body)
        }
        broker.close()
        problems += publishOutcome.failures
        say("  published \(publishOutcome.published) events in \(String(format: "%.1f", publishOutcome.seconds)) s")

        let expected = publishOutcome.published
        if let stall = try awaitFinalEmails(expected, database: database) { problems.append(stall) }
        let wall = -started.timeIntervalSinceNow
        let costs = Self.workerKinds.map { kind in
            cpu.workerCost(kind: kind, pids: workers.filter { $0.kind == kind }.map(\.process.pid))
        }
        let otherCPU = cpu.end()
        let questions = (try? globalQuestions(database)).map { $0 - traffic.questions }

        // Read while every connection is still open: see EventPublisher.
        let brokerCounts = awaitBrokerStatistics(site.name)
        for (_, process) in workers where process.stop() != 0 {
            problems.append("\(process.label) did not stop cleanly on SIGTERM")
        }
        site.stopAll()
        let databaseAfter = try statistics.snapshot()
        let brokerTotal = ((try? options.management.brokerTraffic()) ?? 0) - traffic.broker
        let brokerOurs = brokerCounts["publish", default: 0] + brokerCounts["deliver_get", default: 0]
        let databaseOurs = (databaseAfter - databaseBefore)

        let statuses = try emailStatuses(database)
        let lastSent = try database.query(
            "SELECT CAST(UNIX_TIMESTAMP(MAX(sent_at)) AS DOUBLE) AS t FROM email_info"
        ).first?.optionalDouble("t")
        let latency = phase.isBacklog ? nil : LatencySummary(milliseconds: try latencies(database))
        let result = PhaseResult(
            phase: phase, published: publishOutcome.published, publishSeconds: publishOutcome.seconds,
            problems: problems, statuses: statuses,
            seconds: (lastSent ?? started.timeIntervalSince1970) - started.timeIntervalSince1970, latency: latency,
            workers: costs, otherCPU: otherCPU, wallSeconds: wall, broker: brokerCounts,
            database: databaseOurs, sink: MailSinkDump(directory: site.dumpDirectory).tally(),
            brokerShare: brokerTotal > 0 ? min(1, Double(brokerOurs) / Double(brokerTotal)) : nil,
            databaseShare: databaseOurs.perUser
                ? questions.flatMap { $0 > 0 ? min(1, Double(databaseOurs.statements) / Double($0)) : nil } : nil)
        say(
            "  \(result.sent) sent, \(String(format: "%.0f", result.emailsPerSecond)) emails/s"
                + (latency.map { String(format: ", p50 %.0f ms, p99 %.0f ms", $0.p50, $0.p99) } ?? "")
                + ", lost \(result.lost), duplicated \(result.duplicated)")
        return result
    }

    private var selfExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    private var workerDatabaseUser: String {
        URLComponents(string: options.workerDatabaseBaseURL)?.user ?? "mailroom_bench"
    }

    private func startWorkers(_ copies: Int, on site: BenchSite) throws -> [(kind: String, process: ChildProcess)] {
        var started: [(kind: String, process: ChildProcess)] = []
        for kind in Self.workerKinds {
            for copy in 1...copies {
                let process = try site.start("\(kind)-\(copy)", executable: options.binDirectory + "/" + kind)
                started.append((kind, process))
            }
        }
        return started
    }

    /// Waits until every consumer of every work queue is registered with the broker.
    private func awaitConsumers(_ copies: Int, broker: AMQPConnection) throws {
        let perProcess = Int(ProcessInfo.processInfo.environment["MAILROOM_CONCURRENCY"] ?? "") ?? 2
        let deadline = Date().addingTimeInterval(30)
        for queue in ["mailroom.ingest", "mailroom.engine", "mailroom.send"] {
            while try broker.inspectQueue(queue).consumerCount < copies * perProcess {
                guard Date() < deadline else { throw BenchOptions.Problem(description: "the workers did not start") }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// Polls until `expected` emails are sent or failed; a reason when progress stopped first.
    /// Progress is any change in the rows, not only final emails: with a backlog of new users,
    /// the user service's answers queue behind every trigger in mailroom.ingest, so the first
    /// email is final only once the whole backlog is ingested.
    private func awaitFinalEmails(_ expected: Int, database: DatabaseConnection) throws -> String? {
        var last: [Int64] = []
        var lastChange = Date()
        while true {
            let row = try database.query(
                """
                SELECT (SELECT COUNT(*) FROM email_info WHERE status IN ('sent', 'failed')) AS done,
                       (SELECT COUNT(*) FROM email_info WHERE status = 'ready') AS ready,
                       (SELECT COUNT(*) FROM reference_info) AS refs,
                       (SELECT COUNT(*) FROM provider_request WHERE status = 'answered') AS answered
                """
            ).first
            let now = try ["done", "ready", "refs", "answered"].map { try row?.int($0) ?? 0 }
            if now[0] >= expected { return nil }
            if now != last {
                last = now
                lastChange = Date()
            } else if -lastChange.timeIntervalSinceNow > 60 {
                return "stalled: \(now[0]) of \(expected) emails final after 60 s without progress"
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// The broker refreshes its counters every few seconds: once the phase is idle, read until
    /// two reads agree.
    private func awaitBrokerStatistics(_ virtualHost: String) -> [String: Int] {
        var previous: [String: Int]?
        let idle = Date()
        while -idle.timeIntervalSinceNow < 20 {
            Thread.sleep(forTimeInterval: 1)
            let now = (try? options.management.messageStatistics(of: virtualHost)) ?? [:]
            if -idle.timeIntervalSinceNow > 6, now == previous { return now }
            previous = now
        }
        return previous ?? [:]
    }

    private func emailStatuses(_ database: DatabaseConnection) throws -> [String: Int] {
        var statuses: [String: Int] = [:]
        for row in try database.query("SELECT status, COUNT(*) AS n FROM email_info GROUP BY status") {
            statuses[try row.string("status")] = Int(try row.int("n"))
        }
        return statuses
    }

    /// Publish (the time in the event) to SMTP acceptance (sent_at), per sent email, in ms.
    private func latencies(_ database: DatabaseConnection) throws -> [Double] {
        try database.query(
            """
            SELECT CAST(UNIX_TIMESTAMP(e.sent_at) * 1000000 - JSON_VALUE(r.payload, '$.publishedAt') AS DOUBLE) / 1000
                   AS ms
            FROM email_info e JOIN reference_info r ON r.id = e.reference_id WHERE e.status = 'sent'
            """
        ).map { try $0.double("ms") }
    }

    /// Statements the whole server has run (every client's).
    private func globalQuestions(_ database: DatabaseConnection) throws -> Int64 {
        let row = try database.query("SHOW GLOBAL STATUS LIKE 'Questions'").first
        return Int64(try row?.string("Value") ?? "") ?? 0
    }

    /// Returning users: cached and fresh, as if the user service had just answered.
    private func seedReturningUsers(_ count: Int, into database: DatabaseConnection) throws {
        for chunk in stride(from: 0, to: count, by: 500) {
            let users = (chunk..<min(count, chunk + 500)).map { index in
                "('bench-user-\(index)', 'Bench User \(index)', 'bench-user-\(index)@bench.example', UTC_TIMESTAMP(6))"
            }
            try database.execute(
                "INSERT INTO user_info (user_id, name, email, fetched_at) VALUES " + users.joined(separator: ", "))
        }
    }
}
