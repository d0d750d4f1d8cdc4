import Foundation
import Mail
import Testing

@Suite struct HeaderInjectionTests {
    @Test(arguments: ["\r\n", "\n", "\r", "\0"])
    func lineBreaksInValuesCannotStartAHeader(separator: String) throws {
        var to = try MailAddress("ada@example.com")
        to.displayName = "Ada\(separator)Bcc: someone@example.net"
        let message = try Fixtures.message(to: [to], subject: "Widget\(separator)X-Injected: yes")

        let wire = MessageComposer.compose(message)
        let parsed = try PythonEmailParser.parse(wire)

        #expect(Fixtures.crlfLines(wire) != nil)
        #expect(parsed.count(of: "To") == 1)
        #expect(parsed.count(of: "Subject") == 1)
        #expect(parsed.count(of: "Bcc") == 0)
        #expect(parsed.count(of: "X-Injected") == 0)
        #expect(parsed.to.map(\.address) == ["ada@example.com"])
        #expect(parsed.subject == "Widget X-Injected: yes")
    }

    @Test(arguments: [
        "ada@example.com\r\nBcc: x@example.net", "ada@exa\nmple.com", "ada\r@example.com", "ada\0@example.com",
    ])
    func addressWithLineBreakOrNULIsRefused(address: String) {
        #expect(throws: MailAddressError.self) { try MailAddress(address) }
    }

    @Test func displayNameWithLineBreakIsRefusedWhenTheAddressIsMade() {
        #expect(throws: MailAddressError.self) { try MailAddress("ada@example.com", displayName: "Ada\r\nBcc: x@y.z") }
    }

    @Test func messageIDCannotBreakOutOfItsHeader() throws {
        var message = try Fixtures.message()
        message.messageID = "id@example.com>\r\nX-Injected: yes"
        let parsed = try PythonEmailParser.parse(MessageComposer.compose(message))

        #expect(parsed.count(of: "X-Injected") == 0)
        #expect(parsed.count(of: "Message-ID") == 1)
    }
}
