/// What a statement that returns no rows did.
public struct DatabaseResult: Sendable {
    /// Rows inserted, updated or deleted (for UPDATE: rows actually changed).
    public var affectedRows: Int64
    /// The AUTO_INCREMENT value the statement generated, or 0.
    public var lastInsertID: Int64

    public init(affectedRows: Int64, lastInsertID: Int64) {
        self.affectedRows = affectedRows
        self.lastInsertID = lastInsertID
    }
}
