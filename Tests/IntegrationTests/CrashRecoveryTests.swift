import AMQP
import Foundation
import MariaDB
import Testing

/// `kill -9` of one worker in the middle of a burst of 200 events (200 users), then a restart:
/// every email is delivered, and a duplicate can only be an email whose first copy the SMTP
/// server accepted just before the sender died (before its commit). Those are counted by
/// Message-ID and printed. The sender's case is C-I1's first form: it is killed right after
/// the server accepted a message.
@Suite struct CrashRecoveryTests {
    /// A short lease and request timeout, so what a dead worker held comes back within the
    /// test; the sweeper re-drives it.
    static let settings = [
        "MAILROOM_SEND_LEASE": "5s", "MAILROOM_REQUEST_TIMEOUT": "10s", "MAILROOM_CONCURRENCY": "2",
    ]
    static let burst = 200

    @Test(arguments: ["mailroom-ingest", "mailroom-engine", "mailroom-sender"])
    func aWorkerKilledDuringABurstLosesNoEmail(worker: String) throws {
        let sandbox = try Sandbox("kill_\(worker.dropFirst("mailroom-".count))")
        defer { sandbox.tearDown() }
        let (fixture, users) = try sandbox.writeUserFixture(count: Self.burst)
        let broker = try sandbox.startMailroom(environment: Self.settings, fixtures: fixture)
        try sandbox.startMailroom(
            "mailroom-sweeper", arguments: ["--every", "1s", "--stuck-after", "5s"], environment: Self.settings)
        let database = try sandbox.database()

        try sandbox.publishTokens(for: users, on: broker)
        let busy = eventually(timeout: .seconds(90)) { (try? progress(of: worker, sandbox, database)) ?? 0 >= 30 }
        #expect(busy, "\(worker) made no progress:\n\(sandbox.log(worker))")
        if worker == "mailroom-sender" {
            // C-I1: strike right after the server accepted a message, before the commit if we can.
            // The sink stores a message just before it answers 250, so poll without pausing.
            let accepted = sandbox.receivedMail().count
            let deadline = ContinuousClock.now + .seconds(30)
            while sandbox.receivedMail().count == accepted, ContinuousClock.now < deadline {
                usleep(500)  // a core of two left to the workers, the kill still within a millisecond
            }
        }
        let killedAt = Date()
        sandbox.killHard(worker)
        Thread.sleep(forTimeInterval: 1)
        try sandbox.startMailroom(worker, environment: Self.settings)

        let allSent = eventually(timeout: .seconds(150)) {
            (try? sandbox.count(database, "email_info WHERE status = 'sent'")) == Int64(Self.burst)
                && sandbox.receivedMessageIDs().count == Self.burst
        }
        #expect(allSent, "not all sent after killing \(worker):\n\(summary(sandbox, database))")
        Thread.sleep(forTimeInterval: 1)

        let copies = sandbox.receivedMessageIDs()
        let stored = Set(try database.query("SELECT message_id FROM email_info").map { try $0.string("message_id") })
        #expect(Set(copies.keys) == stored, "every email arrived, under the Message-ID it was recorded with")
        let duplicates = copies.filter { $0.value > 1 }
        print(
            "\(worker) killed during a burst of \(Self.burst): "
                + "\(duplicates.count) duplicate(s) \(duplicates.keys.sorted())"
        )
        try checkDuplicatesAreInTheWindow(duplicates, killed: worker, at: killedAt, sandbox, database)
    }

    /// The engine commits its decision, then the broker refuses the send job (no route: the
    /// binding is gone). The engine reconnects, which declares the binding again, and the
    /// redelivered job hands the sender the ready email again, with no sweeper running.
    @Test func aSendJobLostAfterTheEnginesCommitIsHandedOutAgainOnRedelivery() throws {
        let sandbox = try Sandbox("lost_send_job")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom()
        try broker.unbindQueue("mailroom.send", from: "mailroom", routingKey: "mailroom.send")

        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "121212"], id: "lost-1")
        #expect(
            eventually(timeout: .seconds(30)) { sandbox.receivedMail().count == 1 }, "\(sandbox.log("mailroom-engine"))"
        )
        #expect(sandbox.logLines("mailroom-engine", containing: "NO_ROUTE") >= 1, "the first send job was refused")
        let database = try sandbox.database()
        #expect(try sandbox.count(database, "email_info WHERE status = 'sent' AND attempts = 1") == 1)
    }

    /// A duplicate is allowed only when the sender died between the server's acceptance and
    /// its commit: then the first copy arrived before the kill and the email was claimed twice.
    private func checkDuplicatesAreInTheWindow(
        _ duplicates: [String: Int], killed worker: String, at killedAt: Date, _ sandbox: Sandbox,
        _ database: DatabaseConnection
    ) throws {
        guard worker == "mailroom-sender" else {
            #expect(duplicates.isEmpty, "only a sender's crash may duplicate an email")
            return
        }
        #expect(duplicates.count <= 2, "at most one email in hand per consumer")
        for (messageID, count) in duplicates {
            #expect(count == 2)
            let first = sandbox.receivedTimes(of: messageID).first ?? .distantFuture
            #expect(first <= killedAt.addingTimeInterval(1), "\(messageID): first copy before the kill")
            let emailID = Sandbox.emailID(fromMessageID: messageID) ?? 0
            let attempts = try database.query("SELECT attempts FROM email_info WHERE id = ?", [.int(emailID)])
            #expect(try attempts.first?.int("attempts") == 2, "\(messageID) was claimed again after its lease")
        }
    }

    /// How far the worker under test got: rows it wrote, or mail it delivered.
    private func progress(of worker: String, _ sandbox: Sandbox, _ database: DatabaseConnection) throws -> Int {
        switch worker {
        case "mailroom-ingest": Int(try sandbox.count(database, "reference_info"))
        case "mailroom-engine": Int(try sandbox.count(database, "email_info WHERE status <> 'pending'"))
        default: sandbox.receivedMail().count
        }
    }

    private func summary(_ sandbox: Sandbox, _ database: DatabaseConnection) -> String {
        let states = (try? database.query("SELECT status, COUNT(*) AS n FROM email_info GROUP BY status")) ?? []
        let text = states.map { row in "\((try? row.string("status")) ?? "?")=\((try? row.int("n")) ?? 0)" }
        return "states \(text), received \(sandbox.receivedMail().count)\n"
            + sandbox.log("mailroom-sweeper").suffix(3000)
    }
}
