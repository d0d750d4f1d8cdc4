import AMQP
import Foundation
import MariaDB
import Testing

/// Names and addresses from the user service that try to break the message (cases C-M1, C-M2,
/// C-M6) go through the whole flow: the names arrive intact or neutralised, never as headers.
@Suite(.serialized)
struct AwkwardRecipientTests {
    @Test func injectedNamesInternationalDomainsAndBadAddressesEndRight() throws {
        let sandbox = try Sandbox("awkward")
        defer { sandbox.tearDown() }
        let fixture = try sandbox.userFixture([
            "u-inject": ("Ada\r\nBcc: someone@example.net", "ada@example.com"),
            "u-lf": ("Widget\nX-Injected: yes", "widget@example.com"),
            "u-idn": ("Lena", "lena@bücher.example"),
            "u-quoted": ("Jane", "\"jane doe\"@example.com"),
            "u-bad": ("Bad", "bad\r\n@example.com"),
            "u-comma": ("Smith, John (Sales)", "john.smith+receipts@example.com"),
        ])
        let broker = try sandbox.startMailroom(fixtures: fixture)

        for user in ["u-inject", "u-lf", "u-idn", "u-quoted", "u-bad", "u-comma"] {
            try broker.publishEvent(
                "authAccessTokenCreated", ["userId": user, "accessToken": "424242"], id: "awkward-\(user)")
        }
        let database = try sandbox.database()
        let settled = sandbox.settle(6, database)
        #expect(settled, "\(sandbox.log("mailroom-sender"))")

        let mails = try sandbox.receivedMail().map(ParsedMail.init(file:))
        #expect(mails.count == 5)
        for mail in mails {
            #expect(mail.toCount == 1)
            #expect(mail.envelopeRecipients.count == 1, "one RCPT TO")
            #expect(!mail.headerNames.contains { ["bcc", "x-injected"].contains($0.lowercased()) })
            #expect(mail.headerNames.filter { $0.lowercased() == "subject" }.count == 1)
        }
        let recipients = Set(mails.flatMap(\.envelopeRecipients))
        #expect(recipients.contains("ada@example.com"))
        #expect(recipients.contains("lena@xn--bcher-kva.example"), "the domain goes in its ASCII form")
        #expect(recipients.contains("\"jane doe\"@example.com"), "a quoted local part is unchanged")
        #expect(recipients.contains("john.smith+receipts@example.com"), "plus addressing is unchanged")
        #expect(mails.first { $0.toAddress == "john.smith+receipts@example.com" }?.toName == "Smith, John (Sales)")

        let bad = try database.query("SELECT status, error_kind FROM email_info WHERE user_id = 'u-bad'")
        #expect(try bad.first?.string("status") == "failed")
        #expect(try bad.first?.string("error_kind") == "invalid_address")
    }

    /// A name longer than `user_info.name` holds: the answer is recorded as an error and the
    /// email fails at once with that reason, after one request; nothing is parked, nothing asked
    /// again, and a good user behind it is sent.
    @Test func anAnswerTheDatabaseCannotHoldFailsTheEmailOnceWithItsReason() throws {
        let sandbox = try Sandbox("unstorable")
        defer { sandbox.tearDown() }
        let fixture = try sandbox.userFixture([
            "u-long": (String(repeating: "Ada Lovelace ", count: 30), "ada@example.com"),
            "u-fine": ("Zoë", "zoe@example.com"),
        ])
        let broker = try sandbox.startMailroom(fixtures: fixture)

        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-long", "accessToken": "515151"], id: "long-1")
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-fine", "accessToken": "525252"], id: "fine-1")
        let database = try sandbox.database()
        let settled = sandbox.settle(2, database, timeout: .seconds(30))
        #expect(settled, "\(sandbox.log("mailroom-ingest").suffix(3000))")
        Thread.sleep(forTimeInterval: 2)

        let long = try database.query("SELECT status, error_kind FROM email_info WHERE user_id = 'u-long'")
        #expect(try long.first?.string("status") == "failed")
        #expect(try long.first?.string("error_kind") == "user_invalid_answer")
        #expect(try sandbox.takeRequests("userFetchInfo", on: broker) == ["u-long": 1, "u-fine": 1], "asked once each")
        #expect(try sandbox.parkedCount(.ingest) == 0, "the answer is not parked")
        #expect(sandbox.logLines("mailroom-ingest", containing: "answer not storable") == 1)
        #expect(sandbox.receivedMail().count == 1)
    }

    /// C-M6 against a server without SMTPUTF8: the UTF-8 local part fails at once with its
    /// reason and is parked, never retried; the internationalized domain still goes out in its
    /// ASCII form, and the envelope sender is a bare address.
    @Test func aUTF8LocalPartFailsForGoodWhereTheServerLacksSMTPUTF8() throws {
        let sandbox = try Sandbox("no_smtputf8", sinkArguments: ["--no-smtputf8"])
        defer { sandbox.tearDown() }
        let fixture = try sandbox.userFixture([
            "u-jorg": ("Jörg", "jörg@example.com"),
            "u-lena": ("Lena", "lena@bücher.example"),
        ])
        let broker = try sandbox.startMailroom(fixtures: fixture)

        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-jorg", "accessToken": "616161"], id: "utf8-1")
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-lena", "accessToken": "626262"], id: "idn-1")
        let database = try sandbox.database()
        let settled = sandbox.settle(2, database, timeout: .seconds(30))
        #expect(settled, "\(sandbox.log("mailroom-sender").suffix(3000))")
        Thread.sleep(forTimeInterval: 2)

        let jorg = try database.query("SELECT status, error_kind, attempts FROM email_info WHERE user_id = 'u-jorg'")
        #expect(try jorg.first?.string("status") == "failed")
        #expect(try jorg.first?.string("error_kind") == "smtputf8_unsupported")
        #expect(try jorg.first?.int("attempts") == 1, "not retried")
        let parked = try sandbox.parked(.send)
        #expect(parked.map(\.reason) == ["smtputf8_unsupported"])

        let mails = try sandbox.receivedMail().map(ParsedMail.init(file:))
        #expect(mails.flatMap(\.envelopeRecipients) == ["lena@xn--bcher-kva.example"])
        #expect(mails.first?.envelopeSender == "mailroom@example.com")
    }
}
