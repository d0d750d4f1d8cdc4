import AMQP
import Foundation
import MailroomCore
import MailroomWorker
import Testing

/// Events no retry can help: each is parked in `mailroom.ingest.dead` with a reason an operator
/// can filter on, the worker stays up, and a good event published after them is delivered.
struct PoisonMessageTests {
    @Test func poisonEventsAreParkedWithAReasonAndTheGoodOneBehindThemIsDelivered() throws {
        let sandbox = try Sandbox("poison")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom()
        // A binding made by mistake: ingest receives an event no template or provider names.
        try broker.bindQueue("mailroom.ingest", to: "events", routingKey: "mistakenEvent")

        let huge = "{\"userId\":\"u-1001\",\"accessToken\":\"" + String(repeating: "x", count: 5 << 20) + "\"}"
        let poison: [(id: String?, event: String, body: String, reason: String)] = [
            ("poison-json", "authAccessTokenCreated", #"{"userId": "u-1001", "#, "invalid_json"),
            ("poison-array", "authAccessTokenCreated", #"[{"userId": "u-1001"}]"#, "invalid_json"),
            ("poison-types", "authAccessTokenCreated", #"{"userId": 1001, "accessToken": "1"}"#, "wrong_type"),
            ("poison-token", "authAccessTokenCreated", #"{"userId": "u-1001", "accessToken": {"a": 1}}"#, "wrong_type"),
            ("poison-missing", "authAccessTokenCreated", #"{"accessToken": "123456"}"#, "missing_field"),
            // The template prints the token: without one the email would say "your code is ."
            ("poison-no-token", "authAccessTokenCreated", #"{"userId": "u-1001"}"#, "missing_field"),
            (
                "poison-empty-token", "authAccessTokenCreated", #"{"userId": "u-1001", "accessToken": ""}"#,
                "missing_field"
            ),
            // Longer than user_id's column: the database refuses it, and would every time.
            (
                "poison-long-id", "authAccessTokenCreated",
                #"{"userId": "\#(String(repeating: "u", count: 300))", "accessToken": "1"}"#, "database_rejected_value"
            ),
            ("poison-unknown", "mistakenEvent", #"{"userId": "u-1001"}"#, "unknown_event"),
            // An answer nobody asked for (no correlation_id) must not replace the user's address.
            (
                "poison-unsolicited", "userFetchInfoResponse",
                #"{"userId": "u-1001", "name": "Mallory", "email": "mallory@example.net"}"#, "unsolicited_answer"
            ),
            ("poison-huge", "authAccessTokenCreated", huge, "body_too_large"),
            (nil, "authAccessTokenCreated", #"{"userId": "u-1001", "accessToken": "1"}"#, "missing_message_id"),
        ]
        for message in poison {
            try broker.publish(
                Array(message.body.utf8), exchange: "events", routingKey: message.event,
                properties: AMQPProperties(contentType: "application/json", messageID: message.id))
        }
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "246810"], id: "good-1")

        #expect(eventually { sandbox.receivedMail().count == 1 }, "\(sandbox.log("mailroom-ingest").suffix(3000))")
        #expect(eventually { (try? sandbox.parked(.ingest).count) == poison.count })
        #expect(sandbox.processes["mailroom-ingest"]?.isRunning == true, "the worker is alive")

        let parked = try sandbox.parked(.ingest)
        for message in poison {
            let found = parked.filter { $0.hasMessageID ? $0.id == message.id : message.id == nil }
            #expect(found.count == 1, "\(message.id ?? "no id") parked once")
            #expect(found.first?.reason == message.reason, "\(message.id ?? "no id")")
            #expect(found.first?.errorKind == "permanent")
            #expect(found.first?.routingKey == message.event, "the event name is kept for a replay")
            #expect(found.first?.originalQueue == "mailroom.ingest")
            #expect(found.first?.attempts == 1, "not retried")
            #expect(found.first?.delivery.body.count == message.body.utf8.count, "the body is kept whole")
        }

        let mail = try ParsedMail(file: try #require(sandbox.receivedMail().first))
        #expect(mail.text.contains("246810"))
        #expect(mail.toAddress != "mallory@example.net" && mail.envelopeRecipients == [mail.toAddress])
        let database = try sandbox.database()
        #expect(try sandbox.count(database, "reference_info") == 1, "poison wrote nothing")
        #expect(try sandbox.count(database, "email_info") == 1)
        #expect(!sandbox.log("mailroom-ingest").contains("xxxxxxxxxx"), "bodies never reach the log")
    }
}
