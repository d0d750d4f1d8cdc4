import Foundation
import MariaDB
import Templates

/// Writes what a trigger event brings: the reference, one email per recipient, and the data
/// the template stores in providers' tables. All in the caller's transaction.
struct ReferenceStore {
    let database: DatabaseConnection

    /// The new reference's id, or nil when this event already made a reference for this
    /// template (a duplicate) — then `existingReference` finds it.
    func insertReference(
        template: TemplateDefinition, event: ExternalEvent, columns: [String: String?]
    ) throws -> Int64? {
        let names = ["template", "event_id", "correlation_id", "payload"] + columns.keys.sorted()
        var values: [DatabaseValue] = [
            .string(template.name), .string(event.id), event.correlationID.map { .string($0) } ?? .null,
            .string(event.data.serialized()),
        ]
        values += columns.keys.sorted().map { name in columns[name].flatMap { $0 }.map { .string($0) } ?? .null }

        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
        let sql = "INSERT INTO reference_info (\(names.joined(separator: ", "))) VALUES (\(placeholders))"
        do {
            return try database.execute(sql, values).lastInsertID
        } catch let error as DatabaseError where error.kind == .duplicateKey {
            return nil
        }
    }

    func existingReference(eventID: String, template: String) throws -> Int64? {
        let rows = try database.query(
            "SELECT id FROM reference_info WHERE event_id = ? AND template = ?", [.string(eventID), .string(template)])
        return try rows.first?.int("id")
    }

    func insertEmails(referenceID: Int64, recipients: [String]) throws {
        for recipient in Set(recipients).sorted() {
            try database.execute(
                "INSERT INTO email_info (reference_id, user_id, status) VALUES (?, ?, 'pending')",
                [.int(referenceID), .string(recipient)])
        }
    }

    /// Upserts the columns a trigger carries into a provider's table, leaving the others as
    /// they are (and `fetched_at` untouched: this is not an answer from the provider).
    func store(_ columns: [String: String], key: String, in provider: ProviderDefinition) throws {
        guard !columns.isEmpty else { return }
        let names = columns.keys.sorted()
        let placeholders = Array(repeating: "?", count: names.count + 1).joined(separator: ", ")
        let updates = names.map { "\($0) = VALUES(\($0))" }.joined(separator: ", ")
        let sql = """
            INSERT INTO \(provider.table) (\(provider.keyColumn), \(names.joined(separator: ", ")))
            VALUES (\(placeholders)) ON DUPLICATE KEY UPDATE \(updates)
            """
        try database.execute(sql, [.string(key)] + names.map { columns[$0].map(DatabaseValue.string) ?? .null })
    }
}
