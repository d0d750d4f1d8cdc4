import Foundation
import MariaDB

/// The dev server unless MAILROOM_TEST_DATABASE_URL names another.
let testDatabaseURL =
    ProcessInfo.processInfo.environment["MAILROOM_TEST_DATABASE_URL"]
    ?? "mariadb://mailroom:mailroom@127.0.0.1:3306/mailroom"

/// A database of its own for one test, `mailroom_test_<unique>`, dropped by `drop()`.
struct ScratchDatabase {
    let name: String
    let configuration: DatabaseConfiguration

    init(_ label: String) throws {
        name = "mailroom_test_\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try DatabaseConnection(configuration: DatabaseConfiguration(url: testDatabaseURL))
        try admin.execute("CREATE DATABASE `\(name)` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")

        var configuration = try DatabaseConfiguration(url: testDatabaseURL)
        configuration.database = name
        self.configuration = configuration
    }

    func connect(adjust: (inout DatabaseConfiguration) -> Void = { _ in }) throws -> DatabaseConnection {
        var configuration = configuration
        adjust(&configuration)
        return try DatabaseConnection(configuration: configuration)
    }

    func drop() {
        let admin = try? DatabaseConnection(configuration: configuration)
        _ = try? admin?.execute("DROP DATABASE IF EXISTS `\(name)`")
    }
}

/// Runs `body` on `count` threads of their own (not Swift's cooperative pool, since
/// libmariadb blocks) and waits for all of them; returns what each returned.
func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let results = LockedArray<T?>(repeating: nil, count: count)
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            results.set(index, body(index))
            group.leave()
        }
        thread.start()
    }
    group.wait()
    return results.values.compactMap { $0 }
}

/// An array shared by test threads. @unchecked Sendable: every access holds the lock.
final class LockedArray<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Element]

    init(repeating value: Element, count: Int) {
        storage = Array(repeating: value, count: count)
    }

    func set(_ index: Int, _ value: Element) {
        lock.withLock { storage[index] = value }
    }

    func append(_ value: Element) {
        lock.withLock { storage.append(value) }
    }

    var values: [Element] {
        lock.withLock { storage }
    }
}

/// The error `body` throws as a DatabaseError, or nil.
func databaseError(_ body: () throws -> Void) -> DatabaseError? {
    do {
        try body()
        return nil
    } catch let error as DatabaseError {
        return error
    } catch {
        return DatabaseError(kind: .other, message: "not a DatabaseError: \(error)")
    }
}
