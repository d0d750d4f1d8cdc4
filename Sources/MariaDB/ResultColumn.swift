import CMariaDB

/// How one result column is fetched and turned into a `DatabaseValue`, chosen from the
/// column's real type (and, for strings and blobs, its character set).
enum ResultColumn {
    case null
    case signed
    case unsigned
    case float
    case double
    case temporal
    /// BIT(n): fetched as bytes, read as a big-endian integer.
    case bit
    /// Text in utf8mb4; also DECIMAL and TIME, which libmariadb renders as text.
    case text
    /// Character set 63 ("binary"): BLOB, BINARY, VARBINARY, GEOMETRY.
    case binary

    static let binaryCharacterSet: UInt32 = 63

    init(_ field: MYSQL_FIELD) {
        switch field.type {
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_INT24, MYSQL_TYPE_LONG, MYSQL_TYPE_LONGLONG,
            MYSQL_TYPE_YEAR:
            self = field.flags & UInt32(UNSIGNED_FLAG) != 0 ? .unsigned : .signed
        case MYSQL_TYPE_FLOAT:
            self = .float
        case MYSQL_TYPE_DOUBLE:
            self = .double
        case MYSQL_TYPE_NULL:
            self = .null
        case MYSQL_TYPE_DATE, MYSQL_TYPE_NEWDATE, MYSQL_TYPE_DATETIME, MYSQL_TYPE_DATETIME2,
            MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_TIMESTAMP2:
            self = .temporal
        case MYSQL_TYPE_BIT:
            self = .bit
        case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL, MYSQL_TYPE_TIME, MYSQL_TYPE_TIME2:
            self = .text
        default:
            self = field.charsetnr == Self.binaryCharacterSet ? .binary : .text
        }
    }

    /// The buffer type to ask libmariadb for; it converts the wire value into it.
    var bufferType: enum_field_types {
        switch self {
        case .null: MYSQL_TYPE_NULL
        case .signed, .unsigned: MYSQL_TYPE_LONGLONG
        case .float: MYSQL_TYPE_FLOAT
        case .double: MYSQL_TYPE_DOUBLE
        case .temporal: MYSQL_TYPE_DATETIME
        case .text: MYSQL_TYPE_STRING
        case .bit, .binary: MYSQL_TYPE_BLOB
        }
    }

    /// Bytes for a fixed-size value, or nil for variable-length ones.
    var fixedSize: Int? {
        switch self {
        case .null: 1
        case .signed, .unsigned, .double: 8
        case .float: 4
        case .temporal: MemoryLayout<MYSQL_TIME>.size
        case .text, .binary, .bit: nil
        }
    }
}
