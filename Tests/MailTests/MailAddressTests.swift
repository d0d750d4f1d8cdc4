import Mail
import Testing

@Suite struct MailAddressTests {
    @Test func internationalDomainBecomesPunycode() throws {
        let address = try MailAddress("lena@bücher.example")

        #expect(address.domain == "xn--bcher-kva.example")
        #expect(address.address == "lena@xn--bcher-kva.example")
        #expect(!address.requiresSMTPUTF8)
    }

    @Test func punycodeDomainReachesTheParsedHeader() throws {
        let to = try MailAddress("lena@BÜCHER.example", displayName: "Lena")
        let parsed = try PythonEmailParser.parse(MessageComposer.compose(try Fixtures.message(to: [to])))

        #expect(parsed.to == [ParsedMessage.Mailbox(name: "Lena", address: "lena@xn--bcher-kva.example")])
    }

    @Test(arguments: [
        "jane.doe+receipts@example.com", "\"jane doe\"@example.com", "o'brien@example.com", "\"a\\\"b\"@example.com",
    ])
    func plusAndQuotedLocalPartsAreKeptAsGiven(text: String) throws {
        let address = try MailAddress(text)
        let parsed = try PythonEmailParser.parse(MessageComposer.compose(try Fixtures.message(to: [address])))

        #expect(address.address == text)
        #expect(parsed.to.map(\.address) == [text])
    }

    @Test func utf8LocalPartNeedsSMTPUTF8AndStaysRawInTheHeader() throws {
        let address = try MailAddress("jörg@example.com")
        let header = Fixtures.headerBlock(MessageComposer.compose(try Fixtures.message(to: [address])))

        #expect(address.requiresSMTPUTF8)
        #expect(header.contains("To: jörg@example.com\r\n"))
    }

    @Test(arguments: [
        "no-at-sign", "@example.com", "ada@", "a..b@example.com", ".ada@example.com", "ada.@example.com",
        "ada lovelace@example.com", "ada@-example.com", "ada@exa_mple.com", "ada@example..com", "\"open@example.com",
        String(repeating: "a", count: 65) + "@example.com", "ada@[127.0.0.1]", "ada@exa mple.com",
    ])
    func malformedAddressIsRefused(text: String) {
        #expect(throws: MailAddressError.self) { try MailAddress(text) }
    }

    @Test func mailboxFormIsRead() throws {
        let quoted = try MailAddress(mailbox: "\"Mailroom, Inc.\" <noreply@example.com>")
        let bare = try MailAddress(mailbox: "noreply@example.com")

        #expect(quoted.displayName == "Mailroom, Inc.")
        #expect(quoted.address == "noreply@example.com")
        #expect(bare.displayName == nil)
    }
}
