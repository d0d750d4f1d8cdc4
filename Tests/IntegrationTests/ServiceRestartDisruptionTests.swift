import AMQP
import Foundation
import MariaDB
import Testing

/// The shared RabbitMQ and MariaDB restarted under running workers: every email delivered, none
/// twice, nothing half-written, and the same worker processes carry on. Stops and starts the
/// shared servers, so Deploy/dev/test.sh runs it alone, after the other suites; every test
/// restarts what it stopped on every path.
///
/// `SharedServers` says how to point it at private servers instead.
@Suite(.serialized) struct ServiceRestartDisruptionTests {
    /// Long enough that no lease runs out while the database is away (a lease that ran out
    /// would let a second sender send the email again).
    static let settings = [
        "MAILROOM_SEND_LEASE": "2m", "MAILROOM_REQUEST_TIMEOUT": "10s", "MAILROOM_CONCURRENCY": "2",
    ]
    static let workers = ["mailroom-ingest", "mailroom-engine", "mailroom-sender"]

    @Test func aBrokerRestartThenADatabaseRestartDuringABurstLoseAndRepeatNothing() throws {
        // An SMTP server that takes 0.2 s per message keeps the burst going through both restarts.
        let sandbox = try Sandbox("restarts", sinkArguments: ["--delay-data", "0.2"])
        defer { sandbox.tearDown() }
        let (fixture, users) = try sandbox.writeUserFixture(count: 200)
        // Each worker serves /readyz on a port of its own.
        var ports: [String: Int] = [:]
        for worker in Self.workers {
            let port = freePort()
            var environment = Self.settings
            environment["MAILROOM_HTTP_PORT"] = String(port)
            try sandbox.startMailroom(worker, environment: environment)
            ports[worker] = port
        }
        let broker = try sandbox.startMailroom(environment: Self.settings, fixtures: fixture)
        try sandbox.startMailroom(
            "mailroom-sweeper", arguments: ["--every", "1s", "--stuck-after", "5s"], environment: Self.settings)
        let pids = Self.workers.map(sandbox.pid)
        #expect(
            eventually(timeout: .seconds(20)) { Self.workers.allSatisfy { SharedServers.readiness(ports[$0]) == 200 } })

        try sandbox.publishTokens(for: users, on: broker)
        #expect(eventually(timeout: .seconds(60)) { sandbox.receivedMail().count >= 20 })
        do {
            defer { SharedServers.run(SharedServers.brokerStart) }
            SharedServers.run(SharedServers.brokerStop)
            let stayedReady = Self.workersNeverNotReady(ports)
            #expect(stayedReady.isEmpty, "not ready while the broker is away: \(stayedReady)")
        }
        let before = sandbox.receivedMail().count
        #expect(before < 150, "the broker restart came in the middle of the burst")
        #expect(eventually(timeout: .seconds(60)) { sandbox.receivedMail().count >= before + 5 }, "resumed")
        let beforeDatabase = sandbox.receivedMail().count
        #expect(beforeDatabase < 190, "the database restart came in the middle of the burst")
        do {
            defer { SharedServers.startDatabase(sandbox) }
            SharedServers.run(SharedServers.databaseStop)
            let stayedReady = Self.workersNeverNotReady(ports)
            #expect(stayedReady.isEmpty, "not ready while the database is away: \(stayedReady)")
        }

        let database = try SharedServers.connectOnceUp(sandbox)
        let allSent = eventually(timeout: .seconds(150)) {
            (try? sandbox.count(database, "email_info WHERE status = 'sent'")) == 200
                && sandbox.receivedMessageIDs().count == 200
        }
        #expect(allSent, "\(Self.summary(sandbox, database))")
        Thread.sleep(forTimeInterval: 2)

