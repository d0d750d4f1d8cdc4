/// One complete SMTP reply, as read off the wire during the current transfer.
struct SMTPReply: Sendable, Equatable {
    var code: Int
    /// The text of every line after its code, lines joined by a space.
    var text: String

    /// The RFC 3463 code at the start of the text (`5.1.1`), when its class matches the reply.
    var enhancedCode: String? {
        guard let first = text.split(separator: " ").first else { return nil }
        let parts = first.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isASCIIDigit) }),
            parts[0] == Substring(String(code / 100))
        else { return nil }
        return String(first)
    }

    var line: String { text.isEmpty ? String(code) : "\(code) \(text)" }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Reads server lines one by one and assembles multi-line replies (`250-…` then `250 …`).
struct SMTPReplyReader {
    private var pending: [UInt8] = []
    private var lines: [String] = []

    /// Feeds raw octets; returns each reply that became complete, with its lines' texts.
    mutating func feed(_ octets: UnsafeBufferPointer<UInt8>) -> [(reply: SMTPReply, lines: [String])] {
        var complete: [(SMTPReply, [String])] = []
        for octet in octets {
            if octet != 0x0A {
                pending.append(octet)
                continue
            }
            if pending.last == 0x0D { pending.removeLast() }
            let line = String(decoding: pending, as: UTF8.self)
            pending.removeAll(keepingCapacity: true)

            guard line.utf8.count >= 3, let code = Int(line.prefix(3)) else { continue }
            let text = String(line.dropFirst(4))
            lines.append(text)
            if line.dropFirst(3).first != "-" {
                complete.append((SMTPReply(code: code, text: lines.joined(separator: " ")), lines))
                lines.removeAll()
            }
        }
        return complete
    }
}
