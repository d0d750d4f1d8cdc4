import Foundation
import MariaDB

/// The seed's cron job, one pass at a time: re-drives emails stuck in a non-final state and
/// erases secrets of emails sent longer ago than the retention.
///
/// Several sweepers may run at once. A named database lock, one per database (a server may
/// hold several Mailroom databases), lets one pass run at a time; the others skip theirs. Every
/// re-driven row's `updated_at` moves in the same transaction that picked it, so the next pass,
/// by any sweeper, leaves it alone until it has been stuck for the whole threshold again.
public struct Sweeper {
    /// How the sweeper judges rows.
    public struct Settings: Sendable {
        /// An email untouched this long in pending or ready is re-driven. Default 2m.
        public var stuckAfter: Duration
        /// A pending email whose reference waits for a provider request older than this (and
        /// that was not re-driven within it) is re-driven at once, so the engine asks again
        /// without waiting for `stuckAfter`: `MAILROOM_REQUEST_TIMEOUT`. Default nil (off).
        public var requestTimeout: Duration?
        /// A ready email that failed before waits in a delay queue for up to the longest retry
        /// delay; it counts as stuck only after that much more. Default 10m.
        public var retryGrace: Duration
        /// Secrets (access tokens, event payloads) of emails sent this long ago are erased. Default 7d.
        public var retention: Duration
        /// Rows handled per pass and kind. Default 500.
        public var batchSize: Int

        public init(
            stuckAfter: Duration = .seconds(120), requestTimeout: Duration? = nil, retryGrace: Duration = .seconds(600),
            retention: Duration = .seconds(7 * 86_400), batchSize: Int = 500
        ) {
            self.stuckAfter = stuckAfter
            self.requestTimeout = requestTimeout
            self.retryGrace = retryGrace
            self.retention = retention
            self.batchSize = batchSize
        }
    }

    /// What one pass did.
    public struct Report: Sendable, Equatable {
        /// Another sweeper held the lock: this pass did nothing.
        public var skipped = false
        public var engineJobs = 0
        public var sendJobs = 0
        public var erasedReferences = 0
    }

    public var settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    /// The lock's name: a digest of the database's name keeps it under MariaDB's 64 characters.
    static let lockName = "CONCAT('mailroom_sweeper:', MD5(DATABASE()))"

    /// Runs one pass; returns the jobs to publish and what was done.
    public func sweep(_ database: DatabaseConnection) throws -> (jobs: [OutboundMessage], report: Report) {
        let locked = try database.query("SELECT GET_LOCK(\(Self.lockName), 0) AS locked").first?.optionalInt("locked")
        guard locked == 1 else { return ([], Report(skipped: true)) }
        defer { _ = try? database.query("SELECT RELEASE_LOCK(\(Self.lockName)) AS released") }

        let references = try database.transaction {
            let ids = try stuckReferences(database)
            try touch(ids, column: "reference_id", status: "pending", database)
            return ids
        }
        let emails = try database.transaction {
            let ids = try stuckSendJobs(database)
            try touch(ids, column: "id", status: nil, database)
            return ids
        }

        var report = Report()
        report.engineJobs = references.count
        report.sendJobs = emails.count
        report.erasedReferences = try eraseSecrets(database)
        let jobs = references.map(OutboundMessage.engineJob) + emails.map(OutboundMessage.sendJob)
        return (jobs, report)
    }

    /// References with a pending email untouched for `stuckAfter`, or waiting for a provider
    /// request that timed out.
    private func stuckReferences(_ database: DatabaseConnection) throws -> [Int64] {
        let stuck = microseconds(settings.stuckAfter)
        let timeout = settings.requestTimeout.map(microseconds) ?? stuck
        return try database.query(
            """
            SELECT DISTINCT e.reference_id FROM email_info e
            WHERE e.status = 'pending'
              AND (e.updated_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND
                   OR (e.updated_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND
                       AND EXISTS (SELECT 1 FROM reference_wait w JOIN provider_request p
                                     ON p.provider = w.provider AND p.entity_key = w.entity_key
                                   WHERE w.reference_id = e.reference_id AND p.status = 'pending'
                                     AND p.requested_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND)))
            LIMIT ?
            """, [.int(stuck), .int(timeout), .int(timeout), .int(Int64(settings.batchSize))]
        ).map { try $0.int("reference_id") }
    }

    /// Emails ready but untouched (longer when a retry may be waiting in a delay queue), and
    /// emails whose sender's lease ran out.
    private func stuckSendJobs(_ database: DatabaseConnection) throws -> [Int64] {
        let stuck = microseconds(settings.stuckAfter)
        let retrying = stuck + microseconds(settings.retryGrace)
        return try database.query(
            """
            SELECT id FROM email_info
            WHERE (status = 'ready' AND attempts = 0 AND updated_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND)
               OR (status = 'ready' AND attempts > 0 AND updated_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND)
               OR (status = 'sending' AND lease_until < UTC_TIMESTAMP(6))
            LIMIT ?
            """, [.int(stuck), .int(retrying), .int(Int64(settings.batchSize))]
        ).map { try $0.int("id") }
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
    /// retention, and the access tokens of their users unless a user has a newer email that
    /// may still need it.
    ///
    /// Shortcoming: the secret columns are named here (`user_info.access_token`), not read
    /// from the catalogue; a template that stores another secret must be added here.
    private func eraseSecrets(_ database: DatabaseConnection) throws -> Int {
        let retention = microseconds(settings.retention)
        return try database.transaction {
            let ids = try database.query(
                """
                SELECT r.id FROM reference_info r
                WHERE r.payload IS NOT NULL AND r.created_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND
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
                UPDATE user_info u SET u.access_token = NULL
                WHERE u.access_token IS NOT NULL
                  AND u.user_id IN (SELECT e.user_id FROM email_info e WHERE e.reference_id IN (\(placeholders)))
                  AND NOT EXISTS (SELECT 1 FROM email_info n WHERE n.user_id = u.user_id
                                  AND (n.status NOT IN ('sent', 'failed')
                                       OR n.updated_at >= UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND))
                """, ids.map(DatabaseValue.int) + [.int(retention)])
            try database.execute(
                "UPDATE reference_info SET payload = NULL WHERE id IN (\(placeholders))", ids.map(DatabaseValue.int))
            return ids.count
        }
    }

    private func microseconds(_ duration: Duration) -> Int64 {
        Int64(duration.seconds * 1_000_000)
    }
}
