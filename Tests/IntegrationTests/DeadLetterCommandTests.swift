import AMQP
import Foundation
import MailroomCore
import MailroomWorker
import Testing

/// `mailroomctl dead list|show|replay|purge` against messages parked by the real workers and by
/// the broker itself.
struct DeadLetterCommandTests {
    /// A send job parked after a 550, listed and shown, then replayed once the server accepts.
    @Test func replayedSendJobIsDeliveredOnceAfterTheCauseIsFixed() throws {
        // The sink refuses the first message for good and accepts everything after it.
        let sandbox = try Sandbox("replay", sinkArguments: ["--data-replies", "550 5.1.1 No such user,250 OK"])
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(environment: ["MAILROOM_RETRY_DELAYS": "1s"])
        try broker.publishEvent(
            "authAccessTokenCreated", ["userId": "u-1001", "accessToken": "808080"], id: "replay-1")
        let database = try sandbox.database()
        #expect(eventually { (try? sandbox.parked(.send).count) == 1 })
        let emailID = try #require(try database.query("SELECT id FROM email_info").first?.int("id"))

        let table = try sandbox.mailroomctl(["dead", "list"])
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("mailroom.send.dead") }
        #expect(rows.count == 1)
        #expect(rows.first?.contains("smtp_550") == true, "\(table)")
        #expect(table.contains("1 parked message"))

        let listed = try sandbox.listedParked(["--queue", "send"])
        #expect(listed.count == 1)
        let job = try #require(listed.first)
        #expect(job["reason"] as? String == "smtp_550")
        #expect(job["errorKind"] as? String == "permanent")
        #expect(job["attempts"] as? Int == 1)
        #expect(job["originalQueue"] as? String == "mailroom.send")
        #expect(job["parkedBy"] as? String == "mailroom")
        #expect(job["lastFailure"] as? String != nil)
        #expect(job["body"] == nil, "list never prints bodies")
        let id = try #require(job["messageId"] as? String)
        #expect(try sandbox.listedParked(["--queue", "ingest"]).isEmpty)

        let shown = try sandbox.mailroomctl(["dead", "show", id])
        #expect(shown.contains("reason:         smtp_550 (permanent)"))
        #expect(shown.contains("x-mailroom-detail: 5.1.1"))
        #expect(shown.contains("x-mailroom-original-queue: mailroom.send"))
        #expect(shown.contains("{\"emailId\":\(emailID)}"), "show prints the body")
        #expect(try sandbox.parked(.send).count == 1, "list and show leave the message parked")

        let replayed = try sandbox.mailroomctl(["dead", "replay", id])
        #expect(replayed.contains("email \(emailID) reopened"), "\(replayed)")
        #expect(eventually { sandbox.receivedMail().count == 1 }, "\(sandbox.log("mailroom-sender").suffix(3000))")
        Thread.sleep(forTimeInterval: 2)

