import Foundation
import Testing

@testable import MailroomCore

@Suite struct LogLineTests {
    @Test func lineIsOneJSONObjectWithSortedKeysAndANewline() throws {
        let line = LogLine.encode(["message": "email sent", "email_id": "42", "level": "info"])

        #expect(line.last == 0x0A)
        #expect(line.filter { $0 == 0x0A }.count == 1)
        #expect(
            String(decoding: line, as: UTF8.self) == #"{"email_id":"42","level":"info","message":"email sent"}"# + "\n")
    }

    @Test func awkwardValuesRoundTripThroughAJSONParser() throws {
        let values = [
            "error": "quote \" backslash \\ slash / newline \n return \r tab \t bell \u{07} nul \u{00}",
            "name": "Zoë 🦄 Ångström 𠜎市",
        ]
        let line = LogLine.encode(values)

        #expect(!line.dropLast().contains(0x0A))
        let parsed = try JSONSerialization.jsonObject(with: Data(line.dropLast())) as? [String: String]
        #expect(parsed == values)
    }
}
