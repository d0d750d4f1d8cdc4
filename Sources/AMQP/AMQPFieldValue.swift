import Foundation

/// A header or argument table: field names to typed values.
public typealias AMQPTable = [String: AMQPFieldValue]

/// One typed value of an AMQP field table, covering every type RabbitMQ sends.
///
/// Decoding notes: a long string (`S`) that is valid UTF-8 becomes `.string`, otherwise
/// `.bytes`; byte arrays (`x`) become `.bytes`. Timestamps carry whole seconds. An unsigned
/// 64-bit value (`L`, which RabbitMQ never sends) becomes `.int64` when it fits and otherwise
/// `.string` with its decimal digits.
public indirect enum AMQPFieldValue: Sendable, Equatable {
    case boolean(Bool)
    case int8(Int8)
    case uint8(UInt8)
    case int16(Int16)
    case uint16(UInt16)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case float(Float)
    case double(Double)
    /// `value` divided by 10^`scale`.
    case decimal(scale: UInt8, value: UInt32)
    case string(String)
    case bytes([UInt8])
    case array([AMQPFieldValue])
    /// Whole seconds since 1970; fractions are dropped on the wire.
    case timestamp(Date)
    case table(AMQPTable)
    case void

    /// The text of a `.string`, or of `.bytes` that are valid UTF-8.
    public var stringValue: String? {
        switch self {
        case .string(let text): text
        case .bytes(let bytes): String(validating: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// The value of any integer case.
    public var integerValue: Int64? {
        switch self {
        case .int8(let value): Int64(value)
        case .uint8(let value): Int64(value)
        case .int16(let value): Int64(value)
        case .uint16(let value): Int64(value)
        case .int32(let value): Int64(value)
        case .uint32(let value): Int64(value)
        case .int64(let value): value
        default: nil
        }
    }

    public var tableValue: AMQPTable? {
        if case .table(let table) = self { table } else { nil }
    }

    public var arrayValue: [AMQPFieldValue]? {
        if case .array(let array) = self { array } else { nil }
    }

    public var boolValue: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    public var dateValue: Date? {
        if case .timestamp(let date) = self { date } else { nil }
    }
}

extension AMQPFieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) {
        self = .string(value)
    }

    /// Integer literals become `.int64`, the type RabbitMQ itself uses for numeric arguments.
    public init(integerLiteral value: Int64) {
        self = .int64(value)
    }

    public init(booleanLiteral value: Bool) {
        self = .boolean(value)
    }
}
