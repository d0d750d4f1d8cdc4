import AMQP
import Foundation
import MailroomCore
import MariaDB
import Testing

/// The sweeper: several at once do no work twice, what it re-drives and when, and the
/// secrets it erases after the retention.
@Suite struct SweeperTests {
    @Test func twoSweepersAtOnceReDriveEachStuckEmailOnce() throws {
        let sandbox = try Sandbox("two_sweepers")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(workers: [])
        let database = try sandbox.database()
        let pending = try insertEmails(100, status: "pending", untouchedFor: "1 HOUR", database)
        let ready = try insertEmails(100, status: "ready", untouchedFor: "1 HOUR", database)

        for label in ["sweeper-a", "sweeper-b"] {
            try sandbox.startMailroom(
                "mailroom-sweeper", label: label, arguments: ["--every", "100ms", "--stuck-after", "30m"])
        }
        let touched = eventually(timeout: .seconds(30)) {
            (try? sandbox.count(database, "email_info WHERE updated_at > UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE")) == 200
        }
        #expect(touched, "\(sandbox.log("sweeper-a"))\n\(sandbox.log("sweeper-b"))")
        Thread.sleep(forTimeInterval: 2)
        #expect(sandbox.stop("sweeper-a") == 0)
        #expect(sandbox.stop("sweeper-b") == 0)

        let engineJobs = try takeJobs("mailroom.engine", field: "referenceId", on: broker)
        let sendJobs = try takeJobs("mailroom.send", field: "emailId", on: broker)
        #expect(Set(engineJobs.keys) == Set(pending.map(\.reference)), "one engine job per stuck reference")
        #expect(Set(sendJobs.keys) == Set(ready.map(\.email)), "one send job per stuck ready email")
        #expect(engineJobs.values.allSatisfy { $0 == 1 } && sendJobs.values.allSatisfy { $0 == 1 }, "none twice")
        #expect(sandbox.logLines("sweeper-a", containing: "\"sweep\"") > 5, "both sweepers kept running passes")
        #expect(sandbox.logLines("sweeper-b", containing: "\"sweep\"") > 5)
        let skipped = ["sweeper-a", "sweeper-b"].map { sandbox.logLines($0, containing: "\"skipped\":\"true\"") }
        print("two sweepers: passes skipped because the other held the lock: \(skipped)")
    }

    @Test func aPassIsSkippedWhileAnotherSweeperOfTheSameDatabaseHoldsTheLock() throws {
        let first = try Sandbox("lock_a")
        defer { first.tearDown() }
        let second = try Sandbox("lock_b")
        defer { second.tearDown() }
        _ = try insertEmails(1, status: "ready", untouchedFor: "1 HOUR", try first.database())
        _ = try insertEmails(1, status: "ready", untouchedFor: "1 HOUR", try second.database())
        let sweeper = Sweeper(settings: Sweeper.Settings(stuckAfter: .seconds(60)))

        let holder = try first.database()
        let lock = "CONCAT('mailroom_sweeper:', MD5(DATABASE()))"
        #expect(try holder.query("SELECT GET_LOCK(\(lock), 0) AS held").first?.int("held") == 1)
        let blocked = try sweeper.sweep(try first.database())
        #expect(blocked.report.skipped && blocked.jobs.isEmpty)
        let elsewhere = try sweeper.sweep(try second.database())
        #expect(!elsewhere.report.skipped && elsewhere.report.sendJobs == 1, "another database is not held up")

        _ = try holder.query("SELECT RELEASE_LOCK(\(lock)) AS released")
        #expect(try sweeper.sweep(try first.database()).report.sendJobs == 1)
        #expect(try sweeper.sweep(try first.database()).report.sendJobs == 0, "re-driven rows wait a whole threshold")
    }

