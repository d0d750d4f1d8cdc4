/// Why the template catalogue could not be loaded. Names the file and, where it applies, the
/// field, so an operator can fix the folder and start the worker again.
public struct CatalogueError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var field: String?
    public var problem: String

    public init(file: String, field: String? = nil, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        if let field { return "\(file): \(field): \(problem)" }
        return "\(file): \(problem)"
    }
}
