/// Percent-encoding for the parts of an AMQP URL.
enum AMQPURLParser {
    static func invalid(_ reason: String) -> AMQPError {
        AMQPError(kind: .invalidURL, message: "invalid AMQP URL: \(reason)")
    }

    /// Decodes `%XX` escapes; `part` names the URL part in the error, never its value.
    static func percentDecode(_ text: Substring, part: String) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()

        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw invalid("\(part) has a malformed percent escape")
            }
            bytes.append(high << 4 | low)
        }

        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw invalid("\(part) is not UTF-8 after percent-decoding")
        }
        return decoded
    }

    /// Encodes everything but unreserved characters, for printing a vhost.
    static func percentEncode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            let isLetterOrDigit =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            if isLetterOrDigit || "-._~".utf8.contains(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += byte < 0x10 ? "%0\(hex)" : "%\(hex)"
            }
        }
        return encoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
