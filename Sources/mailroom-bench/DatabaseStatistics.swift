import Foundation
import MariaDB

/// Statements the workers sent, from MariaDB's per-user statistics (`userstat`, which run.sh
/// turns on for the run): the workers connect as their own user, so other clients of the
/// shared server do not count. Without userstat it falls back to the server-wide counters,
/// which do include every other client.
struct DatabaseStatistics {
    struct Counts {
        var selects: Int64 = 0
        var updates: Int64 = 0
        var others: Int64 = 0
        var commits: Int64 = 0
        var rollbacks: Int64 = 0
        /// Seconds MariaDB spent on the user's statements (BUSY_TIME) and of those on a CPU (CPU_TIME).
        var busySeconds: Double = 0
        var cpuSeconds: Double = 0
        /// False when the counts are server-wide (userstat off).
        var perUser = true

        var statements: Int64 { selects + updates + others }

        static func - (after: Counts, before: Counts) -> Counts {
            Counts(
                selects: after.selects - before.selects, updates: after.updates - before.updates,
                others: after.others - before.others, commits: after.commits - before.commits,
                rollbacks: after.rollbacks - before.rollbacks, busySeconds: after.busySeconds - before.busySeconds,
                cpuSeconds: after.cpuSeconds - before.cpuSeconds, perUser: after.perUser && before.perUser)
        }
    }

    var database: DatabaseConnection
    var user: String

    func snapshot() throws -> Counts {
        let enabled = try database.query("SELECT @@userstat AS on_").first?.int("on_") == 1
        if enabled {
            let rows = try database.query(
                """
                SELECT SELECT_COMMANDS, UPDATE_COMMANDS, OTHER_COMMANDS, COMMIT_TRANSACTIONS, ROLLBACK_TRANSACTIONS,
                       BUSY_TIME, CPU_TIME
                FROM information_schema.USER_STATISTICS WHERE USER = ?
                """, [.string(user)])
            guard let row = rows.first else { return Counts() }
            return Counts(
                selects: try row.int("SELECT_COMMANDS"), updates: try row.int("UPDATE_COMMANDS"),
                others: try row.int("OTHER_COMMANDS"), commits: try row.int("COMMIT_TRANSACTIONS"),
                rollbacks: try row.int("ROLLBACK_TRANSACTIONS"), busySeconds: try row.double("BUSY_TIME"),
                cpuSeconds: try row.double("CPU_TIME"))
        }

        var status: [String: Int64] = [:]
        for row in try database.query(
            "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_commit', 'Com_select')")
        {
            status[try row.string("Variable_name")] = Int64(try row.string("Value"))
        }
        let questions = status["Questions"] ?? 0
        let selects = status["Com_select"] ?? 0
        return Counts(selects: selects, others: questions - selects, commits: status["Com_commit"] ?? 0, perUser: false)
    }
}
