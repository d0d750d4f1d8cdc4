/// A piece of template source: text (never spanning a line end) or one tag.
struct MustacheToken: Sendable {
    enum Kind: Sendable, Equatable {
        case text
        case variable, unescapedVariable
        case section, invertedSection, closing
        case comment, partial, delimiters
        case parent, block
    }

    var kind: Kind
    /// The text, or the tag's content without sigil and surrounding whitespace.
    var content: String
    /// Where the token starts in the source, in UTF-8 bytes.
    var offset: Int

    /// Whether the token is text that ends a line.
    var endsLine: Bool { kind == .text && content.utf8.last == UInt8(ascii: "\n") }

    /// Whether the token is text made only of spaces and tabs, with perhaps a line end.
    var isBlank: Bool {
        guard kind == .text else { return false }
        var bytes = content.utf8[...]
        if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        return bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// Whether a line holding only this tag and blanks disappears from the output.
    var canStandAlone: Bool {
        switch kind {
        case .text, .variable, .unescapedVariable: false
        default: true
        }
    }
}

extension Character {
    /// A space or a tab.
    var isMustacheBlank: Bool { self == " " || self == "\t" }
}

extension String {
    /// The string without the leading characters it shares with `other`.
    func droppingCommonPrefix(with other: String) -> String {
        var rest = self[...]
        var otherRest = other[...]
        while let first = rest.first, first == otherRest.first {
            rest.removeFirst()
            otherRest.removeFirst()
        }
        return String(rest)
    }

    /// The string without leading and trailing spaces, tabs and line ends.
    func trimmingMustacheWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isMustacheBlank || $0.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
