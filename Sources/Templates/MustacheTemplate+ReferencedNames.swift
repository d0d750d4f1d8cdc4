extension MustacheTemplate {
    /// Every variable and section name the template uses (dotted, e.g. "user.name"), so a
    /// catalogue can check them against what exists.
    ///
    /// Names are as written, relative to where they appear: `{{#user}}{{name}}{{/user}}` gives
    /// `user` and `name`. The implicit iterator `.` is left out; the names looked up by dynamic
    /// partials (`{{>*kind}}` gives `kind`) are included. Partial names are in
    /// ``referencedPartials``; names used inside partials are in those partials' own sets.
    public var referencedNames: Set<String> {
        var names: Set<String> = []
        Self.collectNames(in: nodes, into: &names)
        return names
    }

    /// The names of the partials and parents the template includes by a fixed name.
    public var referencedPartials: Set<String> {
        var names: Set<String> = []
        Self.collectPartials(in: nodes, into: &names)
        return names
    }

    /// The variables the template prints whatever the data says: those outside every section
    /// and inverted section, including those of the partials it includes there (looked up in
    /// `partials`; a partial missing from it adds nothing). When one of these has no value the
    /// output has a blank where it stood, so a catalogue requires each to be present. Inside a
    /// section a name is relative to the section's value and printed only when it is there, so
    /// it is left out; so are the names of a block's default content, which a parent may replace.
    public func unconditionalNames(partials: [String: MustacheTemplate]) -> Set<String> {
        var names: Set<String> = []
        var visited: Set<String> = []
        Self.collectUnconditionalNames(in: nodes, partials: partials, visited: &visited, into: &names)
        return names
    }

    private static func collectUnconditionalNames(
        in nodes: [MustacheNode], partials: [String: MustacheTemplate], visited: inout Set<String>,
        into names: inout Set<String>
    ) {
        for node in nodes {
            switch node {
            case .text, .lineStart, .section, .block:
                break
            case .variable(let name, _):
                if !name.parts.isEmpty { names.insert(name.text) }
            case .partial(.fixed(let name), _), .parent(.fixed(let name), _, _):
                // Visited once: a partial that includes itself is cut off by the renderer's depth limit.
                guard let partial = partials[name], visited.insert(name).inserted else { continue }
                collectUnconditionalNames(in: partial.nodes, partials: partials, visited: &visited, into: &names)
            case .partial(.dynamic, _), .parent(.dynamic, _, _):
                break
            }
        }
    }

    private static func collectNames(in nodes: [MustacheNode], into names: inout Set<String>) {
        for node in nodes {
            switch node {
            case .text, .lineStart:
                break
            case .variable(let name, _):
                if !name.parts.isEmpty { names.insert(name.text) }
            case .section(let name, _, let children):
                if !name.parts.isEmpty { names.insert(name.text) }
                collectNames(in: children, into: &names)
            case .partial(let partial, _):
                if case .dynamic(let name) = partial { names.insert(name.text) }
            case .block(_, let children, _):
                collectNames(in: children, into: &names)
            case .parent(let partial, _, let arguments):
                if case .dynamic(let name) = partial { names.insert(name.text) }
                for content in arguments.values { collectNames(in: content, into: &names) }
            }
        }
    }

    private static func collectPartials(in nodes: [MustacheNode], into names: inout Set<String>) {
        for node in nodes {
            switch node {
            case .text, .lineStart, .variable:
                break
            case .section(_, _, let children), .block(_, let children, _):
                collectPartials(in: children, into: &names)
            case .partial(let partial, _):
                if case .fixed(let name) = partial { names.insert(name) }
            case .parent(let partial, _, let arguments):
                if case .fixed(let name) = partial { names.insert(name) }
                for content in arguments.values { collectPartials(in: content, into: &names) }
            }
        }
    }
}
