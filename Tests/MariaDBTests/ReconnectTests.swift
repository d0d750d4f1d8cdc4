import Foundation
import MariaDB
import Testing

/// Case C-D2: the connection goes away (KILL, wait_timeout); reconnect, re-prepare, and
/// leave no half-written state.
@Suite struct ReconnectTests {
    @Test func afterAKillTheNextStatementAsksForReconnectAndThenSucceeds() throws {
        let scratch = try ScratchDatabase("kill")
        defer { scratch.drop() }
        let victim = try scratch.connect()
        let killer = try scratch.connect()
        try victim.execute("CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)")
        try victim.execute("INSERT INTO notes VALUES (?, ?)", [1, "before"])
        let oldID = victim.connectionID

        try killer.execute("KILL CONNECTION \(oldID)")
        let error = databaseError { _ = try victim.query("SELECT body FROM notes WHERE id = ?", [1]) }

        #expect(error?.requiresReconnect == true, "\(String(describing: error))")
        #expect(error?.kind == .connectionLost)
        try victim.reconnect()
        #expect(victim.connectionID != oldID)
        #expect(try victim.query("SELECT body FROM notes WHERE id = ?", [1]).first?.string("body") == "before")
    }

    @Test func aTransactionCutByAKillLeavesNoHalfWrittenRows() throws {
        let scratch = try ScratchDatabase("killtx")
        defer { scratch.drop() }
        let victim = try scratch.connect()
        let killer = try scratch.connect()
        try victim.execute("CREATE TABLE parts (id INT PRIMARY KEY) ENGINE=InnoDB")

        let error = databaseError {
            try victim.transaction {
                try victim.execute("INSERT INTO parts VALUES (1)")
                try killer.execute("KILL CONNECTION \(victim.connectionID)")
                try victim.execute("INSERT INTO parts VALUES (2)")
            }
        }

        #expect(error?.requiresReconnect == true, "\(String(describing: error))")
        #expect(!victim.isInTransaction)
        try victim.reconnect()
        #expect(try victim.query("SELECT id FROM parts").isEmpty)
        #expect(try killer.query("SELECT id FROM parts").isEmpty)
    }

    @Test func reconnectInsideATransactionIsAUsageError() throws {
        let connection = try DatabaseConnection(configuration: DatabaseConfiguration(url: testDatabaseURL))
        let error = databaseError {
            try connection.transaction { try connection.reconnect() }
        }
        #expect(error?.kind == .usage)
    }

    /// Both connections idle past the server's wait_timeout; only the one that revalidates
    /// after idling carries on without the caller noticing.
    @Test func revalidationAfterIdleSurvivesTheServersWaitTimeout() throws {
        let revalidating = try DatabaseConnection(configuration: shortIdleConfiguration(.milliseconds(500)))
        let trusting = try DatabaseConnection(configuration: shortIdleConfiguration(.seconds(60)))
        try revalidating.execute("SET SESSION wait_timeout = 2")
        try trusting.execute("SET SESSION wait_timeout = 2")
        let oldID = revalidating.connectionID

        Thread.sleep(forTimeInterval: 3.5)

        #expect(try revalidating.query("SELECT 1 AS one").first?.int("one") == 1)
        #expect(revalidating.connectionID != oldID)
        let error = databaseError { _ = try trusting.query("SELECT 1 AS one") }
        #expect(error?.requiresReconnect == true, "\(String(describing: error))")
    }

    @Test func aClosedConnectionRefusesWorkUntilReconnected() throws {
        let connection = try DatabaseConnection(configuration: DatabaseConfiguration(url: testDatabaseURL))
        connection.close()
        #expect(!connection.ping())
        #expect(connection.connectionID == 0)
        #expect(databaseError { try connection.execute("SELECT 1") }?.kind == .usage)

        try connection.reconnect()
        #expect(connection.ping())
    }

    @Test func connectingToNothingFailsAsConnectionFailed() throws {
        var configuration = try DatabaseConfiguration(url: "mariadb://mailroom:mailroom@127.0.0.1:1/mailroom")
        configuration.connectTimeout = .seconds(1)
        let refused = databaseError { _ = try DatabaseConnection(configuration: configuration) }
        #expect(refused?.kind == .connectionFailed)

        var wrongPassword = try DatabaseConfiguration(url: testDatabaseURL)
        wrongPassword.password = "not-the-password"
        let denied = databaseError { _ = try DatabaseConnection(configuration: wrongPassword) }
        #expect(denied?.kind == .connectionFailed)
        #expect(denied?.code == 1045)
        #expect(denied.map { !$0.description.contains("not-the-password") } == true)
    }

    @Test func connectsOverTheUnixSocket() throws {
        let url =
            testDatabaseURL.replacingOccurrences(of: "@127.0.0.1:3306/", with: "@/")
            + "?socket=/run/mysqld/mysqld.sock"
        let connection = try DatabaseConnection(configuration: DatabaseConfiguration(url: url))
        #expect(try connection.query("SELECT 1 AS one").first?.int("one") == 1)
    }

    /// The dev server has no TLS, so demanding it must fail rather than fall back to plain text.
    @Test func demandingTLSFromAServerWithoutItFails() throws {
        var configuration = try DatabaseConfiguration(url: testDatabaseURL)
        configuration.useTLS = true
        let error = databaseError { _ = try DatabaseConnection(configuration: configuration) }
        #expect(error?.kind == .connectionFailed)
    }

    private func shortIdleConfiguration(_ idle: Duration) throws -> DatabaseConfiguration {
        var configuration = try DatabaseConfiguration(url: testDatabaseURL)
        configuration.revalidateAfterIdle = idle
        return configuration
    }
}
