/// Prepared statements of one connection, by SQL text. When full, the statement prepared
/// longest ago is closed, so SQL built at run time cannot exhaust the server's
/// `max_prepared_stmt_count`.
struct StatementCache {
    /// Default: 128 statements per connection.
    let capacity: Int
    private var statements: [String: PreparedStatement] = [:]
    private var preparedOrder: [String] = []

    init(capacity: Int = 128) {
        self.capacity = capacity
    }

    mutating func statement(for sql: String, on handle: ConnectionHandle) throws -> PreparedStatement {
        if let statement = statements[sql] {
            return statement
        }

        let statement = try PreparedStatement.prepare(sql, on: handle)
        if preparedOrder.count >= capacity {
            statements[preparedOrder.removeFirst()] = nil
        }
        statements[sql] = statement
        preparedOrder.append(sql)
        return statement
    }

    /// Closes every statement (before a reconnect or close).
    mutating func removeAll() {
        statements.removeAll()
        preparedOrder.removeAll()
    }
}
