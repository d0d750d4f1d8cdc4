/// Renders a parsed template against a context stack, appending to `output`.
struct MustacheRenderer {
    private(set) var output = ""
    private var context: [MustacheValue]
    private let partials: [String: MustacheTemplate]
    private let escaping: MustacheEscaping
    private var partialDepth = 0

    init(context: MustacheValue, partials: [String: MustacheTemplate], escaping: MustacheEscaping) {
        self.context = [context]
        self.partials = partials
        self.escaping = escaping
    }

    /// Renders `nodes`, writing `indentation` at each line start and replacing blocks by `arguments`.
    mutating func render(
        _ nodes: ArraySlice<MustacheNode>, indentation: String?, arguments: [String: [MustacheNode]]
    ) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .lineStart:
                if let indentation { output += indentation }
            case .variable(let name, let escaped):
                let text = resolve(name)?.interpolatedText ?? ""
                output += escaped ? escaping.escape(text) : text
            case .section(let name, let inverted, let children):
                renderSection(resolve(name) ?? .null, inverted: inverted, children, indentation, arguments)
            case .partial(let name, let own):
                renderPartial(name, indentation: nested(indentation, own), arguments: arguments)
            case .block(let name, let children, let placement):
                renderBlock(arguments[name], default: children, placement, indentation, arguments)
            case .parent(let name, let own, let given):
                // Arguments from further out win over those given here.
                let merged = given.merging(arguments) { _, outer in outer }
                renderPartial(name, indentation: nested(indentation, own), arguments: merged)
            }
        }
    }

    private mutating func renderSection(
        _ value: MustacheValue, inverted: Bool, _ children: [MustacheNode], _ indentation: String?,
        _ arguments: [String: [MustacheNode]]
    ) {
        guard value.isTruthy != inverted else { return }
        guard !inverted else {
            render(children[...], indentation: indentation, arguments: arguments)
            return
        }

        let items: [MustacheValue]
        if case .array(let values) = value { items = values } else { items = [value] }
        for item in items {
            context.append(item)
            render(children[...], indentation: indentation, arguments: arguments)
            context.removeLast()
        }
    }

    private mutating func renderBlock(
        _ argument: [MustacheNode]?, default content: [MustacheNode], _ placement: MustacheBlockPlacement,
        _ indentation: String?, _ arguments: [String: [MustacheNode]]
    ) {
        switch (placement, argument) {
        case (.standalone(let own), _):
            let lines = argument ?? content
            render(lines[...], indentation: (indentation ?? "") + own, arguments: arguments)
        case (.inline(let lineIndentation), let argument?):
            // The argument's first line continues the line the block sits in. Shortcoming: only
            // a line start at the top of the argument is skipped, not one inside a section.
            let lines = argument.first.map(\.isLineStart) == true ? argument.dropFirst() : argument[...]
            render(lines, indentation: (indentation ?? "") + lineIndentation, arguments: arguments)
        case (.inline, nil):
            render(content[...], indentation: indentation, arguments: arguments)
        }
    }

    private mutating func renderPartial(
        _ name: MustachePartialName, indentation: String?, arguments: [String: [MustacheNode]]
    ) {
        guard partialDepth < MustacheTemplate.maximumPartialDepth, let template = partial(named: name) else {
            return
        }

        partialDepth += 1
        render(template.nodes[...], indentation: indentation, arguments: arguments)
        partialDepth -= 1
    }

    private func partial(named name: MustachePartialName) -> MustacheTemplate? {
        switch name {
        case .fixed(let text):
            return partials[text]
        case .dynamic(let path):
            guard case .string(let text) = resolve(path) else { return nil }
            return partials[text]
        }
    }

    /// A standalone tag's indentation adds to the current one; an inline tag's content gets none.
    private func nested(_ current: String?, _ own: String?) -> String? {
        guard let own else { return nil }
        return (current ?? "") + own
    }

    /// The value `name` refers to: its first part is looked up from the innermost context
    /// outwards, the rest inside what was found.
    private func resolve(_ name: MustacheName) -> MustacheValue? {
        guard let first = name.parts.first else { return context.last }

        var value = context.reversed().lazy.compactMap { $0.member(first) }.first
        for part in name.parts.dropFirst() {
            value = value?.member(part)
        }
        return value
    }
}
