import Foundation
import Mail
import Testing

@Suite struct MessageBodyTests {
    @Test func longLinesAreWrappedAndDecodeByteIdentical() throws {
        let html =
            "<html><body>" + String(repeating: "<p class=\"x\">Grüße, &amp; more</p>", count: 140) + "</body></html>"
        let url = "https://example.com/track?" + (0..<120).map { "k\($0)=v\($0 % 10)" }.joined(separator: "&")
        let text = "Open this link:\n\(url.prefix(1200))\nThanks.\n"
        #expect(html.utf8.count > 5000)

        let wire = MessageComposer.compose(try Fixtures.message(text: text, html: html))
        let parsed = try PythonEmailParser.parse(wire)

        let lines = try #require(Fixtures.crlfLines(wire))
        #expect(lines.allSatisfy { $0.count <= 998 })
        #expect(Fixtures.bodyLines(wire).allSatisfy { $0.count <= 76 })
        #expect(parsed.parts.map(\.transferEncoding) == ["quoted-printable", "quoted-printable"])
        #expect(parsed.parts.first?.content == Fixtures.crlf(text))
        #expect(parsed.parts.last?.content == Data(html.utf8))
    }

    @Test func mostlyNonASCIITextIsBase64WithShortLines() throws {
        let text = String(repeating: "𠜎市の天気は晴れです。", count: 40)
        let wire = MessageComposer.compose(try Fixtures.message(text: text))
        let parsed = try PythonEmailParser.parse(wire)

        #expect(parsed.parts.first?.transferEncoding == "base64")
        #expect(parsed.parts.first?.content == Data(text.utf8))
        #expect(Fixtures.bodyLines(wire).allSatisfy { $0.count <= 76 })
    }

    @Test func dotLinesAndBareLineEndsBecomeCRLFOnly() throws {
        let text = ".\n..\n.hidden\nlone\rcarriage return\r\nwindows\r\nend"
        let wire = MessageComposer.compose(try Fixtures.message(subject: "odd\rsubject", text: text))
        let parsed = try PythonEmailParser.parse(wire)

        #expect(Fixtures.crlfLines(wire) != nil)
        #expect(String(decoding: wire, as: UTF8.self).contains("\r\n\r\n.\r\n..\r\n.hidden\r\nlone\r\ncarriage"))
        #expect(parsed.parts.first?.content == Fixtures.crlf(text))
        #expect(parsed.subject == "odd subject")
    }

    @Test func trailingSpacesAndEqualsSignsSurviveQuotedPrintable() throws {
        let text = "price = 5€   \n\ttabbed line\t\n" + String(repeating: "a=b ", count: 20) + "\n"
        let parsed = try PythonEmailParser.parse(MessageComposer.compose(try Fixtures.message(text: text)))

        #expect(parsed.parts.first?.transferEncoding == "quoted-printable")
        #expect(parsed.parts.first?.content == Fixtures.crlf(text))
    }
}
