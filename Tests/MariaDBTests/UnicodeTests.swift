import MariaDB
import Testing

/// Case C-D1: utf8mb4 end to end, also after a reconnect.
@Suite struct UnicodeTests {
    static let name = "Zoë 🦄 Ångström"
    static let city = "𠜎市"

    @Test func fourByteCharactersRoundTripByteExactAlsoAfterReconnect() throws {
        let scratch = try ScratchDatabase("utf8")
        defer { scratch.drop() }
        let connection = try scratch.connect()
        try connection.execute("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(100), city TEXT)")

        try connection.execute("INSERT INTO people VALUES (1, ?, ?)", [.string(Self.name), .string(Self.city)])
        try expectStoredExactly(id: 1, on: connection)

        try connection.reconnect()
        try connection.execute("INSERT INTO people VALUES (2, ?, ?)", [.string(Self.name), .string(Self.city)])
        try expectStoredExactly(id: 1, on: connection)
        try expectStoredExactly(id: 2, on: connection)
    }

    @Test func everyConnectSetsUTF8MB4AndUTC() throws {
        let connection = try DatabaseConnection(configuration: DatabaseConfiguration(url: testDatabaseURL))
        try expectSessionSettings(on: connection)

        try connection.execute("SET NAMES latin1")
        try connection.execute("SET time_zone = '+02:00'")
        try connection.reconnect()
        try expectSessionSettings(on: connection)
    }

    private func expectStoredExactly(id: Int64, on connection: DatabaseConnection) throws {
        let row = try #require(
            try connection.query(
                "SELECT name, city, HEX(name) AS name_hex, HEX(city) AS city_hex FROM people WHERE id = ?", [.int(id)]
            ).first)
        #expect(Array(try row.string("name").utf8) == Array(Self.name.utf8))
        #expect(Array(try row.string("city").utf8) == Array(Self.city.utf8))

        // What the server holds, not only what comes back: no double encoding on the way in.
        #expect(try row.string("name_hex") == hex(Self.name))
        #expect(try row.string("city_hex") == hex(Self.city))
    }

    private func expectSessionSettings(on connection: DatabaseConnection) throws {
        let row = try #require(
            try connection.query(
                """
                SELECT @@character_set_client AS client, @@character_set_connection AS connection,
                @@character_set_results AS results, @@session.time_zone AS zone
                """
            ).first)
        #expect(try row.string("client") == "utf8mb4")
        #expect(try row.string("connection") == "utf8mb4")
        #expect(try row.string("results") == "utf8mb4")
        #expect(try row.string("zone") == "+00:00")
    }

    private func hex(_ text: String) -> String {
        text.utf8.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
