/// Where and how to connect. Its description leaves the password out.
public struct DatabaseConfiguration: Sendable {
    public var host: String
    /// Default: 3306.
    public var port: Int
    public var user: String
    public var password: String
    public var database: String
    /// A Unix socket path; when set, host and port are not used.
    public var unixSocket: String?
    /// Require TLS and verify the server's certificate and host name. Default: false.
    public var useTLS: Bool
    /// CA certificates (PEM) to verify the server with; nil uses the system's.
    public var tlsCAFile: String?
    /// Default: 5 seconds.
    public var connectTimeout: Duration
    /// How long a read from the server may take, so a dead server never hangs a worker
    /// forever. Default: 30 seconds. Writes get the same limit. A statement that runs longer
    /// is cut off and reported as `.connectionLost`: keep long work (migrations) in mind.
    public var readTimeout: Duration
    /// Before the first statement after this long idle (outside a transaction), ping the
    /// server and reconnect transparently if it has gone away; nothing was sent yet, so that
    /// is safe. Default: 5 seconds.
    public var revalidateAfterIdle: Duration
    /// The session's `innodb_lock_wait_timeout`. It must stay below `readTimeout`, so that a
    /// long lock wait ends as `.lockWaitTimeout` and not as a lost connection.
    /// Default: 10 seconds (the server's own default, 50 s, is longer than `readTimeout`).
    public var lockWaitTimeout: Duration

    public init(host: String, port: Int = 3306, user: String, password: String, database: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.unixSocket = nil
        self.useTLS = false
        self.tlsCAFile = nil
        self.connectTimeout = .seconds(5)
        self.readTimeout = .seconds(30)
        self.revalidateAfterIdle = .seconds(5)
        self.lockWaitTimeout = .seconds(10)
    }
}

extension DatabaseConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// The connection URL without the password.
    public var description: String {
        var text = "mariadb://\(user)@\(host):\(port)/\(database)"
        var options: [String] = []
        if let unixSocket {
            options.append("socket=\(unixSocket)")
        }
        if useTLS {
            options.append("tls=true")
        }
        if let tlsCAFile {
            options.append("ca=\(tlsCAFile)")
        }
        if !options.isEmpty {
            text += "?" + options.joined(separator: "&")
        }
        return text
    }

    public var debugDescription: String {
        description
    }
}
