import Foundation
import MariaDB
import Templates

/// The life of one reference as the database remembers it, in order: the event that created
/// it, the email rows, the requests to providers for its keys and their answers, what it still
/// waits for, and each email's outcome. Never the event's data, cached values or addresses.
///
/// A provider request row is per key, not per reference, and keeps only its latest attempt:
/// a request made for an earlier reference shows with that earlier time, and `attempts` says
/// how many requests were made for the key in all.
struct ReferenceTrace: Encodable {
    struct Step: Encodable {
        var time: Date
        /// event_received, email_written, request_sent, answer_received, waiting, email_sent,
        /// email_failed, or email_<status> for an email not final yet.
        var step: String
        var details: [String: String]
    }

    var referenceID: Int64
    var template: String
    var eventID: String
    var steps: [Step]

    /// Every reference whose id or event id is `identifier`, oldest first.
    static func load(_ identifier: String, database: DatabaseConnection, catalogue: Catalogue?) throws
        -> [ReferenceTrace]
    {
        let id = Int64(identifier) ?? 0
        let references = try database.query(
            """
            SELECT id, template, event_id, correlation_id, payload, created_at FROM reference_info
            WHERE id = ? OR event_id = ? ORDER BY id
            """, [.int(id), .string(identifier)])
        return try references.map { try load($0, database: database, catalogue: catalogue) }
    }

    private static func load(_ reference: DatabaseRow, database: DatabaseConnection, catalogue: Catalogue?) throws
        -> ReferenceTrace
    {
        let id = try reference.int("id")
        let template = try reference.string("template")
        var trace = ReferenceTrace(
            referenceID: id, template: template, eventID: try reference.string("event_id"), steps: [])
        trace.add(
            try reference.date("created_at"), "event_received",
            [
                "reference_id": String(id), "template": template, "event_id": trace.eventID,
                "correlation_id": try reference.optionalString("correlation_id"),
            ])

        let emails = try database.query(
            """
            SELECT id, user_id, status, attempts, error_kind, last_error, sent_at, message_id, created_at, updated_at
            FROM email_info WHERE reference_id = ? ORDER BY id
            """, [.int(id)])
        for email in emails {
            trace.add(
                try email.date("created_at"), "email_written",
                ["email_id": String(try email.int("id")), "user_id": try email.string("user_id")])
        }

        let keys = try providerKeys(
            reference, template: catalogue?.templates[template], recipients: emails.map { try $0.string("user_id") })
        try trace.addRequests(for: keys, database: database, providers: catalogue?.providers ?? [:])
        for wait in try database.query(
            "SELECT provider, entity_key, created_at FROM reference_wait WHERE reference_id = ?", [.int(id)])
        {
            trace.add(
                try wait.date("created_at"), "waiting",
                ["provider": try wait.string("provider"), "key": try wait.string("entity_key")])
        }

        for email in emails { try trace.addOutcome(of: email) }
        // By time; steps of the same microsecond keep the order they were added in.
        trace.steps = trace.steps.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .map(\.element)
        return trace
    }

    /// Provider → keys this reference needs: its recipients from their provider, the others
    /// from the event field each lookup names (gone once the sweeper erased the event data).
    /// Without the catalogue, the recipients under any provider.
    private static func providerKeys(_ reference: DatabaseRow, template: TemplateDefinition?, recipients: [String])
        throws -> [String?: [String]]
    {
        guard let template else { return [nil: recipients] }
        var keys: [String?: [String]] = [template.recipientProvider: recipients]
        let payload = try reference.optionalString("payload").flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        for (provider, field) in template.lookups {
            if let value = payload?[field] { keys[provider] = ["\(value)"] }
        }
        return keys
    }

    private mutating func addRequests(
        for keys: [String?: [String]], database: DatabaseConnection, providers: [String: ProviderDefinition]
    ) throws {
        for (provider, entityKeys) in keys where !entityKeys.isEmpty {
            let placeholders = Array(repeating: "?", count: entityKeys.count).joined(separator: ", ")
            let providerCondition = provider == nil ? "" : " AND provider = ?"
            let rows = try database.query(
                """
                SELECT provider, entity_key, correlation_id, status, attempts, requested_at, answered_at
                FROM provider_request WHERE entity_key IN (\(placeholders))\(providerCondition)
                """,
                entityKeys.map(DatabaseValue.string) + (provider.map { [.string($0)] } ?? []))

            for row in rows {
                let name = try row.string("provider")
                let key = try row.string("entity_key")
                add(
                    try row.date("requested_at"), "request_sent",
                    [
                        "provider": name, "key": key, "attempts": String(try row.int("attempts")),
                        "correlation_id": try row.string("correlation_id"), "status": try row.string("status"),
                    ])
                guard let answered = try row.optionalDate("answered_at") else { continue }
                let error = try providers[name].flatMap { try fetchError(of: $0, key: key, database: database) }
                add(answered, "answer_received", ["provider": name, "key": key, "error": error])
            }
        }
    }

    /// What the provider said when it could not answer (`not_found`), from its cache table.
    private func fetchError(of provider: ProviderDefinition, key: String, database: DatabaseConnection) throws
        -> String?
    {
        try database.query(
            "SELECT fetch_error FROM \(provider.table) WHERE \(provider.keyColumn) = ?", [.string(key)]
        ).first?.optionalString("fetch_error")
    }

    private mutating func addOutcome(of email: DatabaseRow) throws {
        let status = try email.string("status")
        var details = [
            "email_id": String(try email.int("id")), "status": status, "attempts": String(try email.int("attempts")),
            "reason": try email.optionalString("error_kind"), "last_error": try email.optionalString("last_error"),
        ]
        if let sentAt = try email.optionalDate("sent_at") {
            details["message_id"] = try email.optionalString("message_id")
            add(sentAt, "email_sent", details)
        } else {
            add(try email.date("updated_at"), status == "failed" ? "email_failed" : "email_\(status)", details)
        }
    }

    private mutating func add(_ time: Date, _ step: String, _ details: [String: String?]) {
        steps.append(Step(time: time, step: step, details: details.compactMapValues { $0 }))
    }
}
