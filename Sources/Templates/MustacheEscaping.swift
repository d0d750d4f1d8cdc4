/// How `{{name}}` writes a value; `{{{name}}}` and `{{&name}}` always write it raw.
public enum MustacheEscaping: Sendable {
    /// For HTML bodies: `&`, `<`, `>`, `"` and `'` become character references.
    case html
    /// For subjects and text bodies: values are written exactly as given.
    case none
}

extension MustacheEscaping {
    /// `text` escaped for this mode.
    func escape(_ text: String) -> String {
        guard self == .html, text.utf8.contains(where: Self.needsEscaping) else { return text }

        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
