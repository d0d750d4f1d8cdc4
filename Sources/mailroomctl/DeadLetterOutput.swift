import AMQP
import Foundation
import MailroomWorker

/// How `mailroomctl dead` prints parked messages: a table or JSON for `list` (never a body), the
/// headers and body for `show` (an operator's command; bodies are the events themselves and are
/// printed only there, never logged).
enum DeadLetterOutput {
    /// One line per message, columns aligned, and a count.
    static func table(_ messages: [ParkedMessage]) -> String {
        let header = ["QUEUE", "MESSAGE ID", "ROUTING KEY", "REASON", "ATTEMPTS", "LAST FAILURE"]
        let rows = messages.map { message in
            [
                message.parkingQueue, message.id, message.routingKey, message.reason, String(message.attempts),
                message.lastFailure.map(timestamp) ?? "-",
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        let lines = ([header] + rows).map { row in
            row.enumerated().map { column, text in
                column == row.count - 1 ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        let count = "\(messages.count) parked message\(messages.count == 1 ? "" : "s")"
        return (lines + [count]).joined(separator: "\n")
    }

    /// What `list --json` prints for each message.
    struct Listed: Encodable {
        var queue: String
        var messageId: String
        var hasMessageId: Bool
        var parkedBy: ParkedMessage.ParkedBy
        var originalQueue: String
        var routingKey: String
        var reason: String
        var errorKind: String
        var detail: String?
        var attempts: Int
        var firstFailure: Date?
        var lastFailure: Date?
        var replayedAt: Date?
        var bodyBytes: Int
        var deaths: [DeathRecord]
    }

    static func json(_ messages: [ParkedMessage]) throws -> String {
        let listed = messages.map { message in
            Listed(
                queue: message.parkingQueue, messageId: message.id, hasMessageId: message.hasMessageID,
                parkedBy: message.parkedBy, originalQueue: message.originalQueue, routingKey: message.routingKey,
                reason: message.reason, errorKind: message.errorKind, detail: message.detail,
                attempts: message.attempts, firstFailure: message.firstFailure, lastFailure: message.lastFailure,
                replayedAt: message.replayedAt, bodyBytes: message.delivery.body.count, deaths: message.deaths)
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(listed), as: UTF8.self)
    }

    /// Everything about one message: the summary, the properties, every header, and the body.
    static func details(_ message: ParkedMessage, fullBody: Bool) -> String {
        let properties = message.delivery.properties
        var lines = [
            "queue:          \(message.parkingQueue)",
            "message id:     \(message.hasMessageID ? message.id : "(none; \(message.id) names it here)")",
            "parked by:      \(message.parkedBy.rawValue)",
            "original queue: \(message.originalQueue)",
            "routing key:    \(message.routingKey)",
            "reason:         \(message.reason) (\(message.errorKind))",
            "detail:         \(message.detail ?? "-")",
            "attempts:       \(message.attempts)",
            "first failure:  \(message.firstFailure.map(timestamp) ?? "-")",
            "last failure:   \(message.lastFailure.map(timestamp) ?? "-")",
        ]
        let named: [(String, String?)] = [
            ("content_type", properties.contentType), ("correlation_id", properties.correlationID),
            ("timestamp", properties.timestamp.map(timestamp)), ("app_id", properties.appID),
            ("type", properties.type),
        ]
        let present = named.compactMap { name, value in value.map { "  \(name): \($0)" } }
        lines.append(present.isEmpty ? "properties:     -" : "properties:")
        lines += present
        lines.append("headers:")
        lines += properties.headers.sorted { $0.key < $1.key }.map { "  \($0.key): \(text($0.value))" }
        lines.append(body(message.delivery.body, full: fullBody))
        return lines.joined(separator: "\n")
    }

    private static func body(_ bytes: [UInt8], full: Bool) -> String {
        let limit = 64 * 1024
        guard String(validating: bytes, as: UTF8.self) != nil else {
            let hex = bytes.prefix(64).map { String(format: "%02x", $0) }.joined()
            return "body (\(bytes.count) bytes, not UTF-8; the first 64 in hex):\n\(hex)"
        }
        let shown = full ? bytes[...] : bytes.prefix(limit)
        let rest = bytes.count - shown.count
        let more = rest > 0 ? "\n… \(rest) more bytes (--full prints them)" : ""
        // A cut may split a character; decoding repairs that one.
        return "body (\(bytes.count) bytes):\n\(String(decoding: shown, as: UTF8.self))\(more)"
    }

    /// A header value as text: tables and arrays spelled out, times in ISO 8601.
    static func text(_ value: AMQPFieldValue) -> String {
        switch value {
        case .string(let string): string
        case .bytes(let bytes): String(validating: bytes, as: UTF8.self) ?? "<\(bytes.count) bytes>"
        case .timestamp(let date): timestamp(date)
        case .array(let items): "[" + items.map(text).joined(separator: ", ") + "]"
        case .table(let table):
            "{" + table.sorted { $0.key < $1.key }.map { "\($0.key): \(text($0.value))" }.joined(separator: ", ") + "}"
        case .boolean(let flag): String(flag)
        case .float(let number): String(number)
        case .double(let number): String(number)
        case .decimal(let scale, let number): "\(number)e-\(scale)"
        case .void: "(void)"
        default: value.integerValue.map(String.init) ?? "?"
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
