import CMariaDB
import Foundation

/// The `MYSQL_BIND` array that rows of one stored result are fetched into, and the C memory
/// behind it, freed in `deinit`. Variable-length columns get buffers as long as the longest
/// value in the result (STMT_ATTR_UPDATE_MAX_LENGTH); a longer value is fetched whole.
final class ResultBindings {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let columns: [ResultColumn]
    private let buffers: [UnsafeMutableRawPointer]
    private let capacities: [Int]
    private let lengths: UnsafeMutablePointer<UInt>
    private let nulls: UnsafeMutablePointer<my_bool>

    init(fields: UnsafeBufferPointer<MYSQL_FIELD>) {
        let count = max(fields.count, 1)
        columns = fields.map(ResultColumn.init)
        capacities = zip(fields, columns).map { field, column in
            column.fixedSize ?? max(Int(field.max_length), 1)
        }
        buffers = capacities.map { UnsafeMutableRawPointer.allocate(byteCount: $0, alignment: 16) }
        lengths = .allocate(capacity: count)
        lengths.initialize(repeating: 0, count: count)
        nulls = .allocate(capacity: count)
        nulls.initialize(repeating: 0, count: count)
        binds = .allocate(capacity: count)
        binds.initialize(repeating: MYSQL_BIND(), count: count)

        for index in columns.indices {
            binds[index].buffer_type = columns[index].bufferType
            binds[index].buffer = buffers[index]
            binds[index].buffer_length = UInt(capacities[index])
            binds[index].length = lengths + index
            binds[index].is_null = nulls + index
            binds[index].is_unsigned = columns[index] == .unsigned ? 1 : 0
        }
    }

    deinit {
        buffers.forEach { $0.deallocate() }
        binds.deinitialize(count: max(columns.count, 1))
        binds.deallocate()
        lengths.deallocate()
        nulls.deallocate()
    }

    /// The values of the row `mysql_stmt_fetch` just fetched.
    func values(of statement: UnsafeMutablePointer<MYSQL_STMT>) throws -> [DatabaseValue] {
        try columns.indices.map { index in
            nulls[index] != 0 ? .null : try value(at: index, of: statement)
        }
    }

    private func value(at index: Int, of statement: UnsafeMutablePointer<MYSQL_STMT>) throws -> DatabaseValue {
        let buffer = buffers[index]
        switch columns[index] {
        case .null:
            return .null
        case .signed:
            return .int(buffer.load(as: Int64.self))
        case .unsigned:
            // An unsigned BIGINT beyond Int64.max comes back as its decimal text.
            let unsigned = buffer.load(as: UInt64.self)
            return unsigned <= UInt64(Int64.max) ? .int(Int64(unsigned)) : .string(String(unsigned))
        case .float:
            return .double(Double(buffer.load(as: Float.self)))
        case .double:
            return .double(buffer.load(as: Double.self))
        case .temporal:
            // A zero date (0000-00-00) is no instant; it comes back as its text.
            let time = buffer.load(as: MYSQL_TIME.self)
            return time.isZeroDate ? .string(time.text) : .date(time.utcDate)
        case .text:
            return .string(String(decoding: try bytes(at: index, of: statement), as: UTF8.self))
        case .binary:
            return .bytes(try bytes(at: index, of: statement))
        case .bit:
            return .int(try bytes(at: index, of: statement).reduce(0) { $0 << 8 | Int64($1) })
        }
    }

    private func bytes(at index: Int, of statement: UnsafeMutablePointer<MYSQL_STMT>) throws -> [UInt8] {
        let length = Int(lengths[index])
        if length <= capacities[index] {
            return Array(UnsafeRawBufferPointer(start: buffers[index], count: length))
        }
        return try fetchWhole(column: index, length: length, of: statement)
    }

    /// Fetches a value longer than its buffer (MYSQL_DATA_TRUNCATED) again, whole.
    private func fetchWhole(column index: Int, length: Int, of statement: UnsafeMutablePointer<MYSQL_STMT>)
        throws -> [UInt8]
    {
        var whole = [UInt8](repeating: 0, count: length)
        var fetchedLength: UInt = 0
        let status = whole.withUnsafeMutableBytes { buffer in
            withUnsafeMutablePointer(to: &fetchedLength) { lengthPointer in
                var bind = MYSQL_BIND()
                bind.buffer_type = columns[index].bufferType
                bind.buffer = buffer.baseAddress
                bind.buffer_length = UInt(length)
                bind.length = lengthPointer
                return mysql_stmt_fetch_column(statement, &bind, UInt32(index), 0)
            }
        }
        guard status == 0 else {
            throw PreparedStatement.lastError(of: statement)
        }
        return whole
    }
}
