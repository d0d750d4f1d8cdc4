/// Pieces of the Prometheus text exposition format, version 0.0.4.
enum ExpositionText {
    /// A label value inside double quotes: backslash, double quote and line feed are escaped.
    static func escapedLabelValue(_ value: String) -> String {
        escaped(value, quotes: true)
    }

    /// A `# HELP` text: backslash and line feed are escaped, quotes are not.
    static func escapedHelp(_ help: String) -> String {
        escaped(help, quotes: false)
    }

    /// A sample value: whole numbers without a fraction (`3`, not `3.0`), `+Inf`, `-Inf`, `NaN`.
    static func value(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "+Inf" : "-Inf" }

        // Below 2^53 a whole Double is exactly an integer, so this loses nothing.
        if number == number.rounded(), abs(number) < 9_007_199_254_740_992 {
            return String(Int64(number))
        }
        return String(number)
    }

    /// One sample line: `name{labels} value`.
    static func sample(_ name: String, _ labels: LabelSet, _ number: Double) -> String {
        "\(name)\(labels.rendered) \(value(number))\n"
    }

    // Works on Unicode scalars: as Characters, "\r\n" is one grapheme and would hide its "\n".
    private static func escaped(_ text: String, quotes: Bool) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\"" where quotes: result += "\\\""
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
