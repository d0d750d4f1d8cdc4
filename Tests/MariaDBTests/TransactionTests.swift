import Foundation
import MariaDB
import Testing

@Suite struct TransactionTests {
    struct Abort: Error {}

    @Test func commitsWhenTheBodyReturns() throws {
        let scratch = try ScratchDatabase("commit")
        defer { scratch.drop() }
        let connection = try scratch.connect()
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY) ENGINE=InnoDB")

        let value = try connection.transaction {
            #expect(connection.isInTransaction)
            try connection.execute("INSERT INTO items VALUES (1)")
            return 42
        }

        #expect(value == 42)
        #expect(!connection.isInTransaction)
        let other = try scratch.connect()
        #expect(try other.query("SELECT id FROM items").count == 1)
    }

    @Test func rollsBackAndRethrowsWhenTheBodyThrows() throws {
        let scratch = try ScratchDatabase("rollback")
        defer { scratch.drop() }
        let connection = try scratch.connect()
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY) ENGINE=InnoDB")

        #expect(throws: Abort.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO items VALUES (1)")
                throw Abort()
            }
        }

        #expect(!connection.isInTransaction)
        #expect(try connection.query("SELECT id FROM items").isEmpty)
    }

    @Test func nestedTransactionsAreAUsageError() throws {
        let connection = try DatabaseConnection(configuration: DatabaseConfiguration(url: testDatabaseURL))
        let error = databaseError {
            try connection.transaction {
                try connection.transaction {}
            }
        }
        #expect(error?.kind == .usage)
        #expect(!connection.isInTransaction)
    }

    @Test func aDuplicateKeyIsClassified() throws {
        let scratch = try ScratchDatabase("duplicate")
        defer { scratch.drop() }
        let connection = try scratch.connect()
        try connection.execute("CREATE TABLE users (email VARCHAR(100) PRIMARY KEY)")
        try connection.execute("INSERT INTO users VALUES (?)", ["ada@example.com"])

        let error = databaseError { try connection.execute("INSERT INTO users VALUES (?)", ["ada@example.com"]) }

        #expect(error?.kind == .duplicateKey)
        #expect(error?.code == 1062)
        #expect(error?.sqlState == "23000")
        #expect(error.map { !$0.description.contains("ada@example.com") } == true)
        #expect(try connection.query("SELECT 1 AS one").count == 1)
    }

    @Test func aValueTooLongForItsColumnIsARejectedValue() throws {
        let scratch = try ScratchDatabase("too_long")
        defer { scratch.drop() }
        let connection = try scratch.connect()
        try connection.execute("CREATE TABLE users (user_id VARCHAR(8) NOT NULL)")

        let tooLong = databaseError {
            try connection.execute("INSERT INTO users VALUES (?)", [.string(String(repeating: "u", count: 300))])
        }
        let null = databaseError { try connection.execute("INSERT INTO users VALUES (?)", [.null]) }

        #expect(tooLong?.kind == .rejectedValue)
        #expect(tooLong?.code == 1406)
        #expect(null?.kind == .rejectedValue)
        #expect(null?.code == 1048)
    }

    /// Two connections lock two rows in opposite order from two threads; InnoDB picks one
    /// as the victim, which sees `.deadlock`, and the other commits.
    @Test func aDeadlockBetweenTwoConnectionsIsClassified() throws {
        let scratch = try ScratchDatabase("deadlock")
        defer { scratch.drop() }
        let setup = try scratch.connect()
        try setup.execute("CREATE TABLE accounts (id INT PRIMARY KEY, balance INT) ENGINE=InnoDB")
        try setup.execute("INSERT INTO accounts VALUES (1, 0), (2, 0)")

        let firstLocks = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let configuration = scratch.configuration
        let outcomes = onThreads(2) { index -> DatabaseError? in
            databaseError {
                let connection = try DatabaseConnection(configuration: configuration)
                let (first, second) = index == 0 ? (1, 2) : (2, 1)
                try connection.transaction {
                    try connection.execute(
                        "UPDATE accounts SET balance = balance + 1 WHERE id = ?", [.int(Int64(first))])
                    firstLocks[index].signal()
                    firstLocks[1 - index].wait()
                    try connection.execute(
                        "UPDATE accounts SET balance = balance + 1 WHERE id = ?", [.int(Int64(second))])
                }
            }
        }

        #expect(outcomes.count == 2)
        let failures = outcomes.compactMap { $0 }
        #expect(failures.count == 1)
        #expect(failures.first?.kind == .deadlock)
        #expect(failures.first?.isRetryableTransaction == true)
        #expect(try setup.query("SELECT SUM(balance) AS total FROM accounts").first?.int("total") == 2)
    }

    @Test func aLockWaitTimeoutIsClassifiedNotALostConnection() throws {
        let scratch = try ScratchDatabase("lockwait")
        defer { scratch.drop() }
        let holder = try scratch.connect()
        let waiter = try scratch.connect {
            $0.lockWaitTimeout = .seconds(1); $0.readTimeout = .seconds(5)
        }
        try holder.execute("CREATE TABLE jobs (id INT PRIMARY KEY) ENGINE=InnoDB")
        try holder.execute("INSERT INTO jobs VALUES (1)")

        let error = databaseError {
            try holder.transaction {
                try holder.execute("SELECT id FROM jobs WHERE id = 1 FOR UPDATE")
                try waiter.transaction {
                    try waiter.execute("SELECT id FROM jobs WHERE id = 1 FOR UPDATE")
                }
            }
        }

        #expect(error?.kind == .lockWaitTimeout)
        #expect(error?.isRetryableTransaction == true)
    }

    @Test func aScriptRunsEveryStatementAndStopsAtAnError() throws {
        let scratch = try ScratchDatabase("script")
        defer { scratch.drop() }
        let connection = try scratch.connect()

        try connection.executeScript(
            """
            CREATE TABLE a (id INT PRIMARY KEY);
            INSERT INTO a VALUES (1), (2);
            SELECT * FROM a;
            CREATE TABLE b (id INT PRIMARY KEY);
            """)
        let error = databaseError {
            try connection.executeScript(
                "INSERT INTO b VALUES (1); INSERT INTO nope VALUES (1); INSERT INTO b VALUES (2)")
        }

        #expect(error?.code == 1146)
        #expect(try connection.query("SELECT COUNT(*) AS n FROM a").first?.int("n") == 2)
        #expect(try connection.query("SELECT id FROM b").map { try $0.int("id") } == [1])
        // Multi-statement mode ends with the script.
        #expect(databaseError { try connection.execute("SELECT 1; SELECT 2") }?.code == 1064)
    }
}
