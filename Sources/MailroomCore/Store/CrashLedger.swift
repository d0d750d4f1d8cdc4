import MariaDB

/// Counts, per work queue and message, how often a message the broker handed back was taken
/// up without being finished: what kills its worker every time climbs, what was only returned
/// beside it is finished once and forgotten. Each change commits on its own, before the
/// handling it guards, so a crash cannot undo it.
public struct CrashLedger {
    let database: DatabaseConnection

    public init(database: DatabaseConnection) {
        self.database = database
    }

    /// One more unfinished take of this message; returns how many there have been.
    public func recordAttempt(queue: String, key: String) throws -> Int {
        try database.execute(
            """
            INSERT INTO crash_ledger (queue, message_key, attempts) VALUES (?, ?, 1)
            ON DUPLICATE KEY UPDATE attempts = attempts + 1
            """, [.string(queue), .string(key)])
        let rows = try database.query(
            "SELECT attempts FROM crash_ledger WHERE queue = ? AND message_key = ?", [.string(queue), .string(key)])
        return Int(try rows.first?.int("attempts") ?? 1)
    }

    /// The message was finished (handled, retried or parked): it is no suspect any more.
    public func forget(queue: String, key: String) throws {
        try database.execute(
            "DELETE FROM crash_ledger WHERE queue = ? AND message_key = ?", [.string(queue), .string(key)])
    }
}
