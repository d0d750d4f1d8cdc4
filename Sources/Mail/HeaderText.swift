import Foundation

/// How header text is made safe and split into pieces that can be folded.
enum HeaderText {
    /// CR, LF and NUL can never reach the wire inside a header value: each becomes a space
    /// (a CRLF pair becomes one).
    static func replacingLineBreaks(_ text: String) -> String {
        String(text.map { $0 == "\r\n" || $0 == "\r" || $0 == "\n" || $0 == "\0" ? " " : $0 })
    }

    /// Printable ASCII with single spaces between words that each fit the budget, and
    /// nothing a decoder could take for an encoded word: the words; otherwise nil.
    static func plainWords(_ text: String, budget: Int) -> [String]? {
        guard isPrintableASCII(text), !text.contains("=?") else { return nil }
        if text.isEmpty { return [] }

        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if words.contains(where: { $0.isEmpty || $0.utf8.count > budget }) { return nil }
        return words
    }

    /// A display name as atoms, a quoted string, or encoded words where it is not ASCII.
    /// The address is never part of what this returns.
    ///
    /// ASCII words stay plain between encoded words: some decoders (Python's `email` among
    /// them) wrongly keep the space between two adjacent encoded words in a phrase, so each
    /// run of non-ASCII words becomes as few encoded words as possible.
    static func phraseWords(_ name: String, budget: Int) -> [String] {
        let clean = replacingLineBreaks(name)
        if clean.isEmpty { return [] }

        let words = clean.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let isSingleSpaced = !words.contains(where: \.isEmpty)
        let isAtom = { (word: String) in
            !word.contains("=?") && word.utf8.count <= budget
                && word.utf8.allSatisfy { $0 < 0x80 && AddressSyntax.isAtext($0) }
        }

        if isPrintableASCII(clean) && !clean.contains("=?") {
            if isSingleSpaced && words.allSatisfy(isAtom) { return words }
            if let quoted = quotedWords(clean, budget: budget) { return quoted }
        }
        guard isSingleSpaced else { return EncodedWord.encode(clean, budget: budget) }

        var result: [String] = []
        var run: [String] = []
        for word in words {
            if isAtom(word) {
                if !run.isEmpty { result += EncodedWord.encode(run.joined(separator: " "), budget: budget) }
                run = []
                result.append(word)
            } else {
                run.append(word)
            }
        }
        if !run.isEmpty { result += EncodedWord.encode(run.joined(separator: " "), budget: budget) }
        return result
    }

    /// A quoted string cut at its own spaces, which folding keeps; nil if a piece is too long.
    private static func quotedWords(_ text: String, budget: Int) -> [String]? {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let pieces = "\"\(escaped)\"".split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        return pieces.allSatisfy({ $0.utf8.count <= budget }) ? pieces : nil
    }

    static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }
}