    @Test func whatCountsAsStuck() throws {
        let sandbox = try Sandbox("stuck_rules")
        defer { sandbox.tearDown() }
        let database = try sandbox.database()
        let fresh = try insertEmails(1, status: "ready", untouchedFor: "1 SECOND", database)
        let untried = try insertEmails(1, status: "ready", untouchedFor: "100 SECOND", database)
        let retrying = try insertEmails(1, status: "ready", untouchedFor: "100 SECOND", database)
        try database.execute("UPDATE email_info SET attempts = 1 WHERE id = ?", [.int(retrying[0].email)])
        let leased = try insertEmails(1, status: "sending", untouchedFor: "100 SECOND", database)
        try database.execute(
            "UPDATE email_info SET lease_until = UTC_TIMESTAMP(6) + INTERVAL 1 MINUTE WHERE id = ?",
            [.int(leased[0].email)])
        let expired = try insertEmails(1, status: "sending", untouchedFor: "1 SECOND", database)
        try database.execute(
            "UPDATE email_info SET lease_until = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = ?",
            [.int(expired[0].email)])
        let waiting = try insertEmails(1, status: "pending", untouchedFor: "100 SECOND", database)
        let asked = try insertEmails(1, status: "pending", untouchedFor: "40 SECOND", database)
        try wait(asked[0].reference, requestedSecondsAgo: 100, database)
        let askedRecently = try insertEmails(1, status: "pending", untouchedFor: "40 SECOND", database)
        try wait(askedRecently[0].reference, requestedSecondsAgo: 1, database)

        // Thresholds of tens of seconds against ages of 1, 40 and 100 s: a slow machine between the
        // inserts and the pass changes nothing.
        let sweeper = Sweeper(
            settings: Sweeper.Settings(
                stuckAfter: .seconds(50), requestTimeout: .seconds(30), retryGrace: .seconds(300)))
        let (jobs, report) = try sweeper.sweep(database)

        #expect(report.sendJobs == 2 && report.engineJobs == 2)
        let sendIDs = Set(jobs.compactMap { $0.jobID("emailId") })
        let engineIDs = Set(jobs.compactMap { $0.jobID("referenceId") })
        #expect(sendIDs == [untried[0].email, expired[0].email], "not \(fresh) (fresh), \(retrying) or \(leased)")
        #expect(engineIDs == [waiting[0].reference, asked[0].reference], "not \(askedRecently) (asked 1 s ago)")

        // A long threshold: only the reference whose provider request timed out is re-driven.
        try database.execute("UPDATE email_info SET updated_at = UTC_TIMESTAMP(6) - INTERVAL 10 SECOND")
        try database.execute("UPDATE provider_request SET requested_at = UTC_TIMESTAMP(6) - INTERVAL 10 SECOND")
        let patient = Sweeper(settings: Sweeper.Settings(stuckAfter: .seconds(3600), requestTimeout: .seconds(3)))
        let reDriven = Set(try patient.sweep(database).jobs.compactMap { $0.jobID("referenceId") })
        #expect(reDriven == [asked[0].reference, askedRecently[0].reference])
    }

