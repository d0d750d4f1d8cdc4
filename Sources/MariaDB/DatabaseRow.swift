import Foundation

/// One row of a query result, with typed accessors that name the column when they fail.
///
/// The accessors accept the few lossless conversions a caller would expect: `int` and
/// `double` read a DECIMAL (which comes back as a string, e.g. from `SUM`), `double` reads
/// an integer, and `bytes` reads a string as its UTF-8 bytes.
public struct DatabaseRow: Sendable {
    public var columns: [String]
    public var values: [DatabaseValue]

    public init(columns: [String], values: [DatabaseValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value of the first column with this name, or nil when there is no such column.
    public subscript(_ column: String) -> DatabaseValue? {
        columns.firstIndex(of: column).map { values[$0] }
    }

    public func int(_ column: String) throws -> Int64 {
        try required(column, as: "Int64", Self.int)
    }

    public func string(_ column: String) throws -> String {
        try required(column, as: "String", Self.string)
    }

    public func double(_ column: String) throws -> Double {
        try required(column, as: "Double", Self.double)
    }

    public func bytes(_ column: String) throws -> [UInt8] {
        try required(column, as: "bytes", Self.bytes)
    }

    public func date(_ column: String) throws -> Date {
        try required(column, as: "Date", Self.date)
    }

    public func optionalInt(_ column: String) throws -> Int64? {
        try optional(column, as: "Int64", Self.int)
    }

    public func optionalString(_ column: String) throws -> String? {
        try optional(column, as: "String", Self.string)
    }

    public func optionalDouble(_ column: String) throws -> Double? {
        try optional(column, as: "Double", Self.double)
    }

    public func optionalBytes(_ column: String) throws -> [UInt8]? {
        try optional(column, as: "bytes", Self.bytes)
    }

    public func optionalDate(_ column: String) throws -> Date? {
        try optional(column, as: "Date", Self.date)
    }
}
