import Foundation

/// One parameter or column value.
///
/// Dates are instants in UTC; the session time zone is always `+00:00` and DATETIME(6)
/// keeps microseconds, so a `Date` comes back to the microsecond it was written with.
public enum DatabaseValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case date(Date)
}

extension DatabaseValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral,
    ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) {
        self = .string(value)
    }

    public init(integerLiteral value: Int64) {
        self = .int(value)
    }

    public init(nilLiteral: ()) {
        self = .null
    }

    public init(floatLiteral value: Double) {
        self = .double(value)
    }
}

extension DatabaseValue {
    /// `.int`, or `.null` for nil.
    public init(_ value: Int64?) {
        self = value.map { .int($0) } ?? .null
    }

    /// `.int`, or `.null` for nil.
    public init(_ value: Int?) {
        self = value.map { .int(Int64($0)) } ?? .null
    }

    /// `.string`, or `.null` for nil.
    public init(_ value: String?) {
        self = value.map { .string($0) } ?? .null
    }

    /// `.double`, or `.null` for nil.
    public init(_ value: Double?) {
        self = value.map { .double($0) } ?? .null
    }

    /// `.bytes`, or `.null` for nil.
    public init(_ value: [UInt8]?) {
        self = value.map { .bytes($0) } ?? .null
    }

    /// `.date`, or `.null` for nil.
    public init(_ value: Date?) {
        self = value.map { .date($0) } ?? .null
    }

    /// The name of the case, for messages that must not show the value itself.
    var typeName: String {
        switch self {
        case .null: "NULL"
        case .int: "an integer"
        case .double: "a double"
        case .string: "a string"
        case .bytes: "bytes"
        case .date: "a date"
        }
    }
}
