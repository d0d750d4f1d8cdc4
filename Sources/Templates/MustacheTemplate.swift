/// A Mustache template, parsed once and rendered many times.
///
/// Follows the Mustache specification (interpolation, sections, inverted sections, comments,
/// delimiter changes, partials, and the optional inheritance and dynamic-names modules); lambdas
/// are not supported.
public struct MustacheTemplate: Sendable {
    let nodes: [MustacheNode]

    /// Throws MustacheError (with line and column, e.g. an unclosed section or a mismatched close tag).
    public init(_ source: String) throws {
        nodes = try MustacheParser.parse(source)
    }

    /// `partials` are looked up by name; a missing partial renders as empty (as the spec says).
    ///
    /// `escaping` applies to `{{name}}` only: `.html` for HTML bodies, `.none` for subjects and
    /// text bodies. `{{{name}}}` and `{{&name}}` are always raw. Partials nested deeper than
    /// ``maximumPartialDepth`` render as empty, so a partial that includes itself cannot
    /// recurse forever.
    public func render(
        _ context: MustacheValue, partials: [String: MustacheTemplate] = [:], escaping: MustacheEscaping = .html
    ) -> String {
        var renderer = MustacheRenderer(context: context, partials: partials, escaping: escaping)
        renderer.render(nodes[...], indentation: nil, arguments: [:])
        return renderer.output
    }

    /// How deeply partials and parents may nest while rendering.
    public static let maximumPartialDepth = 64
}
