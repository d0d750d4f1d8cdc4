/// An error from the database or from this module, classified so that a caller can act on it.
///
/// `message` never contains the password, and values the server echoes back in its messages
/// (the duplicate key, an incorrect string value) are cut out of it, so an error may be logged.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// What a caller can do about the error.
    public enum Kind: Sendable {
        /// The connection URL could not be read; the message names what is wrong.
        case invalidURL
        /// Connecting failed (server down, wrong credentials, TLS refused): try again later.
        case connectionFailed
        /// The connection went away under a statement: reconnect, then retry if that is safe.
        case connectionLost
        /// A unique key already holds the value (1062).
        case duplicateKey
        /// The server chose this transaction as a deadlock victim and rolled it back (1213).
        case deadlock
        /// A lock was not granted in time (1205); only the statement was undone.
        case lockWaitTimeout
        /// A row value is missing, NULL, or of another type than asked for.
        case decoding
        /// The server refused a value for its column: too long, out of range, not valid for the
        /// column's type or character set, or NULL where none is allowed (1406, 1264, 1366, 1292,
        /// 1300, 1411, 1048, 1263). The same statement with the same values fails again.
        case rejectedValue
        /// The module was used wrongly (nested transaction, wrong parameter count, closed).
        case usage
        /// Any other server or client error.
        case other
    }

    public var kind: Kind
    /// The server's or libmariadb's error number; 0 for errors raised by this module.
    public var code: UInt32
    public var sqlState: String
    public var message: String

    public init(kind: Kind, code: UInt32 = 0, sqlState: String = "HY000", message: String) {
        self.kind = kind
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    /// Deadlock or lock wait timeout: roll back and run the whole transaction again.
    public var isRetryableTransaction: Bool {
        kind == .deadlock || kind == .lockWaitTimeout
    }

    /// The connection is unusable: call `reconnect()` (with backoff) before going on.
    public var requiresReconnect: Bool {
        kind == .connectionLost || kind == .connectionFailed
    }

    public var description: String {
        if code == 0 {
            return "database error (\(kind)): \(message)"
        }
        return "database error (\(kind), \(code), SQLSTATE \(sqlState)): \(message)"
    }
}
