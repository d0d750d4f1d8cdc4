/// Prometheus' rules for metric and label names.
///
/// An invalid name is a programming error, but a metrics endpoint is not worth a crash: each
/// character the rules forbid (including a leading digit) becomes `_`, and an empty name
/// becomes `_`.
enum PrometheusName {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func metric(_ name: String) -> String {
        sanitised(name, allowsColon: true)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    static func label(_ name: String) -> String {
        sanitised(name, allowsColon: false)
    }

    private static func sanitised(_ name: String, allowsColon: Bool) -> String {
        guard !name.isEmpty else { return "_" }

        var result = ""
        for (offset, character) in name.unicodeScalars.enumerated() {
            let isLetter = ("a"..."z").contains(character) || ("A"..."Z").contains(character)
            let isDigit = ("0"..."9").contains(character)
            let isAllowed =
                isLetter || character == "_" || (allowsColon && character == ":")
                || (isDigit && offset > 0)
            result.unicodeScalars.append(isAllowed ? character : "_")
        }
        return result
    }
}
