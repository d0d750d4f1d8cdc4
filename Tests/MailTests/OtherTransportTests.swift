import Foundation
import Mail
import Testing

@Suite struct OtherTransportTests {
    @Test func fileTransportWritesAParseableMessageNamedAfterItsID() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mail-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let transport = try MailTransports.make(dsn: "file://\(directory.path)")
        let message = try Fixtures.message(subject: "Grüße")

        _ = try transport.send(
            MessageComposer.compose(message), envelope: MailEnvelope(sender: message.from, recipients: message.to),
            progress: nil)

        let file = directory.appendingPathComponent("email-42.mailroom@example.com.eml")
        let parsed = try PythonEmailParser.parse(Array(try Data(contentsOf: file)))
        #expect(parsed.subject == "Grüße")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 1)
    }

    @Test func nullTransportAcceptsEverything() throws {
        let transport = try MailTransports.make(dsn: "null://")
        let message = try Fixtures.message()
        let receipt = try transport.send(
            MessageComposer.compose(message), envelope: MailEnvelope(sender: message.from, recipients: message.to),
            progress: nil)

        #expect(transport is NullTransport)
        #expect(receipt.replyCode == nil)
    }

    @Test func dsnSchemesMakeTheirTransports() throws {
        #expect(try MailTransports.make(dsn: "smtp://127.0.0.1:2525") is SMTPTransport)
        #expect(try MailTransports.make(dsn: "smtps://user:pass@smtp.example.com:465") is SMTPTransport)
        #expect(throws: MailTransportConfigurationError.self) { try MailTransports.make(dsn: "pigeon://coop") }
        #expect(throws: MailTransportConfigurationError.self) { try MailTransports.make(dsn: "file://relative/dir") }
        #expect(throws: MailTransportConfigurationError.self) { try MailTransports.make(dsn: "smtp://") }
    }
}
