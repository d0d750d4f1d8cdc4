import AMQP
import Foundation
import MailroomCore
import MailroomWorker
import MariaDB
import Testing

/// Transient SMTP refusals come back through the delay queues until delivered; permanent ones
/// fail the email and park its send job at once. On the real broker, database and an SMTP sink
/// that answers as told, with short delays (1s, 2s, 3s).
struct RetryAndParkingTests {
    static let fastRetries = ["MAILROOM_RETRY_DELAYS": "1s,2s,3s"]

    /// C-B2 and the issue's first case: 451 twice (and three times), then 250.
    @Test(arguments: [2, 3])
    func temporaryRefusalsAreRetriedUntilTheEmailIsDelivered(refusals: Int) throws {
        let replies = Array(repeating: "451 4.3.0 Try again later", count: refusals) + ["250 OK"]
        let sandbox = try Sandbox(
            "retry\(refusals)", sinkArguments: ["--data-replies", replies.joined(separator: ",")])
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(environment: Self.fastRetries)
        try sandbox.captureRetries(on: broker)

        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "451451"], id: "retry-1")
        let database = try sandbox.database()
        #expect(eventually { sandbox.receivedMail().count == 1 }, "\(sandbox.log("mailroom-sender"))")
        Thread.sleep(forTimeInterval: 1)

        let email = try database.query("SELECT status, attempts, last_error FROM email_info")
        #expect(email.count == 1)
        #expect(try email.first?.string("status") == "sent")
        #expect(try email.first?.int("attempts") == Int64(refusals + 1), "delivered on attempt \(refusals + 1)")
        #expect(try email.first?.optionalString("last_error") == nil)
        #expect(sandbox.receivedMail().count == 1)
        #expect(sandbox.dataReplies() == Array(repeating: "451", count: refusals) + ["250"])

        // Each retried copy says how many attempts failed before it; the database counts the
        // attempt that succeeded too.
        let retried = try sandbox.drain("test.retries", on: broker)
        let headerCounts = retried.compactMap { $0.properties.headers[MessageHeader.attempts]?.integerValue }
        #expect(headerCounts == (1...refusals).map(Int64.init))
        #expect(headerCounts.last.map { $0 + 1 } == Int64(refusals + 1))
        #expect(retried.allSatisfy { $0.properties.expiration == nil }, "no per-message TTL")
        #expect(retried.allSatisfy { $0.properties.headers[MessageHeader.reason]?.stringValue == "smtp_451" })

        // The work queue itself carries no TTL: only the delay queues do.
        let sendQueue = try sandbox.managementQueue("mailroom.send")
        let arguments = sendQueue["arguments"] as? [String: Any] ?? [:]
        #expect(arguments["x-message-ttl"] == nil)
        #expect(arguments["x-queue-type"] as? String == "quorum")
        #expect(arguments["x-delivery-limit"] != nil)
        let delayQueue = try sandbox.managementQueue("mailroom.delay.1s")
        #expect((delayQueue["arguments"] as? [String: Any])?["x-message-ttl"] as? Int == 1000)
        #expect(try sandbox.parked(.send).isEmpty)
    }

    /// The issue's second case: 550 5.1.1 fails the email once and parks the job with the reason.
    @Test func permanentRefusalFailsTheEmailAndParksTheJobWithoutRetrying() throws {
        let sandbox = try Sandbox("refused", sinkArguments: ["--data-replies", "550 5.1.1 No such user"])
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(environment: Self.fastRetries)
        try sandbox.captureRetries(on: broker)

        try broker.publishEvent(
            "authAccessTokenCreated", ["userId": "u-1001", "accessToken": "550550"], id: "refused-1")
        let database = try sandbox.database()
        #expect(try eventually { try sandbox.count(database, "email_info WHERE status = 'failed'") == 1 })
        #expect(eventually { (try? sandbox.parked(.send).count) == 1 })
        Thread.sleep(forTimeInterval: 3)  // longer than every retry delay

        let email = try database.query("SELECT id, attempts, error_kind, last_error FROM email_info")
        #expect(try email.first?.string("error_kind") == "smtp_550")
        #expect(try email.first?.string("last_error").contains("5.1.1") == true)
        #expect(try email.first?.int("attempts") == 1)
        #expect(sandbox.dataReplies() == ["550"], "exactly one DATA")
        #expect(sandbox.receivedMail().isEmpty)
        #expect(try sandbox.drain("test.retries", on: broker).isEmpty, "never retried")

        let parked = try sandbox.parked(.send)
        #expect(parked.count == 1)
        let job = try #require(parked.first)
        #expect(job.reason == "smtp_550")
        #expect(job.errorKind == "permanent")
        #expect(job.detail?.contains("5.1.1") == true)
        #expect(job.attempts == 1)
        #expect(job.originalQueue == "mailroom.send")
        #expect(job.parkedBy == .mailroom)
        #expect(job.firstFailure != nil && job.lastFailure != nil)
        let emailID = try #require(try email.first?.int("id"))
        #expect(String(decoding: job.delivery.body, as: UTF8.self).contains("\(emailID)"))
    }

    /// C-M7 through the worker: every 4xx retries, every 5xx fails after one attempt with the
    /// reply code and enhanced code stored.
    @Test(arguments: [
        ("421 4.4.2 Closing connection", true), ("450 4.2.1 Mailbox busy", true),
        ("452 4.3.1 Insufficient system storage", true), ("552 5.3.4 Message too big", false),
        ("554 5.7.1 Rejected by policy", false),
    ])
    func replyCodesDecideBetweenRetryAndFailure(reply: String, retries: Bool) throws {
        let code = String(reply.prefix(3))
        let enhanced = String(reply.split(separator: " ")[1])
        let sandbox = try Sandbox("reply\(code)", sinkArguments: ["--data-replies", "\(reply),250 OK"])
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(environment: Self.fastRetries)

        try broker.publishEvent(
            "authAccessTokenCreated", ["userId": "u-1002", "accessToken": "777777"], id: "m7-\(code)")
        let database = try sandbox.database()
        #expect(sandbox.settle(1, database))
        Thread.sleep(forTimeInterval: 3)

        let email = try database.query("SELECT status, attempts, error_kind, last_error FROM email_info")
        if retries {
            #expect(try email.first?.string("status") == "sent")
            #expect(try email.first?.int("attempts") == 2)
            #expect(sandbox.dataReplies() == [code, "250"])
            #expect(sandbox.receivedMail().count == 1)
        } else {
            #expect(try email.first?.string("status") == "failed")
            #expect(try email.first?.int("attempts") == 1)
            #expect(try email.first?.string("error_kind") == "smtp_\(code)")
            #expect(try email.first?.string("last_error").contains(enhanced) == true)
            #expect(sandbox.dataReplies() == [code])
            #expect(sandbox.receivedMail().isEmpty)
            #expect(try sandbox.parked(.send).first?.reason == "smtp_\(code)")
        }
    }

    /// C-M7's last input: the server drops the connection right after RCPT. That is transient:
    /// the email goes out on the next attempt, over a new connection, once.
    @Test func aConnectionDroppedAfterRcptIsRetriedAndSentOnce() throws {
        let sandbox = try Sandbox("drop_rcpt", sinkArguments: ["--drop-after-rcpt", "1"])
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(environment: Self.fastRetries)

        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1002", "accessToken": "787878"], id: "m7-drop")
        let database = try sandbox.database()
        #expect(sandbox.settle(1, database))
        Thread.sleep(forTimeInterval: 3)

        let email = try database.query("SELECT status, attempts FROM email_info")
        #expect(try email.first?.string("status") == "sent")
        #expect(try email.first?.int("attempts") == 2, "the dropped attempt counts")
        #expect(sandbox.receivedMail().count == 1)
        #expect(try sandbox.parked(.send).isEmpty)
    }

    /// C-B1: a long delay never holds back a short one, because each delay has its own queue.
    @Test func aLongDelayDoesNotHoldBackAShortOne() throws {
        let sandbox = try Sandbox("delays")
        defer { sandbox.tearDown() }
        try sandbox.mailroomctl(["topology"], environment: ["MAILROOM_RETRY_DELAYS": "1s,30s"])
        let broker = try sandbox.broker()

        // As FailureRouter publishes a retry: to the delay exchange, the delay queue in a header.
        try sandbox.publishRetry(#"{"referenceId":1}"#, id: "long", delay: .seconds(30), queue: .engine, on: broker)
        let started = ContinuousClock.now
        try sandbox.publishRetry(#"{"referenceId":2}"#, id: "short", delay: .seconds(1), queue: .engine, on: broker)
        #expect(try broker.inspectQueue("mailroom.delay.30s").messageCount == 1, "each retry in one delay queue")

        var back: AMQPDelivery?
        #expect(
            try eventually(timeout: .seconds(20)) {
                back = try broker.get(queue: "mailroom.engine")
                return back != nil
            })
        let waited = ContinuousClock.now - started
        #expect(back?.properties.messageID == "short")
        #expect(waited >= .milliseconds(900), "it did wait its delay")
        #expect(try broker.inspectQueue("mailroom.delay.30s").messageCount == 1, "the long one still waits")
        #expect(try broker.get(queue: "mailroom.engine") == nil)
    }

    /// C-I1, third form: the same event again while the first copy waits in a delay queue.
    @Test func sameEventWhileItsFirstCopyWaitsInADelayQueueGivesOneEmail() throws {
        let sandbox = try Sandbox("dupdelay")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(environment: ["MAILROOM_RETRY_DELAYS": "4s"])
        let event = #"{"userId":"u-1003","accessToken":"313131"}"#

        // The first copy failed in ingest (as after a database outage) and waits 4 s...
        try sandbox.publishRetry(
            event, id: "dup-1", delay: .seconds(4), queue: .ingest, routingKey: "authAccessTokenCreated", on: broker)
        // ...while the upstream service publishes the same event again.
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1003", "accessToken": "313131"], id: "dup-1")

        #expect(eventually { sandbox.receivedMail().count == 1 })
        #expect(eventually { sandbox.log("mailroom-ingest").contains("duplicate event ignored") })
        Thread.sleep(forTimeInterval: 1)
        let database = try sandbox.database()
        #expect(sandbox.receivedMail().count == 1)
        #expect(try sandbox.count(database, "reference_info") == 1)
        #expect(try sandbox.count(database, "email_info") == 1)
    }

    /// C-I1, third form, with the send job in the delay queue: the duplicate finds the email
    /// already on its way and adds nothing.
    @Test func sameEventWhileItsSendJobWaitsInADelayQueueGivesOneEmail() throws {
        let sandbox = try Sandbox("dupsend", sinkArguments: ["--data-replies", "451 4.3.0 Later,250 OK"])
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(environment: ["MAILROOM_RETRY_DELAYS": "4s"])

        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1004", "accessToken": "424242"], id: "dup-2")
        #expect(try eventually { try broker.inspectQueue("mailroom.delay.4s").messageCount == 1 })
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1004", "accessToken": "424242"], id: "dup-2")

        #expect(eventually { sandbox.receivedMail().count == 1 })
        Thread.sleep(forTimeInterval: 2)
        let database = try sandbox.database()
        #expect(sandbox.receivedMail().count == 1)
        #expect(sandbox.dataReplies() == ["451", "250"])
        #expect(try sandbox.count(database, "email_info WHERE status = 'sent' AND attempts = 2") == 1)
        #expect(try sandbox.count(database, "reference_info") == 1)
    }
}

