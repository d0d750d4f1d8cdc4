extension DatabaseConnection {
    /// Runs `body` between START TRANSACTION and COMMIT; rolls back when the body (or the
    /// commit) throws, and rethrows. Nested calls throw `.usage`.
    ///
    /// After a `.deadlock` or `.lockWaitTimeout` (`isRetryableTransaction`), call it again;
    /// after `requiresReconnect`, reconnect first. The transaction never survives a lost
    /// connection: the server rolled it back.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        guard !isInTransaction else {
            throw DatabaseError(kind: .usage, message: "transaction() called inside a transaction")
        }
        _ = try readyHandle()
        let started = ContinuousClock.now
        try runText("START TRANSACTION")
        isInTransaction = true
        defer { isInTransaction = false }

        let value: T
        do {
            value = try body()
            try runText("COMMIT")
        } catch {
            rollBackQuietly()
            transactionObserver?(ContinuousClock.now - started, false)
            throw error
        }
        transactionObserver?(ContinuousClock.now - started, true)
        return value
    }

    /// Several statements separated by `;` over the text protocol (migrations), every result
    /// read. Stops at the first failing statement and throws its error. No parameters.
    public func executeScript(_ sql: String) throws {
        _ = try readyHandle()
        try runText(sql, script: true)
    }

    /// ROLLBACK whose own failure is ignored: the caller rethrows the error that caused it,
    /// and if the connection is gone the server has rolled back already.
    private func rollBackQuietly() {
        try? runText("ROLLBACK")
    }
}