        #expect(sandbox.receivedMail().count == 1)
        #expect(sandbox.dataReplies() == ["550", "250"])
        #expect(try broker.inspectQueue("mailroom.send.dead").messageCount == 0)
        let email = try database.query("SELECT status, attempts FROM email_info")
        #expect(try email.first?.string("status") == "sent")
        #expect(try email.first?.int("attempts") == 1, "the replay reset the attempts")
        #expect(throws: (any Error).self, "replaying it again finds nothing") {
            try sandbox.mailroomctl(["dead", "replay", id])
        }
    }

    /// Purge and replay act only on what the filters select; a replay whose cause is not
    /// fixed parks the message again, once, with its event name intact.
    @Test func filtersSelectWhatPurgeAndReplayTouch() throws {
        let sandbox = try Sandbox("purge")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(workers: ["mailroom-ingest"])
        let poison: [(id: String, body: String)] = [
            ("bad-json-1", "{"), ("bad-json-2", "[]"), ("no-user-1", #"{"accessToken":"1"}"#),
            ("no-user-2", #"{"accessToken":"2"}"#),
        ]
        for message in poison {
            try broker.publish(
                Array(message.body.utf8), exchange: "events", routingKey: "authAccessTokenCreated",
                properties: AMQPProperties(contentType: "application/json", messageID: message.id))
        }
        #expect(eventually { (try? sandbox.parked(.ingest).count) == 4 })

        let purgedNone = try sandbox.mailroomctl(["dead", "purge", "--all", "--queue", "engine"])
        #expect(purgedNone.contains("purged 0 messages"))
        let purged = try sandbox.mailroomctl(["dead", "purge", "--all", "--reason", "invalid_json"])
        #expect(purged.contains("purged 2 messages"), "\(purged)")
        #expect(try sandbox.parked(.ingest).map(\.id).sorted() == ["no-user-1", "no-user-2"])

        try sandbox.mailroomctl(["dead", "purge", "no-user-1", "--queue", "ingest"])
        #expect(try sandbox.parked(.ingest).map(\.id) == ["no-user-2"])

        // Replayed without a fix: ingest parks it again, under the same event name and reason.
        let replayed = try sandbox.mailroomctl(["dead", "replay", "--all", "--reason", "missing_field"])
        #expect(replayed.contains("replayed 1 message"), "\(replayed)")
        #expect(eventually { (try? sandbox.parked(.ingest).first?.replayedAt) != nil })
        Thread.sleep(forTimeInterval: 1)
        let again = try sandbox.parked(.ingest)
        #expect(again.count == 1)
        #expect(again.first?.reason == "missing_field")
        #expect(again.first?.routingKey == "authAccessTokenCreated")
        #expect(again.first?.attempts == 1, "attempts start again from zero")
        #expect(again.first?.delivery.properties.headers[MessageHeader.replayedReason]?.stringValue == "missing_field")
    }

    /// A message the broker dead-lettered (rejected, or past the delivery limit) carries
    /// `x-death` instead of Mailroom's headers; list and show say so, and replay puts it back.
    @Test func brokerParkedMessageShowsItsDeathRecordAndReplaysToItsQueue() throws {
        let sandbox = try Sandbox("xdeath")
        defer { sandbox.tearDown() }
        try sandbox.mailroomctl(["topology"])
        let broker = try sandbox.broker()
        try broker.publish(
            Array(#"{"emailId":999}"#.utf8), exchange: Topology.workExchange, routingKey: "mailroom.send",
            properties: AMQPProperties(contentType: "application/json", correlationID: "corr-9", messageID: "job-999"))
        let delivery = try #require(try broker.get(queue: "mailroom.send"))
        try broker.nack(delivery, requeue: false)
        #expect(eventually { (try? sandbox.parked(.send).count) == 1 })

        let listed = try #require(try sandbox.listedParked([]).first)
        #expect(listed["messageId"] as? String == "job-999")
        #expect(listed["parkedBy"] as? String == "broker")
        #expect(listed["reason"] as? String == "rejected")
        #expect(listed["originalQueue"] as? String == "mailroom.send")
        #expect(listed["routingKey"] as? String == "mailroom.send")
        let deaths = listed["deaths"] as? [[String: Any]] ?? []
        #expect(deaths.first?["queue"] as? String == "mailroom.send")

        let shown = try sandbox.mailroomctl(["dead", "show", "job-999", "--queue", "mailroom.send.dead"])
        #expect(shown.contains("parked by:      broker"))
        #expect(shown.contains("x-death: [{count: 1, exchange: mailroom, queue: mailroom.send, reason: rejected"))

        let replayed = try sandbox.mailroomctl(["dead", "replay", "job-999"])
        #expect(replayed.contains("replayed job-999 from mailroom.send.dead to mailroom.send"), "\(replayed)")
        let back = try #require(try broker.get(queue: "mailroom.send"))
        let headers = back.properties.headers
        #expect(back.body == Array(#"{"emailId":999}"#.utf8))
        #expect(back.properties.messageID == "job-999")
        #expect(back.properties.correlationID == "corr-9")
        #expect(headers[MessageHeader.death] == nil)
        #expect(headers[MessageHeader.attempts] == nil)
        #expect(headers[MessageHeader.replayedAt]?.dateValue != nil)
        #expect(headers[MessageHeader.replayedReason]?.stringValue == "rejected")
        #expect(headers[MessageHeader.routingKey]?.stringValue == "mailroom.send")
        #expect(try broker.inspectQueue("mailroom.send.dead").messageCount == 0)
    }

    @Test func selectionMistakesAreRefusedBeforeTouchingAnything() throws {
        let sandbox = try Sandbox("deadusage")
        defer { sandbox.tearDown() }
        try sandbox.mailroomctl(["topology"])

        for arguments in [
            ["dead", "purge"], ["dead", "replay", "some-id", "--all"], ["dead", "list", "--queue", "outbox"],
            ["dead", "show"], ["dead", "sweep"], ["dead", "show", "nothing-like-this"],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try sandbox.mailroomctl(arguments) }
        }
        #expect(try sandbox.mailroomctl(["dead", "list"]).contains("0 parked messages"))
    }
}

extension Sandbox {
    /// `mailroomctl dead list --json` with these filters, decoded.
    func listedParked(_ filters: [String]) throws -> [[String: Any]] {
        let output = try mailroomctl(["dead", "list", "--json"] + filters)
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] ?? []
    }
}
