/// RFC 2047 encoded words in UTF-8: `Q`, which people can still read, unless `B` is shorter
/// by more than a third.
///
/// `Q` uses only the characters RFC 2047 section 5(3) allows inside a phrase, so the same
/// words are safe in a display name (a comma is always encoded) and in a subject. Each word
/// holds whole Unicode scalars and is at most `budget` characters long.
enum EncodedWord {
    static func encode(_ text: String, budget: Int) -> [String] {
        let useQ = qLength(Array(text.utf8)) * 2 <= bLength(text.utf8.count) * 3
        let prefix = useQ ? "=?utf-8?q?" : "=?utf-8?b?"
        let room = budget - prefix.utf8.count - 2

        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let octets = Array(String(scalar).utf8)
            let grown = chunk + octets
            let length = useQ ? qLength(grown) : bLength(grown.count)
            if length > room && !chunk.isEmpty {
                words.append(word(chunk, q: useQ, prefix: prefix))
                chunk = octets
            } else {
                chunk = grown
            }
        }
        if !chunk.isEmpty || words.isEmpty {
            words.append(word(chunk, q: useQ, prefix: prefix))
        }
        return words
    }

    private static func word(_ octets: [UInt8], q: Bool, prefix: String) -> String {
        let payload = q ? qEncode(octets) : Base64.encode(octets)
        return prefix + payload + "?="
    }

    private static func isQLiteral(_ octet: UInt8) -> Bool {
        switch octet {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!*+-/".utf8.contains(octet)
        }
    }

    private static func qLength(_ octets: [UInt8]) -> Int {
        octets.reduce(0) { $0 + (isQLiteral($1) || $1 == 0x20 ? 1 : 3) }
    }

    private static func bLength(_ count: Int) -> Int {
        (count + 2) / 3 * 4
    }

    private static func qEncode(_ octets: [UInt8]) -> String {
        var result = ""
        for octet in octets {
            if isQLiteral(octet) {
                result.unicodeScalars.append(Unicode.Scalar(octet))
            } else if octet == 0x20 {
                result += "_"
            } else {
                result += "=" + Hex.byte(octet)
            }
        }
        return result
    }
}

enum Hex {
    private static let digits = Array("0123456789ABCDEF".unicodeScalars)

    static func byte(_ octet: UInt8) -> String {
        var text = ""
        text.unicodeScalars.append(digits[Int(octet >> 4)])
        text.unicodeScalars.append(digits[Int(octet & 0x0F)])
        return text
    }
}
