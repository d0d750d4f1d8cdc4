import CMariaDB

/// The `MYSQL_BIND` array for one execution's parameters and the C memory it points into,
/// freed in `deinit`. It must outlive `mysql_stmt_execute`.
final class ParameterBindings {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let count: Int
    private let lengths: UnsafeMutablePointer<UInt>
    private var buffers: [UnsafeMutableRawPointer] = []

    init(_ values: [DatabaseValue]) throws {
        count = values.count
        binds = .allocate(capacity: max(count, 1))
        binds.initialize(repeating: MYSQL_BIND(), count: max(count, 1))
        lengths = .allocate(capacity: max(count, 1))
        lengths.initialize(repeating: 0, count: max(count, 1))

        for (index, value) in values.enumerated() {
            try bind(value, at: index)
        }
    }

    deinit {
        buffers.forEach { $0.deallocate() }
        binds.deinitialize(count: max(count, 1))
        binds.deallocate()
        lengths.deallocate()
    }

    private func bind(_ value: DatabaseValue, at index: Int) throws {
        switch value {
        case .null:
            binds[index].buffer_type = MYSQL_TYPE_NULL
        case .int(let int):
            store(int, at: index, as: MYSQL_TYPE_LONGLONG)
        case .double(let double):
            store(double, at: index, as: MYSQL_TYPE_DOUBLE)
        case .string(let string):
            storeBytes(Array(string.utf8), at: index, as: MYSQL_TYPE_STRING)
        case .bytes(let bytes):
            storeBytes(bytes, at: index, as: MYSQL_TYPE_BLOB)
        case .date(let date):
            store(try MYSQL_TIME(utc: date), at: index, as: MYSQL_TYPE_DATETIME)
        }
    }

    private func store<Value: BitwiseCopyable>(_ value: Value, at index: Int, as type: enum_field_types) {
        let buffer = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<Value>.size, alignment: MemoryLayout<Value>.alignment)
        buffer.initializeMemory(as: Value.self, to: value)
        buffers.append(buffer)

        binds[index].buffer_type = type
        binds[index].buffer = buffer
        binds[index].buffer_length = UInt(MemoryLayout<Value>.size)
    }

    private func storeBytes(_ bytes: [UInt8], at index: Int, as type: enum_field_types) {
        // Never a null buffer, even for an empty string: that would read as NULL.
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { source in
            if let start = source.baseAddress {
                buffer.copyMemory(from: start, byteCount: source.count)
            }
        }
        buffers.append(buffer)

        lengths[index] = UInt(bytes.count)
        binds[index].buffer_type = type
        binds[index].buffer = buffer
        binds[index].buffer_length = UInt(bytes.count)
        binds[index].length = lengths + index
    }
}
