import Foundation

/// Reads header fields back out of a composed message.
enum MessageHeaders {
    /// The Message-ID without angle brackets, from the header block (folded lines joined).
    static func messageID(in message: [UInt8]) -> String? {
        let text = String(decoding: message.prefix(64 * 1024), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? text
        let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")

        for line in unfolded.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "message-id" else { continue }
            let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
            return value.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        }
        return nil
    }
}
