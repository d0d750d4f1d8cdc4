import Foundation
import MariaDB
import Testing

/// Case C-D2, second form: the server restarts in the middle of a transaction. Stops and
/// starts the shared MariaDB, so it runs alone, serialized, and always restarts the server.
///
/// MAILROOM_TEST_DATABASE_STOP and MAILROOM_TEST_DATABASE_START (shell commands) replace
/// `mariadb-admin shutdown` and Deploy/dev/start-services.sh, e.g. for a private server.
@Suite(.serialized) struct ServerRestartDisruptionTests {
    static let environment = ProcessInfo.processInfo.environment
    static let stopCommand = environment["MAILROOM_TEST_DATABASE_STOP"] ?? "mariadb-admin --protocol=socket shutdown"
    static let startCommand =
        environment["MAILROOM_TEST_DATABASE_START"] ?? "bash /work/main/Deploy/dev/start-services.sh >/dev/null"

    @Test func aRestartMidTransactionLeavesNothingHalfWrittenAndReconnectWorks() throws {
        let scratch = try ScratchDatabase("restart")
        defer { scratch.drop() }
        defer { Self.shell(Self.startCommand) }
        let worker = try scratch.connect()
        let idle = try scratch.connect { $0.revalidateAfterIdle = .milliseconds(200) }
        try worker.execute("CREATE TABLE steps (id INT PRIMARY KEY) ENGINE=InnoDB")

        let error = databaseError {
            try worker.transaction {
                try worker.execute("INSERT INTO steps VALUES (1)")
                Self.shell(Self.stopCommand)
                try worker.execute("INSERT INTO steps VALUES (2)")
            }
        }
        #expect(error?.requiresReconnect == true, "\(String(describing: error))")
        #expect(!worker.isInTransaction)

        Self.shell(Self.startCommand)
        try reconnectWithBackoff(worker)
        #expect(try worker.query("SELECT id FROM steps").isEmpty)

        // An idle connection notices the restart before sending anything and carries on.
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try idle.query("SELECT COUNT(*) AS n FROM steps").first?.int("n") == 0)
    }

    private func reconnectWithBackoff(_ connection: DatabaseConnection) throws {
        var delay = 0.1
        for _ in 0..<20 {
            do {
                return try connection.reconnect()
            } catch let error as DatabaseError where error.requiresReconnect {
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 2)
            }
        }
        try connection.reconnect()
    }

    /// Runs a shell command and waits for it. (Foundation's Process waits until every heir
    /// of its descriptors is gone, which never happens when the command starts a daemon.)
    private static func shell(_ command: String) {
        var pid: pid_t = 0
        let arguments = ["/bin/bash", "-c", command + " </dev/null"]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }

        guard posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ) == 0 else {
            Issue.record("could not run \(command)")
            return
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
