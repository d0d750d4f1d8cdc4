import Foundation
import MariaDB
import Testing

/// Case C-D3: concurrent claimers with `FOR UPDATE SKIP LOCKED` each take distinct rows.
@Suite struct ClaimingTests {
    static let rowCount = 200
    static let claimerCount = 8

    @Test func eightClaimersClaimEveryRowExactlyOnce() throws {
        let scratch = try ScratchDatabase("claiming")
        defer { scratch.drop() }
        let setup = try scratch.connect()
        try setup.execute(
            """
            CREATE TABLE work (id INT PRIMARY KEY, claimed_by INT NULL, claims INT NOT NULL DEFAULT 0,
            KEY claimed_by (claimed_by)) ENGINE=InnoDB
            """)
        for id in 1...Self.rowCount {
            try setup.execute("INSERT INTO work (id) VALUES (?)", [.int(Int64(id))])
        }

        let configuration = scratch.configuration
        let errors = LockedArray<DatabaseError>(repeating: DatabaseError(kind: .other, message: ""), count: 0)
        let claimedPerThread = onThreads(Self.claimerCount) { claimer -> [Int64] in
            do {
                return try claimAll(as: claimer, configuration: configuration)
            } catch let error as DatabaseError {
                errors.append(error)
            } catch {
                errors.append(DatabaseError(kind: .other, message: "\(error)"))
            }
            return []
        }

        #expect(errors.values.isEmpty, "\(errors.values)")
        let claimed = claimedPerThread.flatMap { $0 }
        #expect(claimed.count == Self.rowCount)
        #expect(Set(claimed).count == Self.rowCount)
        let summary = try #require(
            try setup.query("SELECT COUNT(*) AS n, MIN(claims) AS least, MAX(claims) AS most FROM work").first)
        #expect(try summary.int("n") == Int64(Self.rowCount))
        #expect(try summary.int("least") == 1)
        #expect(try summary.int("most") == 1)
        // More than one claimer took part, or the test proved nothing about concurrency.
        #expect(claimedPerThread.filter { !$0.isEmpty }.count > 1)
    }

    /// Claims batches until a locking read finds nothing left; an error is thrown, never
    /// taken for "no work".
    private func claimAll(as claimer: Int, configuration: DatabaseConfiguration) throws -> [Int64] {
        let connection = try DatabaseConnection(configuration: configuration)
        var claimed: [Int64] = []
        while true {
            let batch = try connection.transaction {
                let ids = try connection.query(
                    "SELECT id FROM work WHERE claimed_by IS NULL ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED"
                ).map { try $0.int("id") }
                for id in ids {
                    try connection.execute(
                        "UPDATE work SET claimed_by = ?, claims = claims + 1 WHERE id = ?",
                        [.int(Int64(claimer)), .int(id)])
                }
                return ids
            }
            if batch.isEmpty {
                return claimed
            }
            claimed += batch
        }
    }
}