// MARK: - Helpers shared by the failure-handling suites

extension Sandbox {
    /// Runs `mailroomctl` with this sandbox's environment and returns its output.
    @discardableResult
    func mailroomctl(_ arguments: [String], environment extra: [String: String] = [:]) throws -> String {
        try shell(Sandbox.binDirectory + "/mailroomctl", arguments, environment: environment(extra))
    }

    /// The messages in a parking queue now; they stay there (the reading connection closes).
    func parked(_ queue: WorkQueue) throws -> [ParkedMessage] {
        let connection = try broker()
        defer { connection.close() }
        var found: [ParkedMessage] = []
        while let delivery = try connection.get(queue: queue.parkingQueue) {
            found.append(ParkedMessage(delivery, parkingQueue: queue.parkingQueue))
        }
        return found
    }

    /// Binds `test.retries` to the delay exchange so a test sees a copy of every retry.
    func captureRetries(on broker: AMQPConnection) throws {
        try broker.declareQueue("test.retries")
        try broker.bindQueue("test.retries", to: Topology.delayExchange, routingKey: "", arguments: ["x-match": "all"])
    }

    /// Takes every message out of a queue.
    func drain(_ queue: String, on broker: AMQPConnection) throws -> [AMQPDelivery] {
        var taken: [AMQPDelivery] = []
        while let delivery = try broker.get(queue: queue) {
            try broker.ack(delivery)
            taken.append(delivery)
        }
        return taken
    }

