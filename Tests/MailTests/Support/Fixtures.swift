import Foundation
import Mail

enum Fixtures {
    static let date = Date(timeIntervalSince1970: 1_709_647_389)  // Tue, 05 Mar 2024 14:03:09 UTC

    static func message(
        from: MailAddress? = nil,
        to: [MailAddress]? = nil,
        subject: String = "Hello",
        text: String = "Hello there.\n",
        html: String? = nil
    ) throws -> MailMessage {
        MailMessage(
            from: try from ?? MailAddress("noreply@example.com", displayName: "Mailroom"),
            to: try to ?? [MailAddress("ada@example.com", displayName: "Ada Lovelace")],
            subject: subject,
            textBody: text,
            htmlBody: html,
            messageID: "email-42.mailroom@example.com",
            date: date
        )
    }

    /// The wire split into lines at CRLF; nil when a CR or LF stands alone anywhere.
    static func crlfLines(_ wire: [UInt8]) -> [ArraySlice<UInt8>]? {
        for (index, octet) in wire.enumerated() {
            let isBareCR = octet == 0x0D && (index + 1 == wire.count || wire[index + 1] != 0x0A)
            let isBareLF = octet == 0x0A && (index == 0 || wire[index - 1] != 0x0D)
            if isBareCR || isBareLF { return nil }
        }
        return wire.split(separator: 0x0A, omittingEmptySubsequences: false).map {
            $0.last == 0x0D ? $0.dropLast() : $0
        }
    }

    static func headerBlock(_ wire: [UInt8]) -> String {
        let text = String(decoding: wire, as: UTF8.self)
        return text.components(separatedBy: "\r\n\r\n").first ?? text
    }

    /// Body lines: everything after the first empty line.
    static func bodyLines(_ wire: [UInt8]) -> [ArraySlice<UInt8>] {
        let lines = crlfLines(wire) ?? []
        guard let blank = lines.firstIndex(where: \.isEmpty) else { return [] }
        return Array(lines[(blank + 1)...])
    }

    static func crlf(_ text: String) -> Data {
        Data(
            text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                .replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }
}
