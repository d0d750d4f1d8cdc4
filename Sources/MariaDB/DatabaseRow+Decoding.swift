import Foundation

extension DatabaseRow {
    func required<T>(_ column: String, as type: String, _ convert: (DatabaseValue) -> T?) throws -> T {
        guard let value = try optional(column, as: type, convert) else {
            throw DatabaseError(kind: .decoding, message: "column '\(column)' is NULL, expected \(type)")
        }
        return value
    }

    func optional<T>(_ column: String, as type: String, _ convert: (DatabaseValue) -> T?) throws -> T? {
        guard let value = self[column] else {
            throw DatabaseError(kind: .decoding, message: "the result has no column '\(column)'")
        }
        if value == .null {
            return nil
        }
        guard let converted = convert(value) else {
            throw DatabaseError(
                kind: .decoding, message: "column '\(column)' holds \(value.typeName), expected \(type)")
        }
        return converted
    }

    static func int(_ value: DatabaseValue) -> Int64? {
        switch value {
        case .int(let int): int
        case .string(let decimal): Int64(decimal)
        default: nil
        }
    }

    static func double(_ value: DatabaseValue) -> Double? {
        switch value {
        case .double(let double): double
        case .int(let int): Double(int)
        case .string(let decimal): Double(decimal)
        default: nil
        }
    }

    static func string(_ value: DatabaseValue) -> String? {
        if case .string(let string) = value { string } else { nil }
    }

    static func bytes(_ value: DatabaseValue) -> [UInt8]? {
        switch value {
        case .bytes(let bytes): bytes
        case .string(let string): Array(string.utf8)
        default: nil
        }
    }

    static func date(_ value: DatabaseValue) -> Date? {
        if case .date(let date) = value { date } else { nil }
    }
}