    /// The first word of each reply the SMTP sink gave to DATA, in order.
    func dataReplies() -> [String] {
        log("smtp-sink").split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            return words.count == 4 && words[0] == "DATA" && words[2] == "reply" ? String(words[3]) : nil
        }
    }

    /// A queue as the management API describes it (arguments, counts).
    func managementQueue(_ queue: String) throws -> [String: Any] {
        let vhost = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
        let output = try shell(
            "/usr/bin/curl", ["-sf", "-u", "mailroom:mailroom", "http://127.0.0.1:15672/api/queues/\(vhost)/\(queue)"])
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
    }

    /// Publishes a message as FailureRouter does after a transient failure.
    func publishRetry(
        _ body: String, id: String, delay: Duration, queue: WorkQueue, routingKey: String? = nil,
        on broker: AMQPConnection
    ) throws {
        var headers: AMQPTable = [
            Topology.delayHeader: .string(Topology.delayQueue(for: delay)), MessageHeader.attempts: .int64(1),
            MessageHeader.reason: "database_connection_lost", MessageHeader.errorKind: "transient",
        ]
        headers[MessageHeader.routingKey] = .string(routingKey ?? queue.rawValue)
        try broker.publish(
            Array(body.utf8), exchange: Topology.delayExchange, routingKey: queue.rawValue,
            properties: AMQPProperties(contentType: "application/json", headers: headers, messageID: id))
    }
}
