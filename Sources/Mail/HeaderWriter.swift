/// Writes header fields folded at spaces so that lines stay within 78 characters where
/// possible; every piece is at most `wordBudget` long, so no line can pass 998.
///
/// Values never carry a line break of their own: CR, LF and NUL become spaces before
/// anything else, so no value can start a new header field.
struct HeaderWriter {
    private(set) var octets: [UInt8] = []

    /// A value the composer made itself (date, Message-ID, content type): written as is.
    mutating func addRaw(_ name: String, _ value: String) {
        append(name, words: [value])
    }

    /// Free text such as the subject: kept as ASCII words when it can be, else encoded words.
    mutating func addUnstructured(_ name: String, _ text: String) {
        let clean = HeaderText.replacingLineBreaks(text)
        let budget = Self.wordBudget(for: name)

        if let words = HeaderText.plainWords(clean, budget: budget) {
            append(name, words: words)
        } else {
            append(name, words: EncodedWord.encode(clean, budget: budget))
        }
    }

    /// A list of mailboxes: `Name <local@domain>` or a bare address, separated by commas.
    mutating func addMailboxes(_ name: String, _ mailboxes: [MailAddress]) {
        let budget = Self.wordBudget(for: name)
        var words: [String] = []

        for (index, mailbox) in mailboxes.enumerated() {
            let phrase = HeaderText.phraseWords(mailbox.displayName ?? "", budget: budget)
            var mailboxWords = phrase.isEmpty ? [mailbox.address] : phrase + ["<\(mailbox.address)>"]
            if index < mailboxes.count - 1 {
                mailboxWords[mailboxWords.count - 1] += ","
            }
            words += mailboxWords
        }
        append(name, words: words)
    }

    /// The longest piece that still fits on the first line after `Name: `.
    private static func wordBudget(for name: String) -> Int {
        min(75, 78 - name.utf8.count - 2)
    }

    private mutating func append(_ name: String, words: [String]) {
        var line = "\(name):"
        var wordsOnLine = 0
        for word in words {
            if wordsOnLine > 0 && line.utf8.count + 1 + word.utf8.count > 78 {
                octets += Array(line.utf8) + [0x0D, 0x0A]
                line = ""
                wordsOnLine = 0
            }
            line += " " + word
            wordsOnLine += 1
        }
        octets += Array(line.utf8) + [0x0D, 0x0A]
    }
}
