/// Splits template source into tokens, following `{{=<% %>=}}` delimiter changes.
///
/// Text tokens are cut after every line end so that the parser can see lines.
struct MustacheScanner {
    private let source: [UInt8]
    private var position = 0
    private var opening = Array("{{".utf8)
    private var closing = Array("}}".utf8)

    init(_ source: String) {
        self.source = Array(source.utf8)
    }

    /// All tokens of the source, in order.
    mutating func tokens() throws(MustacheError) -> [MustacheToken] {
        var tokens: [MustacheToken] = []
        var textStart = 0

        while position < source.count {
            if source[position] == opening[0], matches(opening, at: position) {
                appendText(from: textStart, to: position, into: &tokens)
                tokens.append(try scanTag())
                textStart = position
            } else if source[position] == UInt8(ascii: "\n") {
                position += 1
                appendText(from: textStart, to: position, into: &tokens)
                textStart = position
            } else {
                position += 1
            }
        }

        appendText(from: textStart, to: position, into: &tokens)
        return tokens
    }

    /// Where `offset` is, as a 1-based line and a 1-based column counted in characters.
    func location(of offset: Int) -> (line: Int, column: Int) {
        let before = source[..<min(offset, source.count)]
        let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let column = String(decoding: source[lineStart..<before.endIndex], as: UTF8.self).count + 1
        return (line, column)
    }

    func error(_ message: String, at offset: Int) -> MustacheError {
        let (line, column) = location(of: offset)
        return MustacheError(message: message, line: line, column: column)
    }

    private func matches(_ delimiter: [UInt8], at index: Int) -> Bool {
        guard index + delimiter.count <= source.count else { return false }
        return source[index..<index + delimiter.count].elementsEqual(delimiter)
    }

    private func appendText(from start: Int, to end: Int, into tokens: inout [MustacheToken]) {
        guard start < end else { return }
        let text = String(decoding: source[start..<end], as: UTF8.self)
        tokens.append(MustacheToken(kind: .text, content: text, offset: start))
    }

    private mutating func scanTag() throws(MustacheError) -> MustacheToken {
        let tagStart = position
        var contentStart = position + opening.count
        let sigil = contentStart < source.count ? source[contentStart] : 0

        // Triple mustache and delimiter changes end with their sigil before the closing delimiter.
        var end = closing
        if sigil == UInt8(ascii: "{") { end = Array("}".utf8) + closing }
        if sigil == UInt8(ascii: "=") { end = Array("=".utf8) + closing }

        let searchStart = contentStart + (end.count > closing.count ? 1 : 0)
        guard let contentEnd = firstMatch(of: end, from: searchStart) else {
            throw error("unclosed tag: no \(String(decoding: end, as: UTF8.self)) after it", at: tagStart)
        }
        position = contentEnd + end.count

        let kind = Self.kind(of: sigil)
        if kind != .variable { contentStart += 1 }
        let content = String(decoding: source[contentStart..<contentEnd], as: UTF8.self)
            .trimmingMustacheWhitespace()
        let token = MustacheToken(kind: kind, content: content, offset: tagStart)

        try check(token)
        if kind == .delimiters { try changeDelimiters(to: content, at: tagStart) }
        return token
    }

    private func firstMatch(of delimiter: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + delimiter.count <= source.count {
            if matches(delimiter, at: index) { return index }
            index += 1
        }
        return nil
    }

    private static func kind(of sigil: UInt8) -> MustacheToken.Kind {
        switch sigil {
        case UInt8(ascii: "{"), UInt8(ascii: "&"): .unescapedVariable
        case UInt8(ascii: "#"): .section
        case UInt8(ascii: "^"): .invertedSection
        case UInt8(ascii: "/"): .closing
        case UInt8(ascii: "!"): .comment
        case UInt8(ascii: ">"): .partial
        case UInt8(ascii: "="): .delimiters
        case UInt8(ascii: "<"): .parent
        case UInt8(ascii: "$"): .block
        default: .variable
        }
    }

    private func check(_ token: MustacheToken) throws(MustacheError) {
        guard token.kind != .comment, token.kind != .delimiters else { return }
        guard !token.content.isEmpty else { throw error("tag without a name", at: token.offset) }
        let hasBlanks = token.content.contains { $0.isMustacheBlank || $0.isNewline }
        guard !hasBlanks || isPartialLike(token) else {
            throw error("name \"\(token.content)\" contains whitespace", at: token.offset)
        }
    }

    private func isPartialLike(_ token: MustacheToken) -> Bool {
        // `{{> * dynamic }}` may separate the asterisk from the name.
        (token.kind == .partial || token.kind == .parent) && token.content.hasPrefix("*")
    }

    private mutating func changeDelimiters(to content: String, at offset: Int) throws(MustacheError) {
        let parts = content.split { $0.isMustacheBlank || $0.isNewline }
        guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
            throw error("a delimiter change needs two delimiters without '=', as in {{=<% %>=}}", at: offset)
        }
        opening = Array(parts[0].utf8)
        closing = Array(parts[1].utf8)
    }
}
