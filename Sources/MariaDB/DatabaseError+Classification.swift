import CMariaDB
import Foundation

extension DatabaseError {
    /// Classifies an error reported by libmariadb and cuts data values out of its message.
    init(reportedCode code: UInt32, sqlState: String, message: String) {
        self.init(
            kind: Self.kind(of: code),
            code: code,
            sqlState: sqlState,
            message: Self.redacted(message, code: code)
        )
    }

    static func kind(of code: UInt32) -> Kind {
        switch Int32(clamping: code) {
        case ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME, ER_DUP_KEY:
            return .duplicateKey
        case ER_LOCK_DEADLOCK:
            return .deadlock
        case ER_LOCK_WAIT_TIMEOUT:
            return .lockWaitTimeout
        case ER_DATA_TOO_LONG, ER_WARN_DATA_OUT_OF_RANGE, ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, ER_TRUNCATED_WRONG_VALUE,
            ER_INVALID_CHARACTER_STRING, ER_WRONG_VALUE_FOR_TYPE, ER_BAD_NULL_ERROR, ER_WARN_NULL_TO_NOTNULL:
            return .rejectedValue
        case CR_SERVER_GONE_ERROR, CR_SERVER_LOST, CR_SERVER_LOST_EXTENDED, CR_STMT_CLOSED,
            ER_CONNECTION_KILLED, ER_SERVER_SHUTDOWN, ER_ABORTING_CONNECTION, ER_NEW_ABORTING_CONNECTION:
            return .connectionLost
        case CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR, CR_UNKNOWN_HOST, CR_SERVER_HANDSHAKE_ERR,
            CR_SSL_CONNECTION_ERROR, ER_CON_COUNT_ERROR, ER_TOO_MANY_USER_CONNECTIONS:
            return .connectionFailed
        default:
            return .other
        }
    }

    /// The server's message without the values some messages quote (a duplicate key may be an
    /// email address or a token). Unknown shapes of those messages are withheld entirely.
    static func redacted(_ message: String, code: UInt32) -> String {
        let markers: (open: String, close: String)
        switch Int32(clamping: code) {
        case ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME:
            markers = ("entry '", "' for key")
        case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, ER_WRONG_VALUE_FOR_TYPE:
            markers = ("value: '", "' for ")
        case ER_TRUNCATED_WRONG_VALUE:
            markers = ("value: '", "'")
        case ER_INVALID_CHARACTER_STRING:
            markers = ("string: '", "'")
        default:
            return message
        }

        guard let open = message.range(of: markers.open),
            let close = message.range(of: markers.close, options: .backwards),
            open.upperBound <= close.lowerBound
        else {
            return "(the server's message is withheld because it may quote data)"
        }
        return message[..<open.upperBound] + "…" + message[close.lowerBound...]
    }
}
