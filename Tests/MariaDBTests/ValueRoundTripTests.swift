import Foundation
import MariaDB
import Testing

@Suite struct ValueRoundTripTests {
    @Test func everyValueTypeComesBackAsWritten() throws {
        let scratch = try ScratchDatabase("values")
        defer { scratch.drop() }
        let connection = try scratch.connect()
        try connection.execute(
            """
            CREATE TABLE vals (id INT PRIMARY KEY, i BIGINT NULL, d DOUBLE NULL, s VARCHAR(100) NULL,
            b VARBINARY(100) NULL, t DATETIME(6) NULL, big LONGTEXT NULL, blob_value LONGBLOB NULL)
            """)
        let when = Date(timeIntervalSince1970: 1_717_171_717.123456)
        let rows: [[DatabaseValue]] = [
            [1, .int(Int64.max), 3.25, "text", .bytes([0, 1, 255]), .date(when), "long", .bytes([9])],
            [2, .int(Int64.min), -0.5, "", .bytes([]), .date(Date(timeIntervalSince1970: 0)), "", .bytes([])],
            [3, nil, nil, nil, nil, nil, nil, nil],
        ]
        for row in rows {
            try connection.execute("INSERT INTO vals VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
        }

        let read = try connection.query("SELECT id, i, d, s, b, t, big, blob_value FROM vals ORDER BY id")
        #expect(read.map(\.values) == rows)
        #expect(read[0].columns == ["id", "i", "d", "s", "b", "t", "big", "blob_value"])
        #expect(try read[0].int("i") == Int64.max)
        #expect(try read[1].string("s") == "")
        #expect(try read[1].bytes("b") == [])
        #expect(try read[2].optionalInt("i") == nil)
        #expect(try read[2].optionalDate("t") == nil)
    }

    @Test func datetimeKeepsMicrosecondsInUTC() throws {
        let scratch = try ScratchDatabase("datetime")
        defer { scratch.drop() }
        let connection = try scratch.connect()
        try connection.execute("CREATE TABLE times (t DATETIME(6) NOT NULL, ts TIMESTAMP(6) NULL, d DATE NULL)")

        let when = Date(timeIntervalSince1970: 1_700_000_000.000001)
        try connection.execute("INSERT INTO times VALUES (?, ?, ?)", [.date(when), .date(when), .date(when)])
        let row = try #require(try connection.query("SELECT t, ts, d, CAST(t AS CHAR) AS text FROM times").first)

        #expect(try row.string("text") == "2023-11-14 22:13:20.000001")
        #expect(try row.date("t") == when)
        #expect(try row.date("ts") == when)
        #expect(try row.date("d") == Date(timeIntervalSince1970: 1_699_920_000))
    }

    /// (A Date in year 9999 resolves only ~30 µs, hence .5 there.)
    @Test func datesBeforeTheEpochAndFarAhead() throws {
        let connection = try DatabaseConnection(configuration: DatabaseConfiguration(url: testDatabaseURL))
        for text in ["1000-01-01 00:00:00.000000", "1969-12-31 23:59:59.999999", "9999-12-31 23:59:59.500000"] {
            let row = try #require(try connection.query("SELECT CAST(? AS DATETIME(6)) AS t", [.string(text)]).first)
            let echoed = try connection.query(
                "SELECT CAST(CAST(? AS DATETIME(6)) AS CHAR) AS t", [.date(try row.date("t"))])
            #expect(try echoed.first?.string("t") == text)
        }
    }

    @Test func aMegabyteOfTextComesBackWhole() throws {
        let scratch = try ScratchDatabase("bigtext")
        defer { scratch.drop() }
        let connection = try scratch.connect()
        try connection.execute("CREATE TABLE docs (id INT PRIMARY KEY, body LONGTEXT NOT NULL, raw LONGBLOB)")

        let body = String(repeating: "0123456789abcdeé🦄", count: 1_048_576 / 20)
        let raw = (0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try connection.execute("INSERT INTO docs VALUES (1, ?, ?), (2, 'short', x'00')", [.string(body), .bytes(raw)])

        let rows = try connection.query("SELECT body, raw FROM docs ORDER BY id")
        #expect(try rows[0].string("body") == body)
        #expect(try rows[0].bytes("raw") == raw)
        #expect(try rows[1].string("body") == "short")
    }

    @Test func decodesByTheColumnsRealType() throws {
        let connection = try DatabaseConnection(configuration: DatabaseConfiguration(url: testDatabaseURL))
        let row = try #require(
            try connection.query(
                """
                SELECT CAST(1 AS UNSIGNED) AS small_unsigned, 18446744073709551615 AS huge_unsigned,
                CAST(-7 AS SIGNED) AS negative, 12.50 AS price, CAST(1.5 AS FLOAT) AS f, 2.5E0 AS dbl,
                SUM(3) AS total, CAST('x' AS BINARY) AS bin, 'é' AS txt, NULL AS nothing,
                CAST('10:11:12' AS TIME) AS tod, b'101' AS bits, YEAR('2024-05-01') AS y
                """
            ).first)

        #expect(row["small_unsigned"] == 1)
        #expect(row["huge_unsigned"] == "18446744073709551615")
        #expect(row["negative"] == -7)
        #expect(row["price"] == "12.50")
        #expect(try row.double("price") == 12.5)
        #expect(row["f"] == 1.5)
        #expect(row["dbl"] == 2.5)
        #expect(try row.int("total") == 3)
        #expect(row["bin"] == .bytes([UInt8(ascii: "x")]))
        #expect(row["txt"] == "é")
        #expect(row["nothing"] == .null)
        #expect(row["tod"] == "10:11:12")
        #expect(row["bits"] == .bytes([5]))
        #expect(row["y"] == 2024)
    }

    @Test func typedAccessorsNameTheColumnWhenTheyFail() throws {
        let row = DatabaseRow(columns: ["name", "gone"], values: ["Ada", nil])
        let wrongType = databaseError { _ = try row.int("name") }
        #expect(wrongType?.kind == .decoding)
        #expect(wrongType?.message == "column 'name' holds a string, expected Int64")

        let null = databaseError { _ = try row.string("gone") }
        #expect(null?.message == "column 'gone' is NULL, expected String")

        let missing = databaseError { _ = try row.date("when") }
        #expect(missing?.message == "the result has no column 'when'")
    }

    @Test func reportsAffectedRowsAndTheInsertID() throws {
        let scratch = try ScratchDatabase("affected")
        defer { scratch.drop() }
        let connection = try scratch.connect()
        try connection.execute("CREATE TABLE items (id BIGINT AUTO_INCREMENT PRIMARY KEY, n INT)")

        let first = try connection.execute("INSERT INTO items (n) VALUES (?)", [1])
        let second = try connection.execute("INSERT INTO items (n) VALUES (?), (?)", [2, 3])
        let updated = try connection.execute("UPDATE items SET n = n + 1 WHERE n >= ?", [2])
        #expect(first.affectedRows == 1)
        #expect(second.lastInsertID == first.lastInsertID + 1)
        #expect(updated.affectedRows == 2)
    }

    @Test func aWrongParameterCountIsAUsageError() throws {
        let connection = try DatabaseConnection(configuration: DatabaseConfiguration(url: testDatabaseURL))
        let error = databaseError { _ = try connection.query("SELECT ? + ?", [1]) }
        #expect(error?.kind == .usage)
        #expect(try connection.query("SELECT ? + ? AS sum", [1, 2]).first?.int("sum") == 3)
    }
}

@Suite struct DatabaseValueTests {
    @Test func optionalsBecomeNullAndLiteralsTheirCase() {
        let missing: String? = nil
        #expect(DatabaseValue(missing) == .null)
        #expect(DatabaseValue(Optional(7)) == .int(7))
        #expect(DatabaseValue(Optional<Int64>.none) == .null)
        let literals: [DatabaseValue] = [1, 2.5, "x", nil]
        #expect(literals == [.int(1), .double(2.5), .string("x"), .null])
    }
}
