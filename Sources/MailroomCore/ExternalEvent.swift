import Foundation

/// An event from another service, as ingest reads it: the event name, its id (for dropping
/// duplicates), the correlation id of a reply, and the JSON object of its data. A CloudEvents
/// 1.0 structured body (`specversion`, `type`, `id`, `data`) is unwrapped to the same shape.
public struct ExternalEvent: Sendable {
    public var name: String
    public var id: String
    public var correlationID: String?
    public var data: JSONObject

    /// Parses a delivered message; every problem is a permanent failure with a reason code.
    public init(_ message: InboundMessage, maximumBodySize: Int = 1 << 20) throws(MailroomFailure) {
        guard message.body.count <= maximumBodySize else {
            throw .permanent("body_too_large", "the body has \(message.body.count) bytes, over \(maximumBodySize)")
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(message.body)) else {
            throw .permanent("invalid_json", "the body is not valid JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw .permanent("invalid_json", "the body is JSON but not an object")
        }

        if object["specversion"] != nil {
            guard let type = object["type"] as? String, let id = object["id"] as? String, !id.isEmpty else {
                throw .permanent("invalid_cloudevent", "a CloudEvent needs string fields type and id")
            }
            guard let data = object["data"] as? [String: Any] else {
                throw .permanent("invalid_cloudevent", "a CloudEvent's data must be a JSON object")
            }
            name = type
            self.id = id
            self.data = JSONObject(data)
        } else {
            guard let id = message.messageID, !id.isEmpty else {
                throw .permanent("missing_message_id", "the message has no message_id property to identify the event")
            }
            name = message.routingKey
            self.id = id
            self.data = JSONObject(object)
        }
        correlationID = message.correlationID
    }
}

/// A decoded JSON object with typed, failure-classifying accessors.
public struct JSONObject: @unchecked Sendable {
    // @unchecked: holds only what JSONSerialization produces (immutable Foundation values),
    // never mutated after init.
    public let values: [String: Any]

    public init(_ values: [String: Any]) {
        self.values = values
    }

    /// A required, non-empty string field.
    public func string(_ field: String) throws(MailroomFailure) -> String {
        guard let raw = values[field] else { throw .permanent("missing_field", "the field '\(field)' is missing") }
        guard let text = raw as? String, !text.isEmpty else {
            throw .permanent("wrong_type", "the field '\(field)' must be a non-empty string")
        }
        return text
    }

    /// A string, or a number written as text; nil when absent or null.
    public func optionalScalar(_ field: String) throws(MailroomFailure) -> String? {
        switch values[field] {
        case nil, is NSNull: return nil
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        default: throw .permanent("wrong_type", "the field '\(field)' must be a string or a number")
        }
    }

    /// A required string or number, as text; absent, null or an empty string is missing.
    public func scalar(_ field: String) throws(MailroomFailure) -> String {
        guard let text = try optionalScalar(field), !text.isEmpty else {
            throw .permanent("missing_field", "the field '\(field)' is missing or empty")
        }
        return text
    }

    /// One string or a non-empty list of strings (a template's recipients).
    public func stringList(_ field: String) throws(MailroomFailure) -> [String] {
        switch values[field] {
        case nil: throw .permanent("missing_field", "the field '\(field)' is missing")
        case let text as String where !text.isEmpty: return [text]
        case let list as [Any]:
            let strings = list.compactMap { $0 as? String }.filter { !$0.isEmpty }
            guard strings.count == list.count, !strings.isEmpty else {
                throw .permanent("wrong_type", "the field '\(field)' must list non-empty strings")
            }
            return strings
        default: throw .permanent("wrong_type", "the field '\(field)' must be a string or a list of strings")
        }
    }

    /// The object as JSON text, for storing. Keys are not sorted: sorting goes through a
    /// locale-aware comparison that cost ingest about a tenth of its CPU (Deploy/bench), and
    /// nothing reads the stored text but a JSON parser.
    public func serialized() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: values)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
