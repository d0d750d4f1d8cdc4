import Foundation
import Mail
import Testing

@Suite struct MessageComposerTests {
    @Test(arguments: [
        "Café crème à la carte",
        "Your order 🦄 has shipped 🎉",
        String(repeating: "A long subject made of many words ", count: 12),
        String(repeating: "Ünïcödé wörds everywhere ", count: 20),
        "O'Brien & \"Sons\" <Ltd>",
        "=?utf-8?q?looks_encoded?= but is not",
        "  spaces  around and  inside ",
        "https://example.com/" + String(repeating: "x", count: 300),
        "",
    ])
    func subjectComesBackExactly(subject: String) throws {
        let wire = MessageComposer.compose(try Fixtures.message(subject: subject))
        let parsed = try PythonEmailParser.parse(wire)

        #expect(parsed.subject == subject)
        #expect(parsed.defects.isEmpty)
        #expect(Fixtures.headerBlock(wire).components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test(arguments: [
        "Müller, Jörg", "Smith, John (Sales)", "Zoë 🦄 Ångström", "O'Brien", "D'Arcy \"Dee\" O'Neil",
        "Ada Lovelace", "back\\slash", "dots. and: colons;", "José María de la Santísima Trinidad Ruiz y Picasso López",
        String(repeating: "Very Long Company Name, Incorporated ", count: 4),
    ])
    func displayNameIsOneMailboxWithItsAddress(name: String) throws {
        let to = try MailAddress("jorg@example.com", displayName: name)
        let wire = MessageComposer.compose(try Fixtures.message(to: [to]))
        let parsed = try PythonEmailParser.parse(wire)

        #expect(parsed.to == [ParsedMessage.Mailbox(name: name, address: "jorg@example.com")])
        #expect(parsed.defects.isEmpty)
        #expect(Fixtures.headerBlock(wire).components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func nonASCIINameWithCommaIsEncodedAndAddressStaysOutside() throws {
        let to = try MailAddress("jorg@example.com", displayName: "Müller, Jörg")
        let header = Fixtures.headerBlock(MessageComposer.compose(try Fixtures.message(to: [to])))

        #expect(header.contains("To: =?utf-8?q?M=C3=BCller=2C_J=C3=B6rg?= <jorg@example.com>"))
    }

    @Test func asciiNameWithSpecialsIsAQuotedString() throws {
        let to = try MailAddress("john@example.com", displayName: "Smith, John (Sales)")
        let header = Fixtures.headerBlock(MessageComposer.compose(try Fixtures.message(to: [to])))

        #expect(header.contains("To: \"Smith, John (Sales)\" <john@example.com>"))
    }

    @Test func severalRecipientsWithCommasInNamesStaySeparate() throws {
        let to = try [
            MailAddress("jorg@example.com", displayName: "Müller, Jörg"),
            MailAddress("john@example.com", displayName: "Smith, John (Sales)"),
            MailAddress("jane.doe+receipts@example.com"),
            MailAddress("\"jane doe\"@example.com", displayName: "Jane"),
        ]
        let parsed = try PythonEmailParser.parse(MessageComposer.compose(try Fixtures.message(to: to)))

        #expect(parsed.to.map(\.address) == to.map(\.address))
        #expect(parsed.to.map(\.name) == ["Müller, Jörg", "Smith, John (Sales)", "", "Jane"])
    }

    @Test func headersAreInRFC5322Form() throws {
        let header = Fixtures.headerBlock(MessageComposer.compose(try Fixtures.message()))

        #expect(header.hasPrefix("Date: Tue, 05 Mar 2024 14:03:09 +0000\r\n"))
        #expect(header.contains("\r\nFrom: Mailroom <noreply@example.com>\r\n"))
        #expect(header.contains("\r\nMessage-ID: <email-42.mailroom@example.com>\r\n"))
        #expect(header.contains("\r\nMIME-Version: 1.0\r\n"))
        #expect(header.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"))
        #expect(header.contains("\r\nContent-Transfer-Encoding: 7bit"))
    }

    @Test func textAndHTMLMakeAlternativePartsWithTextFirst() throws {
        let value = "O'Brien & \"Sons\" <Ltd>"
        let html = "<p>O&#39;Brien &amp; &quot;Sons&quot; &lt;Ltd&gt;</p><b>raw</b>\n"
        let wire = MessageComposer.compose(try Fixtures.message(subject: value, text: value + "\n", html: html))
        let parsed = try PythonEmailParser.parse(wire)

        #expect(parsed.subject == value)
        #expect(parsed.parts.map(\.type) == ["text/plain", "text/html"])
        #expect(parsed.parts.first?.content == Fixtures.crlf(value + "\n"))
        #expect(parsed.parts.last?.content == Fixtures.crlf(html))
        #expect(parsed.defects.isEmpty)
    }
}
