/// A name as written in a tag: `.` (the current context) or a dotted path such as `user.name`.
struct MustacheName: Sendable, Equatable {
    let text: String
    /// The dotted parts; empty for `.`.
    let parts: [String]

    init(_ text: String) {
        self.text = text
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        self.parts = text == "." ? [] : parts.map(String.init)
    }
}

/// The name of a partial or parent: written in the tag, or `*path` looked up in the context.
enum MustachePartialName: Sendable {
    case fixed(String)
    case dynamic(MustacheName)

    init(_ text: String) {
        guard text.hasPrefix("*") else {
            self = .fixed(text)
            return
        }
        self = .dynamic(MustacheName(String(text.dropFirst()).trimmingMustacheWhitespace()))
    }
}

/// One piece of a parsed template.
indirect enum MustacheNode: Sendable {
    case text(String)
    /// Where a line of the template starts: a standalone partial's indentation goes here.
    case lineStart
    case variable(MustacheName, escaped: Bool)
    case section(MustacheName, inverted: Bool, children: [MustacheNode])
    /// `indentation` is nil for a partial inside a line, else the blanks before the standalone tag.
    case partial(MustachePartialName, indentation: String?)
    /// `{{$name}}`: default content that a parent tag's argument may replace.
    case block(String, children: [MustacheNode], placement: MustacheBlockPlacement)
    /// `{{<name}}`: a partial whose blocks are replaced by the arguments given here.
    case parent(MustachePartialName, indentation: String?, arguments: [String: [MustacheNode]])
}

/// How a block sits in its line, which decides how an argument replacing it is indented.
///
/// The content of a standalone block has its own indentation (that of its first line) removed
/// when parsed; the placement's indentation is added to each of its lines when rendered.
enum MustacheBlockPlacement: Sendable {
    /// `{{$name}}` ends its line: content lines get `indentation`.
    case standalone(indentation: String)
    /// Content follows `{{$name}}` on its line: an argument's first line continues that line,
    /// its other lines get the line's indentation.
    case inline(lineIndentation: String)
}

extension MustacheNode {
    var isLineStart: Bool {
        if case .lineStart = self { true } else { false }
    }
}
