import AMQP
import Foundation
import MariaDB
import Testing

/// The seed's flow end to end on the real RabbitMQ, MariaDB and an SMTP server, with the
/// worker executables running as separate processes.
@Suite(.serialized)
struct SeedFlowTests {
    static let workers = ["mailroom-ingest", "mailroom-engine", "mailroom-sender"]

    /// The fixture's users (Deploy/demo/services.json), awkward names included.
    static let users: [String: (name: String, email: String)] = [
        "u-1001": ("Ada Lovelace", "ada@example.com"),
        "u-1002": ("Zoë 🦄 Ångström", "zoe@example.com"),
        "u-1003": ("Müller, Jörg", "jorg@example.com"),
        "u-1004": ("Smith, John (Sales)", "john.smith@example.com"),
        "u-1005": ("Seán O'Brien", "jane.doe+receipts@example.com"),
    ]

    @Test func tokensBecomeDeliveredEmailsWithOneRequestPerUser() throws {
        let sandbox = try Sandbox("flow")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom()
        // A second copy of each worker: several copies may run at once.
        for worker in Self.workers {
            try sandbox.startMailroom(worker, label: "\(worker)-2", environment: ["MAILROOM_CONCURRENCY": "2"])
        }

        var tokens: [String: String] = [:]
        for (index, user) in Self.users.keys.sorted().enumerated() {
            tokens[user] = String(format: "%06d", 100_000 + index * 7919)
            try publishToken(user: user, token: tokens[user]!, eventID: "event-\(user)", on: broker)
        }
        // The same event twice (same message_id) and a user the user service does not know.
        try publishToken(user: "u-1002", token: tokens["u-1002"]!, eventID: "event-u-1002", on: broker)
        try publishToken(user: "u-404", token: "404404", eventID: "event-u-404", on: broker)

        let database = try sandbox.database()
        let firstRound = eventually {
            sandbox.receivedMail().count >= 5
                && (try? sandbox.count(database, "email_info WHERE status = 'failed'")) == 1
        }
        #expect(firstRound, "logs:\n\(sandbox.log("mailroom-engine"))\n\(sandbox.log("mailroom-sender"))")

        // A second token for a user whose data is cached and fresh: no new userFetchInfo.
        tokens["u-1001"] = "271828"
        try publishToken(user: "u-1001", token: "271828", eventID: "event-u-1001-second", on: broker)
        #expect(eventually { sandbox.receivedMail().count >= 6 })
        Thread.sleep(forTimeInterval: 1)

        let allTokens = Array(tokens.values) + ["100000"]
        let mails = try sandbox.receivedMail().map(ParsedMail.init(file:))
        #expect(mails.count == 6)
        for (user, expected) in Self.users {
            let received = mails.filter { $0.toAddress == expected.email }
            #expect(received.count == (user == "u-1001" ? 2 : 1), "mails for \(user)")
            for mail in received {
                #expect(mail.toCount == 1)
                #expect(mail.toName == expected.name)
                #expect(mail.envelopeRecipients == [expected.email])
                #expect(mail.text.contains(expected.name))
                #expect(mail.subject == "Your access code")
                #expect(mail.from.contains("mailroom@example.com"))
                #expect(mail.date != nil)
                #expect(mail.messageID?.contains("mailroom.email-") == true)
            }
            let tokensSeen = received.map { mail in allTokens.filter { mail.text.contains($0) } }
            #expect(tokensSeen.allSatisfy { $0.count == 1 }, "each mail carries exactly one token")
        }
        let adaTokens = mails.filter { $0.toAddress == "ada@example.com" }.flatMap { mail in
            ["100000", "271828"].filter { mail.text.contains($0) }
        }
        #expect(adaTokens.sorted() == ["100000", "271828"], "each of Ada's mails carries its own token")

        #expect(try sandbox.count(database, "reference_info") == 7)
        #expect(try sandbox.count(database, "email_info WHERE status = 'sent'") == 6)
        let failed = try database.query(
            "SELECT user_id, error_kind, last_error FROM email_info WHERE status = 'failed'")
        #expect(failed.count == 1)
        #expect(try failed.first?.string("user_id") == "u-404")
        #expect(try failed.first?.string("error_kind") == "user_not_found")
        let ada = try database.query("SELECT name, email, access_token FROM user_info WHERE user_id = 'u-1001'")
        #expect(try ada.first?.string("name") == "Ada Lovelace")
        #expect(try ada.first?.string("access_token") == "271828")
        let zoe = try database.query("SELECT name FROM user_info WHERE user_id = 'u-1002'")
        #expect(try zoe.first?.string("name") == "Zoë 🦄 Ångström")

        // Five known users and one unknown: six requests, none for the second token.
        #expect(try sandbox.requestCount("userFetchInfo", on: broker) == 6)

        for worker in Self.workers + Self.workers.map({ "\($0)-2" }) {
            #expect(sandbox.stop(worker) == 0, "\(worker) exits 0 on SIGTERM")
        }
    }

    @Test func staleUserDataIsFetchedAgainAfterTheTimeToLive() throws {
        let sandbox = try Sandbox("ttl")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(environment: ["MAILROOM_USER_CACHE_TTL": "2s"])

        try publishToken(user: "u-1001", token: "111111", eventID: "ttl-1", on: broker)
        #expect(eventually { sandbox.receivedMail().count == 1 })
        Thread.sleep(forTimeInterval: 2.5)
        try publishToken(user: "u-1001", token: "222222", eventID: "ttl-2", on: broker)
        #expect(eventually { sandbox.receivedMail().count == 2 })

        #expect(try sandbox.requestCount("userFetchInfo", on: broker) == 2)
    }

    private func publishToken(user: String, token: String, eventID: String, on broker: AMQPConnection) throws {
        try broker.publishEvent("authAccessTokenCreated", ["userId": user, "accessToken": token], id: eventID)
    }
}
