import Foundation
import MariaDB

/// The seed's cron job, one pass at a time: re-drives emails stuck in a non-final state,
/// erases secrets of emails sent longer ago than the retention. Several sweepers may run: a
/// named database lock lets only one pass run at a time, and every re-driven row's
/// `updated_at` moves, so it is not re-driven again before `stuckAfter` has passed once more.
public struct Sweeper {
    /// How the sweeper judges rows.
    public struct Settings: Sendable {
        /// An email untouched this long in pending or ready is re-driven. Default 2m.
        public var stuckAfter: Duration
        /// Secrets (access tokens, event payloads) of emails sent this long ago are erased. Default 7d.
        public var retention: Duration
        /// Rows handled per pass and kind. Default 500.
        public var batchSize: Int

        public init(stuckAfter: Duration = .seconds(120), retention: Duration = .seconds(7 * 86_400), batchSize: Int = 500) {
            self.stuckAfter = stuckAfter
            self.retention = retention
            self.batchSize = batchSize
        }
    }

    /// What one pass did.
    public struct Report: Sendable, Equatable {
        public var skipped = false
        public var engineJobs = 0
        public var sendJobs = 0
        public var erasedReferences = 0
    }

    public var settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    /// Runs one pass; returns the jobs to publish and what was done.
    public func sweep(_ database: DatabaseConnection) throws -> (jobs: [OutboundMessage], report: Report) {
        let locked = try database.query("SELECT GET_LOCK('mailroom_sweeper', 0) AS locked").first?.optionalInt("locked")
        guard locked == 1 else { return ([], Report(skipped: true)) }
        defer { _ = try? database.query("SELECT RELEASE_LOCK('mailroom_sweeper') AS released") }

        var report = Report()
        let stuck = Int64(settings.stuckAfter.seconds * 1_000_000)
        let limit = Int64(settings.batchSize)

        let references = try database.transaction {
            let ids = try database.query(
                """
                SELECT DISTINCT reference_id FROM email_info
                WHERE status = 'pending' AND updated_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND LIMIT ?
                """, [.int(stuck), .int(limit)]
            ).map { try $0.int("reference_id") }
            try touch(ids, column: "reference_id", status: "pending", database)
            return ids
        }
        let emails = try database.transaction {
            let ids = try database.query(
                """
                SELECT id FROM email_info
                WHERE (status = 'ready' AND updated_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND)
                   OR (status = 'sending' AND lease_until < UTC_TIMESTAMP(6))
                LIMIT ?
                """, [.int(stuck), .int(limit)]
            ).map { try $0.int("id") }
            try touch(ids, column: "id", status: nil, database)
            return ids
        }
        report.engineJobs = references.count
        report.sendJobs = emails.count
        report.erasedReferences = try eraseSecrets(database)

        let jobs = references.map(OutboundMessage.engineJob) + emails.map(OutboundMessage.sendJob)
        return (jobs, report)
    }

    private func touch(_ ids: [Int64], column: String, status: String?, _ database: DatabaseConnection) throws {
        guard !ids.isEmpty else { return }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let condition = status.map { " AND status = '\($0)'" } ?? ""
        try database.execute(
            "UPDATE email_info SET updated_at = UTC_TIMESTAMP(6) WHERE \(column) IN (\(placeholders))\(condition)",
            ids.map(DatabaseValue.int))
    }

    /// Clears the event payload of references whose emails are all final and older than the
    /// retention, and the access tokens of their users.
    private func eraseSecrets(_ database: DatabaseConnection) throws -> Int {
        let retention = Int64(settings.retention.seconds * 1_000_000)
        return try database.transaction {
            let ids = try database.query(
                """
                SELECT r.id FROM reference_info r
                WHERE r.payload IS NOT NULL AND r.updated_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND
                  AND NOT EXISTS (SELECT 1 FROM email_info e WHERE e.reference_id = r.id
                                  AND (e.status NOT IN ('sent', 'failed')
                                       OR e.updated_at >= UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND))
                LIMIT ?
                """, [.int(retention), .int(retention), .int(Int64(settings.batchSize))]
            ).map { try $0.int("id") }
            guard !ids.isEmpty else { return 0 }

            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            try database.execute(
                """
                UPDATE user_info SET access_token = NULL WHERE user_id IN
                    (SELECT user_id FROM email_info WHERE reference_id IN (\(placeholders)))
                """, ids.map(DatabaseValue.int))
            try database.execute(
                "UPDATE reference_info SET payload = NULL WHERE id IN (\(placeholders))", ids.map(DatabaseValue.int))
            return ids.count
        }
    }
}
