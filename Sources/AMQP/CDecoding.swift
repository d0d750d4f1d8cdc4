import CRabbitMQ
import Foundation

/// Copies librabbitmq's structures into Swift values; nothing returned points into C memory.
enum CDecoding {
    static func bytes(_ bytes: amqp_bytes_t) -> [UInt8] {
        guard bytes.len > 0, let start = bytes.bytes else { return [] }
        return Array(UnsafeRawBufferPointer(start: start, count: bytes.len))
    }

    /// Text of a short string; invalid UTF-8 is repaired rather than rejected.
    static func string(_ bytes: amqp_bytes_t) -> String {
        String(decoding: Self.bytes(bytes), as: UTF8.self)
    }

    static func table(_ table: amqp_table_t) -> AMQPTable {
        var decoded: AMQPTable = [:]
        guard table.num_entries > 0, let entries = table.entries else { return decoded }

        for entry in UnsafeBufferPointer(start: entries, count: Int(table.num_entries)) {
            decoded[string(entry.key)] = fieldValue(entry.value)
        }
        return decoded
    }

    static func array(_ array: amqp_array_t) -> [AMQPFieldValue] {
        guard array.num_entries > 0, let entries = array.entries else { return [] }
        return UnsafeBufferPointer(start: entries, count: Int(array.num_entries)).map(fieldValue)
    }

    static func fieldValue(_ field: amqp_field_value_t) -> AMQPFieldValue {
        let value = field.value
        switch amqp_field_value_kind_t(UInt32(field.kind)) {
        case AMQP_FIELD_KIND_BOOLEAN: return .boolean(value.boolean != 0)
        case AMQP_FIELD_KIND_I8: return .int8(value.i8)
        case AMQP_FIELD_KIND_U8: return .uint8(value.u8)
        case AMQP_FIELD_KIND_I16: return .int16(value.i16)
        case AMQP_FIELD_KIND_U16: return .uint16(value.u16)
        case AMQP_FIELD_KIND_I32: return .int32(value.i32)
        case AMQP_FIELD_KIND_U32: return .uint32(value.u32)
        case AMQP_FIELD_KIND_I64: return .int64(value.i64)
        case AMQP_FIELD_KIND_U64: return Int64(exactly: value.u64).map { .int64($0) } ?? .string(String(value.u64))
        case AMQP_FIELD_KIND_F32: return .float(value.f32)
        case AMQP_FIELD_KIND_F64: return .double(value.f64)
        case AMQP_FIELD_KIND_DECIMAL: return .decimal(scale: value.decimal.decimals, value: value.decimal.value)
        case AMQP_FIELD_KIND_BYTES: return .bytes(bytes(value.bytes))
        case AMQP_FIELD_KIND_ARRAY: return .array(array(value.array))
        case AMQP_FIELD_KIND_TIMESTAMP: return .timestamp(Date(timeIntervalSince1970: TimeInterval(value.u64)))
        case AMQP_FIELD_KIND_TABLE: return .table(table(value.table))
        case AMQP_FIELD_KIND_UTF8:
            let raw = bytes(value.bytes)
            return String(validating: raw, as: UTF8.self).map { .string($0) } ?? .bytes(raw)
        default: return .void
        }
    }

    static func properties(_ encoded: amqp_basic_properties_t) -> AMQPProperties {
        let flags = encoded._flags

        func text(_ flag: Int32, _ field: amqp_bytes_t) -> String? {
            flags & amqp_flags_t(flag) != 0 ? string(field) : nil
        }
        func has(_ flag: Int32) -> Bool {
            flags & amqp_flags_t(flag) != 0
        }

        return AMQPProperties(
            contentType: text(AMQP_BASIC_CONTENT_TYPE_FLAG, encoded.content_type),
            contentEncoding: text(AMQP_BASIC_CONTENT_ENCODING_FLAG, encoded.content_encoding),
            headers: has(AMQP_BASIC_HEADERS_FLAG) ? table(encoded.headers) : [:],
            persistent: has(AMQP_BASIC_DELIVERY_MODE_FLAG) && encoded.delivery_mode == 2,
            priority: has(AMQP_BASIC_PRIORITY_FLAG) ? encoded.priority : nil,
            correlationID: text(AMQP_BASIC_CORRELATION_ID_FLAG, encoded.correlation_id),
            replyTo: text(AMQP_BASIC_REPLY_TO_FLAG, encoded.reply_to),
            expiration: text(AMQP_BASIC_EXPIRATION_FLAG, encoded.expiration),
            messageID: text(AMQP_BASIC_MESSAGE_ID_FLAG, encoded.message_id),
            timestamp: has(AMQP_BASIC_TIMESTAMP_FLAG)
                ? Date(timeIntervalSince1970: TimeInterval(encoded.timestamp)) : nil,
            type: text(AMQP_BASIC_TYPE_FLAG, encoded.type),
            userID: text(AMQP_BASIC_USER_ID_FLAG, encoded.user_id),
            appID: text(AMQP_BASIC_APP_ID_FLAG, encoded.app_id)
        )
    }
}
