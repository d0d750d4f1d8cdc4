/// Encodes one log line: a JSON object of strings with its keys sorted, and a newline.
///
/// Written by hand because every consumer logs on every message: JSONSerialization with
/// `.sortedKeys` sorts through a locale-aware string comparison and bridges every value, and
/// took about a sixth of a sender's CPU time in the benchmark (Deploy/bench).
enum LogLine {
    static func encode(_ object: [String: String]) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(320)
        line.append(UInt8(ascii: "{"))
        for (index, field) in object.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { line.append(UInt8(ascii: ",")) }
            appendString(field.key, to: &line)
            line.append(UInt8(ascii: ":"))
            appendString(field.value, to: &line)
        }
        line.append(UInt8(ascii: "}"))
        line.append(0x0A)
        return line
    }

    /// A JSON string (RFC 8259): quotes, backslashes and control characters escaped, the rest
    /// as UTF-8, slashes left alone.
    private static func appendString(_ text: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): line += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): line += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: line += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: line += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: line += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                line += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }
}
