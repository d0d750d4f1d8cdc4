/// Turns template source into a tree of nodes, once.
///
/// Works line by line: a line holding only a standalone tag (section, inverted section,
/// closing, comment, partial, delimiter change, parent, block) and blanks disappears from the
/// output except for the tag itself; any other line gets a `lineStart` node for indentation.
struct MustacheParser {
    /// A tag whose closing tag has not been seen yet, with the nodes gathered inside it.
    private struct OpenTag {
        var token: MustacheToken
        var isStandalone: Bool
        /// The blanks that start the tag's line.
        var lineIndentation: String
        /// For a standalone block: the blanks that start its first content line, removed from
        /// every content line. Nil until that line is seen.
        var contentIndentation: String?
        var children: [MustacheNode] = []
    }

    private var scanner: MustacheScanner
    private var root: [MustacheNode] = []
    private var open: [OpenTag] = []

    static func parse(_ source: String) throws(MustacheError) -> [MustacheNode] {
        var parser = MustacheParser(scanner: MustacheScanner(source))
        return try parser.parse()
    }

    private init(scanner: MustacheScanner) {
        self.scanner = scanner
    }

    private mutating func parse() throws(MustacheError) -> [MustacheNode] {
        var line: [MustacheToken] = []
        for token in try scanner.tokens() {
            line.append(token)
            if token.endsLine {
                try add(line: line)
                line.removeAll(keepingCapacity: true)
            }
        }
        if !line.isEmpty { try add(line: line) }

        if let unclosed = open.last {
            let message = "section \"\(unclosed.token.content)\" is never closed"
            throw scanner.error(message, at: unclosed.token.offset)
        }
        return root
    }

    private mutating func add(line: [MustacheToken]) throws(MustacheError) {
        var line = line
        let indentation = dedent(&line)

        guard isStandalone(line) else {
            append(.lineStart)
            for token in line { try add(token, standalone: false, lineIndentation: indentation) }
            return
        }
        for token in line where token.kind != .text {
            try add(token, standalone: true, lineIndentation: indentation)
        }
    }

    /// Removes the content indentation of the enclosing standalone blocks from the start of
    /// `line`, and returns the blanks that still start it.
    ///
    /// Shortcoming: a line of a standalone block indented less than the block's first line
    /// loses all its indentation, and renders with the block's indentation instead.
    private mutating func dedent(_ line: inout [MustacheToken]) -> String {
        var blanks = ""
        if let first = line.first, first.kind == .text {
            blanks = String(first.content.prefix(while: \.isMustacheBlank))
        }

        let isBlankLine = line.count == 1 && line[0].isBlank
        if !isBlankLine {
            settleContentIndentation(blanks.droppingCommonPrefix(with: blockIndentation))
        }

        let remaining = blanks.droppingCommonPrefix(with: blockIndentation)
        guard remaining.count < blanks.count else { return blanks }
        line[0].content.removeFirst(blanks.count - remaining.count)
        if line[0].content.isEmpty { line.removeFirst() }
        return remaining
    }

    /// All content indentation of the open blocks, outermost first.
    private var blockIndentation: String {
        open.reduce(into: "") { result, tag in result += tag.contentIndentation ?? "" }
    }

    /// Gives the standalone blocks still waiting for their first content line `indentation`.
    private mutating func settleContentIndentation(_ indentation: String) {
        for index in open.indices where open[index].token.kind == .block && open[index].isStandalone {
            if open[index].contentIndentation == nil {
                open[index].contentIndentation = indentation
            }
        }
    }

    private func isStandalone(_ line: [MustacheToken]) -> Bool {
        let tags = line.filter { $0.kind != .text }
        let othersAreBlank = line.allSatisfy { $0.kind != .text || $0.isBlank }
        guard !tags.isEmpty, othersAreBlank else { return false }
        return tags.count == 1 ? tags[0].canStandAlone : isInheritancePairing(tags)
    }

    /// Whether `tags` only open and close parents and blocks, without a block both opened and
    /// closed here (it renders like a variable): such a line is standalone, as the inheritance
    /// spec's `{{<parent}}{{$block}}` lines are.
    private func isInheritancePairing(_ tags: [MustacheToken]) -> Bool {
        var kinds = open.map { (kind: $0.token.kind, openedHere: false) }
        for tag in tags {
            switch tag.kind {
            case .parent, .block:
                kinds.append((tag.kind, true))
            case .closing:
                guard let (kind, openedHere) = kinds.popLast() else { return false }
                guard kind == .parent || (kind == .block && !openedHere) else { return false }
            default:
                return false
            }
        }
        return true
    }

    private mutating func add(
        _ token: MustacheToken, standalone: Bool, lineIndentation: String
    ) throws(MustacheError) {
        switch token.kind {
        case .text:
            append(.text(token.content))
        case .variable, .unescapedVariable:
            append(.variable(MustacheName(token.content), escaped: token.kind == .variable))
        case .section, .invertedSection, .parent, .block:
            let tag = OpenTag(token: token, isStandalone: standalone, lineIndentation: lineIndentation)
            open.append(tag)
        case .closing:
            try close(token)
        case .partial:
            let indentation = standalone ? lineIndentation : nil
            append(.partial(MustachePartialName(token.content), indentation: indentation))
        case .comment, .delimiters:
            break
        }
    }

    private mutating func close(_ token: MustacheToken) throws(MustacheError) {
        guard let tag = open.popLast() else {
            let message = "closing tag \"\(token.content)\" without an open section"
            throw scanner.error(message, at: token.offset)
        }
        guard tag.token.content == token.content else {
            let (line, column) = scanner.location(of: tag.token.offset)
            let message = "closing tag \"\(token.content)\" does not match \"\(tag.token.content)\""
            throw scanner.error(message + " opened at line \(line), column \(column)", at: token.offset)
        }
        append(node(closing: tag))
    }

    private func node(closing tag: OpenTag) -> MustacheNode {
        let name = tag.token.content
        switch tag.token.kind {
        case .section, .invertedSection:
            let inverted = tag.token.kind == .invertedSection
            return .section(MustacheName(name), inverted: inverted, children: tag.children)
        case .block:
            let placement: MustacheBlockPlacement =
                tag.isStandalone
                ? .standalone(indentation: tag.contentIndentation ?? tag.lineIndentation)
                : .inline(lineIndentation: tag.lineIndentation)
            return .block(name, children: tag.children, placement: placement)
        default:
            let indentation = tag.isStandalone ? tag.lineIndentation : nil
            let arguments = arguments(in: tag.children)
            return .parent(MustachePartialName(name), indentation: indentation, arguments: arguments)
        }
    }

    /// The blocks directly inside a parent tag; text and other tags there are ignored.
    private func arguments(in children: [MustacheNode]) -> [String: [MustacheNode]] {
        var arguments: [String: [MustacheNode]] = [:]
        for case .block(let name, let content, _) in children { arguments[name] = content }
        return arguments
    }

    private mutating func append(_ node: MustacheNode) {
        if open.isEmpty {
            root.append(node)
        } else {
            open[open.count - 1].children.append(node)
        }
    }
}