        let duplicates = sandbox.receivedMessageIDs().filter { $0.value > 1 }
        #expect(duplicates.isEmpty, "none twice: \(duplicates)")
        #expect(Self.workers.map(sandbox.pid) == pids && Self.workers.allSatisfy(sandbox.isRunning), "same processes")
        let readyAgain = eventually(timeout: .seconds(20)) {
            Self.workers.allSatisfy { SharedServers.readiness(ports[$0]) == 200 }
        }
        #expect(readyAgain, "ready again")
        try Self.expectNothingHalfWritten(database, references: 200)
        let parked = try sandbox.queueDepths().filter { $0.key.hasSuffix(".dead") && $0.value.ready > 0 }
        #expect(parked.isEmpty, "nothing parked: \(parked.keys.sorted())")
        for worker in Self.workers {
            let reconnects = sandbox.logLines(worker, containing: "reconnecting")
            let held = sandbox.logLines(worker, containing: "holding the message")
            let retried = sandbox.logLines(worker, containing: "will retry")
            print("\(worker): \(reconnects) broker reconnects, \(held) messages held, \(retried) retried")
        }
    }

    /// C-D2, first form: the server drops connections idle for 5 s; a worker idle for 10 s then
    /// gets an event.
    @Test func aWorkerIdleLongerThanTheServersWaitTimeoutStillDelivers() throws {
        let previous = try SharedServers.admin("SELECT @@GLOBAL.wait_timeout").trimmingCharacters(
            in: .whitespacesAndNewlines)
        try SharedServers.admin("SET GLOBAL wait_timeout = 5")
        defer { _ = try? SharedServers.admin("SET GLOBAL wait_timeout = \(Int(previous) ?? 28800)") }

        let sandbox = try Sandbox("wait_timeout")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom()
        let pids = Self.workers.map(sandbox.pid)
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "500500"], id: "idle-1")
        #expect(eventually(timeout: .seconds(20)) { sandbox.receivedMail().count == 1 })

        Thread.sleep(forTimeInterval: 10)
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1002", "accessToken": "600600"], id: "idle-2")
        #expect(eventually(timeout: .seconds(20)) { sandbox.receivedMail().count == 2 })
        let last = try ParsedMail(file: try #require(sandbox.receivedMail().last))
        #expect(last.toAddress == "zoe@example.com" && last.text.contains("600600"))
        #expect(Self.workers.map(sandbox.pid) == pids && Self.workers.allSatisfy(sandbox.isRunning))
        let database = try sandbox.database()
        #expect(try sandbox.count(database, "email_info WHERE status = 'sent' AND attempts = 1") == 2)
    }

    /// C-D2, second form, in the sender: the server restarts while the sender's claim waits on
    /// a row lock inside its transaction. Nothing of that transaction survives, and the email
    /// goes out once, on its first attempt.
    @Test func aDatabaseRestartInTheMiddleOfASendersTransactionLeavesNothingHalfWritten() throws {
        let sandbox = try Sandbox("restart_claim")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(workers: ["mailroom-ingest", "mailroom-engine"])
        let database = try sandbox.database()
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "700700"], id: "claim-1")
        #expect(
            eventually(timeout: .seconds(20)) {
                (try? sandbox.count(database, "email_info WHERE status = 'ready'")) == 1
            })

        let blocker = try sandbox.database()
        do {
            defer { SharedServers.startDatabase(sandbox) }
            try blocker.execute("START TRANSACTION")
            _ = try blocker.query("SELECT id FROM email_info FOR UPDATE")
            try sandbox.startMailroom("mailroom-sender", environment: ["MAILROOM_CONCURRENCY": "2"])
            let waiting = eventually(timeout: .seconds(15)) {
                (try? database.query(
                    "SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'"
                )
                .first?.int("n")) == 1
            }
            #expect(waiting, "the sender's claim waits on the row lock")
            SharedServers.run(SharedServers.databaseStop)
            Thread.sleep(forTimeInterval: 1)
        }

        let pid = sandbox.pid("mailroom-sender")
        let after = try SharedServers.connectOnceUp(sandbox)
        #expect(
            eventually(timeout: .seconds(60)) { sandbox.receivedMail().count == 1 }, "\(sandbox.log("mailroom-sender"))"
        )
        Thread.sleep(forTimeInterval: 2)
        #expect(sandbox.receivedMail().count == 1)
        #expect(sandbox.pid("mailroom-sender") == pid && sandbox.isRunning("mailroom-sender"))
        let row = try after.query("SELECT status, attempts FROM email_info").first
        #expect(try row?.string("status") == "sent")
        #expect(try row?.int("attempts") == 1, "the interrupted claim's attempt was rolled back with it")
        try Self.expectNothingHalfWritten(after, references: 1)
    }

    /// The database goes away for 20 s right before the SMTP server accepts a message. The
    /// sender remembers the acceptance, its consumer holds the job until the database is back,
    /// and then only the record is written: the sweeper never finds the email stuck in
    /// `sending` past its lease and has it sent a second time.
    @Test func aDatabaseAwayWhileTheServerAcceptsAMessageStillRecordsItOnce() throws {
        let sandbox = try Sandbox("restart_accept", sinkArguments: ["--delay-data", "3"])
        defer { sandbox.tearDown() }
        let settings = ["MAILROOM_SEND_LEASE": "30s"]
        let broker = try sandbox.startMailroom(environment: settings)
        try sandbox.startMailroom(
            "mailroom-sweeper", arguments: ["--every", "1s", "--stuck-after", "5s"], environment: settings)
        let database = try sandbox.database()
        try broker.publishEvent(
            "authAccessTokenCreated", ["userId": "u-1001", "accessToken": "800800"], id: "accept-1")
        let sending = eventually(timeout: .seconds(20)) {
            (try? sandbox.count(database, "email_info WHERE status = 'sending'")) == 1
        }
        #expect(sending)
        let claimed = Date()
        do {
            defer { SharedServers.startDatabase(sandbox) }
            SharedServers.run(SharedServers.databaseStop)
            Thread.sleep(forTimeInterval: 20)
        }

        let after = try SharedServers.connectOnceUp(sandbox)
        #expect(
            eventually(timeout: .seconds(30)) { (try? sandbox.count(after, "email_info WHERE status = 'sent'")) == 1 })
        // Past the lease and a sweep: a sender that gave up recording would now send it again.
        Thread.sleep(until: claimed.addingTimeInterval(36))
        #expect(sandbox.receivedMail().count == 1, "\(sandbox.log("mailroom-sender"))")
        #expect(try after.query("SELECT attempts FROM email_info").first?.int("attempts") == 1)
        #expect(sandbox.logLines("mailroom-sender", containing: "database lost while recording a sent email") >= 1)
        #expect(sandbox.isRunning("mailroom-sender"))
    }

    // MARK: - Helpers

    /// The workers that did not answer 503 on `/readyz` at any moment within 15 s (an idle
    /// consumer checks its database every 5 s).
    static func workersNeverNotReady(_ ports: [String: Int]) -> Set<String> {
        var ready = Set(ports.keys)
        _ = eventually(timeout: .seconds(15)) {
            for (worker, port) in ports where SharedServers.readiness(port) == 503 { ready.remove(worker) }
            return ready.isEmpty
        }
        return ready
    }

    /// What a crash or a restart must never leave: a reference without its email, an email
    /// sent without its record, or one still held by a sender.
    static func expectNothingHalfWritten(_ database: DatabaseConnection, references: Int64) throws {
        #expect(try count(database, "reference_info") == references)
        #expect(try count(database, "email_info") == references, "one email per reference")
        #expect(try count(database, "email_info WHERE status <> 'sent'") == 0)
        #expect(
            try count(database, "email_info WHERE sent_at IS NULL OR message_id IS NULL OR email IS NULL") == 0,
            "every sent email records when, where and under which Message-ID")
        #expect(try count(database, "email_info WHERE lease_until IS NOT NULL") == 0)
        #expect(try count(database, "user_info WHERE access_token IS NULL") == 0)
    }

    static func count(_ database: DatabaseConnection, _ from: String) throws -> Int64 {
        try database.query("SELECT COUNT(*) AS n FROM \(from)").first?.int("n") ?? -1
    }

    static func summary(_ sandbox: Sandbox, _ database: DatabaseConnection) -> String {
        let states = (try? database.query("SELECT status, COUNT(*) AS n FROM email_info GROUP BY status")) ?? []
        let text = states.map { row in "\((try? row.string("status")) ?? "?")=\((try? row.int("n")) ?? 0)" }
        return "states \(text), received \(sandbox.receivedMail().count); sender log tail:\n"
            + sandbox.log("mailroom-sender").suffix(3000)
    }
}
