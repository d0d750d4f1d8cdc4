import CRabbitMQ
import Foundation

/// Memory for the C structures handed to one librabbitmq call: tables, properties and byte
/// strings encoded from Swift values. Everything is freed when the arena is; keep it alive
/// (`withExtendedLifetime`) until the call returns.
final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    deinit {
        for block in blocks {
            block.deallocate()
        }
    }

    func bytes(_ source: some Collection<UInt8>) -> amqp_bytes_t {
        let block = UnsafeMutableRawPointer.allocate(byteCount: max(source.count, 1), alignment: 1)
        blocks.append(block)
        let copied = UnsafeMutableRawBufferPointer(start: block, count: source.count)
        _ = copied.initializeMemory(as: UInt8.self, from: source)
        return amqp_bytes_t(len: source.count, bytes: block)
    }

    func bytes(_ text: String) -> amqp_bytes_t {
        bytes(text.utf8)
    }

    func table(_ table: AMQPTable) -> amqp_table_t {
        guard !table.isEmpty else { return amqp_table_t(num_entries: 0, entries: nil) }

        let entries = allocate(amqp_table_entry_t.self, count: table.count)
        for (index, (key, value)) in table.sorted(by: { $0.key < $1.key }).enumerated() {
            (entries + index).initialize(to: amqp_table_entry_t(key: bytes(key), value: fieldValue(value)))
        }
        return amqp_table_t(num_entries: Int32(table.count), entries: entries)
    }

    func array(_ values: [AMQPFieldValue]) -> amqp_array_t {
        guard !values.isEmpty else { return amqp_array_t(num_entries: 0, entries: nil) }

        let entries = allocate(amqp_field_value_t.self, count: values.count)
        for (index, value) in values.enumerated() {
            (entries + index).initialize(to: fieldValue(value))
        }
        return amqp_array_t(num_entries: Int32(values.count), entries: entries)
    }

    func fieldValue(_ value: AMQPFieldValue) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        switch value {
        case .boolean(let flag): field.set(AMQP_FIELD_KIND_BOOLEAN) { $0.value.boolean = flag ? 1 : 0 }
        case .int8(let number): field.set(AMQP_FIELD_KIND_I8) { $0.value.i8 = number }
        case .uint8(let number): field.set(AMQP_FIELD_KIND_U8) { $0.value.u8 = number }
        case .int16(let number): field.set(AMQP_FIELD_KIND_I16) { $0.value.i16 = number }
        case .uint16(let number): field.set(AMQP_FIELD_KIND_U16) { $0.value.u16 = number }
        case .int32(let number): field.set(AMQP_FIELD_KIND_I32) { $0.value.i32 = number }
        case .uint32(let number): field.set(AMQP_FIELD_KIND_U32) { $0.value.u32 = number }
        case .int64(let number): field.set(AMQP_FIELD_KIND_I64) { $0.value.i64 = number }
        case .float(let number): field.set(AMQP_FIELD_KIND_F32) { $0.value.f32 = number }
        case .double(let number): field.set(AMQP_FIELD_KIND_F64) { $0.value.f64 = number }
        case .decimal(let scale, let digits):
            field.set(AMQP_FIELD_KIND_DECIMAL) { $0.value.decimal = amqp_decimal_t(decimals: scale, value: digits) }
        case .string(let text): field.set(AMQP_FIELD_KIND_UTF8) { $0.value.bytes = bytes(text) }
        case .bytes(let raw): field.set(AMQP_FIELD_KIND_BYTES) { $0.value.bytes = bytes(raw) }
        case .array(let values): field.set(AMQP_FIELD_KIND_ARRAY) { $0.value.array = array(values) }
        case .timestamp(let date): field.set(AMQP_FIELD_KIND_TIMESTAMP) { $0.value.u64 = Self.seconds(date) }
        case .table(let nested): field.set(AMQP_FIELD_KIND_TABLE) { $0.value.table = table(nested) }
        case .void: field.set(AMQP_FIELD_KIND_VOID) { _ in }
        }
        return field
    }

    func properties(_ properties: AMQPProperties) -> amqp_basic_properties_t {
        var encoded = amqp_basic_properties_t()
        var flags = amqp_flags_t(AMQP_BASIC_DELIVERY_MODE_FLAG)
        encoded.delivery_mode = properties.persistent ? 2 : 1

        func text(_ value: String?, _ flag: Int32, _ field: WritableKeyPath<amqp_basic_properties_t, amqp_bytes_t>) {
            guard let value else { return }
            encoded[keyPath: field] = bytes(value)
            flags |= amqp_flags_t(flag)
        }
        text(properties.contentType, AMQP_BASIC_CONTENT_TYPE_FLAG, \.content_type)
        text(properties.contentEncoding, AMQP_BASIC_CONTENT_ENCODING_FLAG, \.content_encoding)
        text(properties.correlationID, AMQP_BASIC_CORRELATION_ID_FLAG, \.correlation_id)
        text(properties.replyTo, AMQP_BASIC_REPLY_TO_FLAG, \.reply_to)
        text(properties.expiration, AMQP_BASIC_EXPIRATION_FLAG, \.expiration)
        text(properties.messageID, AMQP_BASIC_MESSAGE_ID_FLAG, \.message_id)
        text(properties.type, AMQP_BASIC_TYPE_FLAG, \.type)
        text(properties.userID, AMQP_BASIC_USER_ID_FLAG, \.user_id)
        text(properties.appID, AMQP_BASIC_APP_ID_FLAG, \.app_id)

        if !properties.headers.isEmpty {
            encoded.headers = table(properties.headers)
            flags |= amqp_flags_t(AMQP_BASIC_HEADERS_FLAG)
        }
        if let priority = properties.priority {
            encoded.priority = priority
            flags |= amqp_flags_t(AMQP_BASIC_PRIORITY_FLAG)
        }
        if let timestamp = properties.timestamp {
            encoded.timestamp = Self.seconds(timestamp)
            flags |= amqp_flags_t(AMQP_BASIC_TIMESTAMP_FLAG)
        }
        encoded._flags = flags
        return encoded
    }

    /// Whole seconds since 1970, clamped at zero (AMQP timestamps are unsigned).
    static func seconds(_ date: Date) -> UInt64 {
        UInt64(max(0, date.timeIntervalSince1970.rounded(.down)))
    }

    private func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let block = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<T>.stride * count, alignment: MemoryLayout<T>.alignment)
        blocks.append(block)
        return block.bindMemory(to: T.self, capacity: count)
    }
}

extension amqp_field_value_t {
    fileprivate mutating func set(_ kind: amqp_field_value_kind_t, _ assign: (inout Self) -> Void) {
        self.kind = UInt8(kind.rawValue)
        assign(&self)
    }
}
