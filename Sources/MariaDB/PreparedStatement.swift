import CMariaDB

/// One server-side prepared statement (`MYSQL_STMT *`), closed in `deinit`.
///
/// Like its connection, it must never be used from two threads at once.
final class PreparedStatement {
    /// What one execution produced: a count of changed rows, or rows.
    struct Outcome {
        var result: DatabaseResult
        var rows: [DatabaseRow]
    }

    private let statement: UnsafeMutablePointer<MYSQL_STMT>
    private let parameterCount: Int

    private init(_ statement: UnsafeMutablePointer<MYSQL_STMT>) {
        self.statement = statement
        self.parameterCount = Int(mysql_stmt_param_count(statement))
    }

    deinit {
        mysql_stmt_close(statement)
    }

    static func prepare(_ sql: String, on handle: ConnectionHandle) throws -> PreparedStatement {
        guard let statement = mysql_stmt_init(handle.mysql) else {
            throw handle.lastError()
        }

        // Have mysql_stmt_store_result measure the longest value of each column.
        var updateMaxLength: my_bool = 1
        guard mysql_stmt_attr_set(statement, STMT_ATTR_UPDATE_MAX_LENGTH, &updateMaxLength) == 0,
            mysql_stmt_prepare(statement, sql, UInt(sql.utf8.count)) == 0
        else {
            let error = lastError(of: statement)
            mysql_stmt_close(statement)
            throw error
        }
        return PreparedStatement(statement)
    }

    func run(_ parameters: [DatabaseValue]) throws -> Outcome {
        guard parameters.count == parameterCount else {
            throw DatabaseError(
                kind: .usage,
                message: "the statement has \(parameterCount) placeholders but \(parameters.count) parameters")
        }

        // libmariadb reads the parameters' memory during mysql_stmt_execute.
        let bindings = try ParameterBindings(parameters)
        let executed = withExtendedLifetime(bindings) {
            (parameterCount == 0 || mysql_stmt_bind_param(statement, bindings.binds) == 0)
                && mysql_stmt_execute(statement) == 0
        }
        guard executed else {
            throw Self.lastError(of: statement)
        }
        defer { drainResults() }

        guard mysql_stmt_field_count(statement) > 0 else {
            let result = DatabaseResult(
                affectedRows: Int64(clamping: mysql_stmt_affected_rows(statement)),
                lastInsertID: Int64(clamping: mysql_stmt_insert_id(statement)))
            return Outcome(result: result, rows: [])
        }
        let rows = try fetchRows()
        return Outcome(result: DatabaseResult(affectedRows: Int64(rows.count), lastInsertID: 0), rows: rows)
    }

    private func fetchRows() throws -> [DatabaseRow] {
        guard mysql_stmt_store_result(statement) == 0 else {
            throw Self.lastError(of: statement)
        }
        // Read after store_result, which filled in each field's max_length.
        guard let metadata = mysql_stmt_result_metadata(statement) else {
            throw Self.lastError(of: statement)
        }
        defer { mysql_free_result(metadata) }

        let fields = UnsafeBufferPointer(
            start: mysql_fetch_fields(metadata), count: Int(mysql_num_fields(metadata)))
        let names = fields.map { String(cString: $0.name) }
        let bindings = ResultBindings(fields: fields)
        guard mysql_stmt_bind_result(statement, bindings.binds) == 0 else {
            throw Self.lastError(of: statement)
        }

        return try withExtendedLifetime(bindings) {
            var rows: [DatabaseRow] = []
            while true {
                let status = mysql_stmt_fetch(statement)
                if status == MYSQL_NO_DATA {
                    return rows
                }
                guard status == 0 || status == MYSQL_DATA_TRUNCATED else {
                    throw Self.lastError(of: statement)
                }
                rows.append(DatabaseRow(columns: names, values: try bindings.values(of: statement)))
            }
        }
    }

    /// Frees the stored rows and reads any further results (a CALL sends a status result
    /// after its rows), so the connection is ready for the next command.
    private func drainResults() {
        _ = mysql_stmt_free_result(statement)
        while mysql_stmt_more_results(statement) != 0 && mysql_stmt_next_result(statement) == 0 {
            _ = mysql_stmt_free_result(statement)
        }
    }

    static func lastError(of statement: UnsafeMutablePointer<MYSQL_STMT>) -> DatabaseError {
        DatabaseError(
            reportedCode: mysql_stmt_errno(statement),
            sqlState: String(cString: mysql_stmt_sqlstate(statement)),
            message: String(cString: mysql_stmt_error(statement)))
    }
}
