/// A template that cannot be parsed, with where the problem is (1-based line and column,
/// columns counted in characters).
///
/// The message names tags and section names only, never rendered data.
public struct MustacheError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int

    public init(message: String, line: Int, column: Int) {
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
