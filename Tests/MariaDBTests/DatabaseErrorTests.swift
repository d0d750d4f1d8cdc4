import Testing

@testable import MariaDB

@Suite struct DatabaseErrorTests {
    @Test(arguments: [
        (UInt32(1062), DatabaseError.Kind.duplicateKey), (1213, .deadlock), (1205, .lockWaitTimeout),
        (2006, .connectionLost), (2013, .connectionLost), (2055, .connectionLost), (1927, .connectionLost),
        (1053, .connectionLost), (2002, .connectionFailed), (2003, .connectionFailed), (1040, .connectionFailed),
        (1406, .rejectedValue), (1264, .rejectedValue), (1366, .rejectedValue), (1048, .rejectedValue),
        (1064, .other), (1146, .other),
    ])
    func classifiesByCode(code: UInt32, kind: DatabaseError.Kind) {
        #expect(DatabaseError.kind(of: code) == kind)
    }

    @Test func tellsWhatACallerShouldDo() {
        #expect(DatabaseError(kind: .deadlock, message: "").isRetryableTransaction)
        #expect(DatabaseError(kind: .lockWaitTimeout, message: "").isRetryableTransaction)
        #expect(!DatabaseError(kind: .duplicateKey, message: "").isRetryableTransaction)
        #expect(DatabaseError(kind: .connectionLost, message: "").requiresReconnect)
        #expect(DatabaseError(kind: .connectionFailed, message: "").requiresReconnect)
        #expect(!DatabaseError(kind: .other, message: "").requiresReconnect)
    }

    @Test func cutsTheDuplicateValueOutOfTheMessage() {
        let error = DatabaseError(
            reportedCode: 1062, sqlState: "23000",
            message: "Duplicate entry 'ada@example.com' for key 'email'")
        #expect(error.message == "Duplicate entry '…' for key 'email'")
        #expect(!error.description.contains("ada@example.com"))
    }

    @Test func cutsAnIncorrectStringValueOutOfTheMessage() {
        let error = DatabaseError(
            reportedCode: 1366, sqlState: "22007",
            message: "Incorrect string value: '\\xF0\\x9F' for column `db`.`t`.`name` at row 1")
        #expect(error.message == "Incorrect string value: '…' for column `db`.`t`.`name` at row 1")
    }

    @Test func withholdsAMessageOfUnexpectedShape() {
        let error = DatabaseError(reportedCode: 1062, sqlState: "23000", message: "something else")
        #expect(error.message.contains("withheld"))
    }
}
