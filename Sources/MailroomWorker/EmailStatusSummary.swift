import Foundation
import MariaDB

/// How many emails are in each status and which one has been there longest: what
/// `mailroomctl status` prints and what the looping sweeper exports as gauges.
public struct EmailStatusSummary: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var status: String
        public var count: Int
        /// The oldest email in this status, by creation.
        public var oldestID: Int64
        public var oldestCreatedAt: Date
        /// The longest an email in this status has gone untouched (now − its `updated_at`).
        public var longestUntouched: TimeInterval
        /// The age of the oldest email in this status (now − its `created_at`), on the
        /// database's clock like `longestUntouched`.
        public var oldestAge: TimeInterval
    }

    /// One row per status present, in the order of the life of an email.
    public var rows: [Row]

    /// The statuses an email goes through, in order.
    public static let statuses = ["pending", "ready", "sending", "sent", "failed"]

    /// Reads the summary: one grouped query, then one indexed look-up per status.
    public static func load(_ database: DatabaseConnection) throws -> EmailStatusSummary {
        let groups = try database.query(
            """
            SELECT status, COUNT(*) AS emails, MIN(created_at) AS oldest_created,
                   TIMESTAMPDIFF(MICROSECOND, MIN(updated_at), UTC_TIMESTAMP(6)) AS untouched_us,
                   TIMESTAMPDIFF(MICROSECOND, MIN(created_at), UTC_TIMESTAMP(6)) AS age_us
            FROM email_info GROUP BY status
            """)

        var rows: [Row] = []
        for group in groups {
            let status = try group.string("status")
            let oldest = try database.query(
                "SELECT id FROM email_info WHERE status = ? ORDER BY created_at, id LIMIT 1", [.string(status)])
            rows.append(
                Row(
                    status: status, count: Int(try group.int("emails")), oldestID: try oldest.first?.int("id") ?? 0,
                    oldestCreatedAt: try group.date("oldest_created"),
                    longestUntouched: Double(try group.optionalInt("untouched_us") ?? 0) / 1_000_000,
                    oldestAge: Double(try group.optionalInt("age_us") ?? 0) / 1_000_000))
        }
        let order = { (status: String) in statuses.firstIndex(of: status) ?? statuses.count }
        return EmailStatusSummary(rows: rows.sorted { (order($0.status), $0.status) < (order($1.status), $1.status) })
    }
}
