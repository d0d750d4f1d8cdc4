import Foundation
import MariaDB
import Templates

/// The providers' cache tables and the cycle guard (`provider_request`, `reference_wait`).
struct ProviderStore {
    let database: DatabaseConnection

    /// Cached records for these keys of one provider.
    func records(of provider: ProviderDefinition, keys: [String]) throws -> [ProviderKey: CachedRecord] {
        guard !keys.isEmpty else { return [:] }
        let columns = provider.columns.joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        let rows = try database.query(
            """
            SELECT \(provider.keyColumn) AS entity_key, \(columns), fetched_at, fetch_error
            FROM \(provider.table) WHERE \(provider.keyColumn) IN (\(placeholders))
            """,
            keys.map(DatabaseValue.string))

        var result: [ProviderKey: CachedRecord] = [:]
        for row in rows {
            var values: [String: String] = [:]
            for column in provider.columns {
                if let value = try row.optionalString(column), !value.isEmpty { values[column] = value }
            }
            let key = ProviderKey(provider: provider.name, key: try row.string("entity_key"))
            result[key] = CachedRecord(
                values: values, fetchedAt: try row.optionalDate("fetched_at"),
                fetchError: try row.optionalString("fetch_error"))
        }
        return result
    }

    func requests(of provider: String, keys: [String]) throws -> [ProviderKey: ProviderRequestState] {
        guard !keys.isEmpty else { return [:] }
        let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        let rows = try database.query(
            """
            SELECT entity_key, status, attempts, requested_at, correlation_id FROM provider_request
            WHERE provider = ? AND entity_key IN (\(placeholders))
            """,
            [.string(provider)] + keys.map(DatabaseValue.string))

        var result: [ProviderKey: ProviderRequestState] = [:]
        for row in rows {
            let status = ProviderRequestState.Status(rawValue: try row.string("status")) ?? .pending
            result[ProviderKey(provider: provider, key: try row.string("entity_key"))] = ProviderRequestState(
                status: status, attempts: Int(try row.int("attempts")), requestedAt: try row.date("requested_at"),
                correlationID: try row.string("correlation_id"))
        }
        return result
    }

    /// Records a request unless another engine recorded one first; true when this one won.
    func claimRequest(_ plan: PlannedRequest, correlationID: String) throws -> Bool {
        guard let previous = plan.previous else {
            do {
                try database.execute(
                    """
                    INSERT INTO provider_request (provider, entity_key, correlation_id, status, attempts, requested_at)
                    VALUES (?, ?, ?, 'pending', ?, UTC_TIMESTAMP(6))
                    """,
                    [
                        .string(plan.key.provider), .string(plan.key.key), .string(correlationID),
                        .int(Int64(plan.attempt)),
                    ])
                return true
            } catch let error as DatabaseError where error.kind == .duplicateKey {
                return false
            }
        }
        let result = try database.execute(
            """
            UPDATE provider_request
            SET status = 'pending', attempts = ?, correlation_id = ?, requested_at = UTC_TIMESTAMP(6),
                answered_at = NULL
            WHERE provider = ? AND entity_key = ? AND correlation_id = ?
            """,
            [
                .int(Int64(plan.attempt)), .string(correlationID), .string(plan.key.provider), .string(plan.key.key),
                .string(previous.correlationID),
            ])
        return result.affectedRows == 1
    }

    func markExhausted(_ key: ProviderKey) throws {
        try database.execute(
            """
            UPDATE provider_request SET status = 'exhausted'
            WHERE provider = ? AND entity_key = ? AND status = 'pending'
            """,
            [.string(key.provider), .string(key.key)])
    }

    func wait(referenceID: Int64, for key: ProviderKey) throws {
        try database.execute(
            "INSERT IGNORE INTO reference_wait (provider, entity_key, reference_id) VALUES (?, ?, ?)",
            [.string(key.provider), .string(key.key), .int(referenceID)])
    }

    func stopWaiting(referenceID: Int64) throws {
        try database.execute("DELETE FROM reference_wait WHERE reference_id = ?", [.int(referenceID)])
    }

    /// Whether the latest request for this key carries this correlation id (answered or not).
    func hasRequest(provider: String, key: String, correlationID: String) throws -> Bool {
        try !database.query(
            "SELECT 1 AS found FROM provider_request WHERE provider = ? AND entity_key = ? AND correlation_id = ?",
            [.string(provider), .string(key), .string(correlationID)]
        ).isEmpty
    }

    /// Stores a provider's answer and closes its request; returns the references waiting for it.
    func storeAnswer(
        _ values: [String: String?], error: String?, key: String, provider: ProviderDefinition
    ) throws -> [Int64] {
        let names = error == nil ? provider.answeredColumns.sorted() : []
        let columnList = ([provider.keyColumn] + names + ["fetched_at", "fetch_error"]).joined(separator: ", ")
        let placeholders = (Array(repeating: "?", count: names.count + 1) + ["UTC_TIMESTAMP(6)", "?"])
            .joined(separator: ", ")
        let updates = (names + ["fetched_at", "fetch_error"]).map { "\($0) = VALUES(\($0))" }.joined(separator: ", ")
        var parameters: [DatabaseValue] = [.string(key)]
        parameters += names.map { name in values[name].flatMap { $0 }.map(DatabaseValue.string) ?? .null }
        parameters.append(error.map(DatabaseValue.string) ?? .null)
        try database.execute(
            "INSERT INTO \(provider.table) (\(columnList)) VALUES (\(placeholders)) ON DUPLICATE KEY UPDATE \(updates)",
            parameters)

        try database.execute(
            """
            UPDATE provider_request SET status = 'answered', answered_at = UTC_TIMESTAMP(6)
            WHERE provider = ? AND entity_key = ?
            """,
            [.string(provider.name), .string(key)])

        return try database.query(
            "SELECT reference_id FROM reference_wait WHERE provider = ? AND entity_key = ?",
            [.string(provider.name), .string(key)]
        ).map { try $0.int("reference_id") }
    }
}
