/// One connection to MariaDB, with its prepared statements cached by SQL text.
///
/// Not thread-safe: libmariadb forbids using a connection from two threads at once, so a
/// connection belongs to one thread (give each worker thread its own).
///
/// libmariadb's own auto-reconnect stays off, because it would silently lose the session's
/// state and any open transaction. After an error whose `requiresReconnect` is true, call
/// `reconnect()`. The one transparent reconnect is after an idle spell outside a
/// transaction (see `DatabaseConfiguration.revalidateAfterIdle`), before anything is sent.
public final class DatabaseConnection {
    public let configuration: DatabaseConfiguration
    var handle: ConnectionHandle?
    private var statements = StatementCache()
    private var lastUsed = ContinuousClock.now
    private var isClosed = false

    /// True inside the body of `transaction`.
    public internal(set) var isInTransaction = false

    /// Told after every `transaction` how long it took (START TRANSACTION to COMMIT or
    /// ROLLBACK) and whether it committed; for latency metrics. Runs on the connection's
    /// thread. Default: nil.
    public var transactionObserver: ((_ duration: Duration, _ committed: Bool) -> Void)?

    /// Connects, setting utf8mb4 and the UTC time zone. Throws `.connectionFailed`.
    public init(configuration: DatabaseConfiguration) throws {
        self.configuration = configuration
        self.handle = try ConnectionHandle.open(configuration)
    }

    deinit {
        close()
    }

    /// Closes the statements and the connection. Later calls throw `.usage` until `reconnect()`.
    public func close() {
        statements.removeAll()
        handle = nil
        isClosed = true
    }

    /// Runs one statement (prepared, cached by SQL text); returns affected rows and the last insert id.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [DatabaseValue] = []) throws -> DatabaseResult {
        try run(sql, parameters).result
    }

    /// Runs one statement (prepared, cached by SQL text) and returns all its rows.
    public func query(_ sql: String, _ parameters: [DatabaseValue] = []) throws -> [DatabaseRow] {
        try run(sql, parameters).rows
    }

    /// Drops cached statements, connects again and re-applies the session settings.
    /// Throws `.usage` inside a transaction: its work is lost, so the transaction must end first.
    public func reconnect() throws {
        guard !isInTransaction else {
            throw DatabaseError(kind: .usage, message: "reconnect() inside a transaction")
        }
        statements.removeAll()
        handle = nil
        isClosed = false

        handle = try ConnectionHandle.open(configuration)
        lastUsed = .now
    }

    /// Whether the server answers. Never reconnects.
    public func ping() -> Bool {
        guard let handle, handle.ping() else {
            return false
        }
        lastUsed = .now
        return true
    }

    /// The server's thread id for this connection, for `KILL`; 0 when not connected.
    public var connectionID: UInt64 {
        handle?.threadID ?? 0
    }

    private func run(_ sql: String, _ parameters: [DatabaseValue]) throws -> PreparedStatement.Outcome {
        let handle = try readyHandle()
        let statement = try statements.statement(for: sql, on: handle)
        defer { lastUsed = .now }
        return try statement.run(parameters)
    }

    /// The handle for the next command. After an idle spell outside a transaction, pings
    /// first and reconnects if the server has gone away: nothing was sent yet, so it is safe.
    func readyHandle() throws -> ConnectionHandle {
        if !isInTransaction, ContinuousClock.now - lastUsed >= configuration.revalidateAfterIdle, !ping() {
            if isClosed {
                throw DatabaseError(kind: .usage, message: "the connection is closed")
            }
            try reconnect()
        }
        guard let handle else {
            let kind: DatabaseError.Kind = isClosed ? .usage : .connectionLost
            throw DatabaseError(kind: kind, message: "not connected (closed, or the last reconnect failed)")
        }
        return handle
    }

    /// Runs SQL over the text protocol on the current connection (BEGIN, COMMIT, scripts).
    func runText(_ sql: String, script: Bool = false) throws {
        guard let handle else {
            throw DatabaseError(kind: .connectionLost, message: "not connected")
        }
        defer { lastUsed = .now }
        if script {
            try handle.runScript(sql)
        } else {
            try handle.run(sql)
        }
    }
}
