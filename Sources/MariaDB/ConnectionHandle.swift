import CMariaDB

/// libmariadb's global state, made once before any thread calls `mysql_init` (which would
/// otherwise make it itself, racing with other threads). Swift runs this initializer once.
private let libraryIsReady: Bool = mailroom_mysql_library_init() == 0

/// Owns one libmariadb connection handle and closes it in `deinit`.
///
/// A libmariadb handle must never be used from two threads at once; its owner,
/// `DatabaseConnection`, is confined to one thread.
final class ConnectionHandle {
    let mysql: UnsafeMutablePointer<MYSQL>

    private init(_ mysql: UnsafeMutablePointer<MYSQL>) {
        self.mysql = mysql
    }

    deinit {
        mysql_close(mysql)
    }

    /// Connects and applies the session settings: utf8mb4, time zone UTC, the lock wait limit.
    static func open(_ configuration: DatabaseConfiguration) throws -> ConnectionHandle {
        guard libraryIsReady, let mysql = mysql_init(nil) else {
            throw DatabaseError(kind: .connectionFailed, message: "libmariadb could not be initialised")
        }
        let handle = ConnectionHandle(mysql)
        try handle.setOptions(configuration)

        let connected = mysql_real_connect(
            mysql, configuration.host, configuration.user, configuration.password, configuration.database,
            UInt32(clamping: configuration.port), configuration.unixSocket, UInt(CLIENT_MULTI_RESULTS))
        guard connected != nil else {
            var error = handle.lastError()
            error.kind = .connectionFailed
            throw error
        }

        try handle.applySessionSettings(configuration)
        return handle
    }

    private func setOptions(_ configuration: DatabaseConfiguration) throws {
        try setOption(MYSQL_SET_CHARSET_NAME, "utf8mb4")
        try setOption(MYSQL_OPT_CONNECT_TIMEOUT, UInt32(wholeSeconds(configuration.connectTimeout)))
        try setOption(MYSQL_OPT_READ_TIMEOUT, UInt32(wholeSeconds(configuration.readTimeout)))
        try setOption(MYSQL_OPT_WRITE_TIMEOUT, UInt32(wholeSeconds(configuration.readTimeout)))

        // libmariadb's own reconnect would silently drop session state and transactions;
        // DatabaseConnection reconnects explicitly instead.
        try setOption(MYSQL_OPT_RECONNECT, my_bool(0))
        try setOption(MYSQL_OPT_LOCAL_INFILE, UInt32(0))

        // Without a socket, "localhost" must still mean TCP to the port the URL names.
        let protocolType = configuration.unixSocket == nil ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET
        try setOption(MYSQL_OPT_PROTOCOL, UInt32(protocolType.rawValue))

        if configuration.useTLS {
            try setOption(MYSQL_OPT_SSL_ENFORCE, my_bool(1))
            try setOption(MYSQL_OPT_SSL_VERIFY_SERVER_CERT, my_bool(1))
            if let caFile = configuration.tlsCAFile {
                try setOption(MYSQL_OPT_SSL_CA, caFile)
            }
        }
    }

    private func applySessionSettings(_ configuration: DatabaseConfiguration) throws {
        guard wholeSeconds(configuration.lockWaitTimeout) < wholeSeconds(configuration.readTimeout) else {
            throw DatabaseError(kind: .usage, message: "lockWaitTimeout must be shorter than readTimeout")
        }

        // Tells libmariadb as well as the server, unlike a plain SET NAMES.
        guard mysql_set_character_set(mysql, "utf8mb4") == 0 else {
            throw lastError()
        }
        let lockWait = wholeSeconds(configuration.lockWaitTimeout)
        try run("SET time_zone = '+00:00', innodb_lock_wait_timeout = \(lockWait)")
    }

    private func setOption<Value: BitwiseCopyable>(_ option: mysql_option, _ value: Value) throws {
        var value = value
        guard mysql_options(mysql, option, &value) == 0 else {
            throw DatabaseError(kind: .usage, message: "libmariadb refused option \(option.rawValue)")
        }
    }

    private func setOption(_ option: mysql_option, _ value: String) throws {
        guard mysql_options(mysql, option, value) == 0 else {
            throw DatabaseError(kind: .usage, message: "libmariadb refused option \(option.rawValue)")
        }
    }

    /// Whether the server answers; never reconnects.
    func ping() -> Bool {
        mysql_ping(mysql) == 0
    }

    var threadID: UInt64 {
        UInt64(mysql_thread_id(mysql))
    }

    /// Runs one statement over the text protocol and discards any rows it returns.
    func run(_ sql: String) throws {
        guard mysql_real_query(mysql, sql, UInt(sql.utf8.count)) == 0 else {
            throw lastError()
        }
        try discardResult()
    }

    /// Runs statements separated by `;`, reading every result so the connection stays usable.
    func runScript(_ sql: String) throws {
        guard mysql_set_server_option(mysql, MYSQL_OPTION_MULTI_STATEMENTS_ON) == 0 else {
            throw lastError()
        }
        defer { _ = mysql_set_server_option(mysql, MYSQL_OPTION_MULTI_STATEMENTS_OFF) }

        guard mysql_real_query(mysql, sql, UInt(sql.utf8.count)) == 0 else {
            throw lastError()
        }
        while true {
            try discardResult()
            let next = mysql_next_result(mysql)
            if next == -1 {
                return
            }
            guard next == 0 else {
                throw lastError()
            }
        }
    }

    private func discardResult() throws {
        if let result = mysql_store_result(mysql) {
            mysql_free_result(result)
        } else if mysql_field_count(mysql) > 0 {
            throw lastError()
        }
    }

    func lastError() -> DatabaseError {
        DatabaseError(
            reportedCode: mysql_errno(mysql),
            sqlState: String(cString: mysql_sqlstate(mysql)),
            message: String(cString: mysql_error(mysql)))
    }
}

/// Whole seconds for libmariadb's options, rounded up and at least 1.
func wholeSeconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return max(1, seconds + (attoseconds > 0 ? 1 : 0))
}