    @Test func secretsOfEmailsSentLongerAgoThanTheRetentionAreErasedAndRecentOnesKept() throws {
        let sandbox = try Sandbox("retention")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom()
        let database = try sandbox.database()

        // Old: Ada and Jörg. Recent: Zoë. Then a second token for Jörg that waits to be sent.
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "111111"], id: "old-1")
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1003", "accessToken": "333333"], id: "old-3")
        #expect(eventually(timeout: .seconds(20)) { sandbox.receivedMail().count == 2 })
        // Two hours old, against a retention of one: no race with the clock on a busy machine.
        try database.execute(
            """
            UPDATE reference_info r JOIN email_info e ON e.reference_id = r.id
            SET r.created_at = r.created_at - INTERVAL 2 HOUR, e.updated_at = e.updated_at - INTERVAL 2 HOUR
            WHERE r.event_id IN ('old-1', 'old-3')
            """)
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1002", "accessToken": "222222"], id: "new-2")
        #expect(eventually(timeout: .seconds(20)) { sandbox.receivedMail().count == 3 })
        sandbox.stop("mailroom-sender")
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1003", "accessToken": "444444"], id: "new-3")
        #expect(
            eventually(timeout: .seconds(20)) {
                (try? sandbox.count(database, "email_info WHERE status = 'ready'")) == 1
            })

        try shell(
            Sandbox.binDirectory + "/mailroom-sweeper", ["--retention", "1h", "--stuck-after", "1h"],
            environment: sandbox.environment())

        #expect(try payload(of: "old-1", database) == nil)
        #expect(try payload(of: "old-3", database) == nil)
        #expect(try payload(of: "new-2", database) != nil)
        #expect(try payload(of: "new-3", database) != nil)
        #expect(try token(of: "u-1001", database) == nil)
        #expect(try token(of: "u-1002", database) == "222222")
        #expect(try token(of: "u-1003", database) == "444444", "a newer email still needs the user's token")

        try sandbox.startMailroom("mailroom-sender", environment: ["MAILROOM_CONCURRENCY": "2"])
        #expect(eventually(timeout: .seconds(20)) { sandbox.receivedMail().count == 4 })
        let last = try ParsedMail(file: try #require(sandbox.receivedMail().last))
        #expect(last.toAddress == "jorg@example.com" && last.text.contains("444444"))
    }

    // MARK: - Rows and jobs

    /// Inserts `count` references of one email each, in `status`, last touched `untouchedFor`
    /// ago (an SQL interval such as `1 HOUR`).
    private func insertEmails(
        _ count: Int, status: String, untouchedFor interval: String, _ database: DatabaseConnection
    ) throws -> [(reference: Int64, email: Int64)] {
        try (0..<count).map { _ in
            let user = "u-sweep-\(UUID().uuidString.prefix(8))"
            let reference = try database.execute(
                """
                INSERT INTO reference_info (template, user_id, event_id, payload)
                VALUES ('auth-access-token', ?, ?, '{}')
                """,
                [.string(user), .string(UUID().uuidString)]
            ).lastInsertID
            let email = try database.execute(
                """
                INSERT INTO email_info (reference_id, user_id, status, updated_at)
                VALUES (?, ?, ?, UTC_TIMESTAMP(6) - INTERVAL \(interval))
                """, [.int(reference), .string(user), .string(status)]
            ).lastInsertID
            return (reference, email)
        }
    }

    /// Makes a reference wait for a pending provider request made that long ago.
    private func wait(_ reference: Int64, requestedSecondsAgo seconds: Int, _ database: DatabaseConnection) throws {
        let key = "u-wait-\(reference)"
        try database.execute(
            """
            INSERT INTO provider_request (provider, entity_key, correlation_id, status, attempts, requested_at)
            VALUES ('user', ?, ?, 'pending', 1, UTC_TIMESTAMP(6) - INTERVAL ? SECOND)
            """, [.string(key), .string(UUID().uuidString), .int(Int64(seconds))])
        try database.execute(
            "INSERT INTO reference_wait (provider, entity_key, reference_id) VALUES ('user', ?, ?)",
            [.string(key), .int(reference)])
    }

    /// Takes every job in a work queue and counts them per id.
    private func takeJobs(_ queue: String, field: String, on broker: AMQPConnection) throws -> [Int64: Int] {
        var perID: [Int64: Int] = [:]
        while let delivery = try broker.get(queue: queue) {
            let job = OutboundMessage(destination: .workQueue(.send), body: delivery.body)
            perID[job.jobID(field) ?? 0, default: 0] += 1
            try broker.ack(delivery)
        }
        return perID
    }

    private func payload(of eventID: String, _ database: DatabaseConnection) throws -> String? {
        try database.query("SELECT payload FROM reference_info WHERE event_id = ?", [.string(eventID)]).first?
            .optionalString("payload")
    }

    private func token(of user: String, _ database: DatabaseConnection) throws -> String? {
        try database.query("SELECT access_token FROM user_info WHERE user_id = ?", [.string(user)]).first?
            .optionalString("access_token")
    }
}

extension OutboundMessage {
    /// The id in a job body such as `{"emailId": 7}`.
    fileprivate func jobID(_ field: String) -> Int64? {
        let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return (object?[field] as? NSNumber)?.int64Value
    }
}
