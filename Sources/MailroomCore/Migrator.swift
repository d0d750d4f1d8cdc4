import Foundation
import MariaDB

/// Applies the numbered SQL files of `Migrations/` in order, each once, recording them in
/// `schema_migrations`. Several processes may run it at once: a named lock serialises them.
public struct Migrator {
    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The versions applied by this call, in order.
    @discardableResult
    public func migrate(_ database: DatabaseConnection) throws -> [String] {
        let files = try migrationFiles()
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version VARCHAR(191) NOT NULL PRIMARY KEY,
                applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
            """)
        let locked = try database.query("SELECT GET_LOCK('mailroom_migrate', 60) AS locked").first?.optionalInt(
            "locked")
        guard locked == 1 else { throw MigrationError(file: directory, problem: "another migration holds the lock") }
        defer { _ = try? database.query("SELECT RELEASE_LOCK('mailroom_migrate') AS released") }

        let applied = Set(try database.query("SELECT version FROM schema_migrations").map { try $0.string("version") })
        var done: [String] = []
        for file in files where !applied.contains(file) {
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(file)"),
                let sql = String(data: data, encoding: .utf8)
            else { throw MigrationError(file: file, problem: "unreadable") }
            do {
                try database.executeScript(sql)
            } catch {
                throw MigrationError(file: file, problem: "\(error)")
            }
            try database.execute("INSERT INTO schema_migrations (version) VALUES (?)", [.string(file)])
            done.append(file)
        }
        return done
    }

    private func migrationFiles() throws -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw MigrationError(file: directory, problem: "missing or unreadable")
        }
        return entries.filter { $0.hasSuffix(".sql") }.sorted()
    }
}

/// A migration that could not be applied; names the file.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var problem: String

    public var description: String { "migration \(file): \(problem)" }
}
