import AMQP
import Foundation
import MailroomCore
import MailroomWorker
import Testing

/// C-B3: an event that kills its worker on every delivery, with nine good events behind it.
/// The broker parks it after the delivery limit (quorum queue `x-delivery-limit`); the nine are
/// sent once each; the worker, restarted after each crash as a service manager would, is not
/// caught in a crash loop.
struct PoisonCrashTests {
    @Test func aMessageThatKillsItsWorkerEveryTimeIsParkedAndTheOnesBehindItAreSentOnce() throws {
        let sandbox = try Sandbox("poison_crash")
        defer { sandbox.tearDown() }
        let (fixture, users) = try sandbox.writeUserFixture(count: 9)
        let settings = [
            // The crash ledger off: the broker's delivery limit, the backstop, parks it.
            "MAILROOM_FAULT_KILL_ON_MESSAGE_ID": "poison-crash", "MAILROOM_DELIVERY_LIMIT": "3",
            "MAILROOM_CRASH_LIMIT": "0",
            "MAILROOM_CONCURRENCY": "2", "MAILROOM_PREFETCH": "10",
        ]
        let broker = try sandbox.startMailroom(
            environment: settings, workers: ["mailroom-engine", "mailroom-sender"], fixtures: fixture)

        // All ten wait in the queue before ingest starts, so its first batch holds them together.
        try broker.publishEvent(
            "authAccessTokenCreated", ["userId": users[0], "accessToken": "999999"], id: "poison-crash")
        try sandbox.publishTokens(for: users, on: broker)
        try sandbox.startMailroom("mailroom-ingest", environment: settings)

        // A service manager's part, on every poll: start the worker again whenever it died. The
        // last crash may be seen only after the poison is parked, so it goes on while waiting
        // for the mail too.
        var crashes = 0
        let supervise = { crashes += try sandbox.restartDead(["mailroom-ingest"], environment: settings) }
        let parked = try eventually(timeout: .seconds(120)) {
            try supervise()
            return try sandbox.parkedCount(.ingest) == 1
        }
        #expect(parked, "the poison event was not parked:\n\(sandbox.log("mailroom-ingest").suffix(3000))")
        let delivered = try eventually(timeout: .seconds(60)) {
            try supervise()
            return sandbox.receivedMessageIDs().count == users.count
        }
        #expect(delivered)
        Thread.sleep(forTimeInterval: 2)
        try supervise()

        let poison = try #require(try sandbox.parked(.ingest).first)
        #expect(poison.id == "poison-crash")
        #expect(poison.reason == "delivery_limit", "parked by the broker: \(poison.reason)")
        #expect(crashes == 4, "one crash per delivery: the first and the three the limit allows")
        #expect(sandbox.receivedMessageIDs().values.allSatisfy { $0 == 1 }, "each good event sent once")
        #expect(sandbox.receivedMessageIDs().count == users.count)
        #expect(sandbox.processes["mailroom-ingest"]?.isRunning == true, "the restarted worker stays up")
    }
}

/// C-B3 with two copies of the worker: the redelivered poison event often reaches the copy
/// that is still consuming, beside the messages it had prefetched, and each crash returns them
/// all. The crash ledger parks the poison (`crashed_worker`) after `MAILROOM_CRASH_LIMIT`
/// unfinished takes, before the broker's delivery limit could count the others out too.
struct PoisonCrashTwoCopiesTests {
    @Test func twoCopiesParkThePoisonThemselvesAndSendEveryOtherEventOnce() throws {
        let sandbox = try Sandbox("poison_two")
        defer { sandbox.tearDown() }
        let (fixture, users) = try sandbox.writeUserFixture(count: 40)
        let settings = [
            "MAILROOM_FAULT_KILL_ON_MESSAGE_ID": "poison-two", "MAILROOM_DELIVERY_LIMIT": "5",
            "MAILROOM_CRASH_LIMIT": "2", "MAILROOM_CONCURRENCY": "2", "MAILROOM_PREFETCH": "10",
        ]
        let broker = try sandbox.startMailroom(
            environment: settings, workers: ["mailroom-engine", "mailroom-sender"], fixtures: fixture)

        // The poison in the middle of the good events, all queued before the copies start.
        try sandbox.publishTokens(for: Array(users.prefix(20)), on: broker, eventPrefix: "before")
        try broker.publishEvent(
            "authAccessTokenCreated", ["userId": users[0], "accessToken": "999999"], id: "poison-two")
        try sandbox.publishTokens(for: Array(users.suffix(20)), on: broker, eventPrefix: "after")
        let copies = ["ingest-a", "ingest-b"]
        for copy in copies {
            try sandbox.startMailroom("mailroom-ingest", label: copy, environment: settings)
        }

        // A service manager's part: start a copy again whenever it died.
        var crashes = 0
        let supervise = { crashes += try sandbox.restartDead(copies, environment: settings) }
        let delivered = try eventually(timeout: .seconds(120)) {
            try supervise()
            return try sandbox.parkedCount(.ingest) == 1 && sandbox.receivedMessageIDs().count == users.count
        }
        #expect(
            delivered, "parked \((try? sandbox.parkedCount(.ingest)) ?? 0), sent \(sandbox.receivedMessageIDs().count)")
        Thread.sleep(forTimeInterval: 2)
        try supervise()

        let parked = try sandbox.parked(.ingest)
        #expect(parked.map(\.id) == ["poison-two"], "only the poison is parked")
        #expect(parked.first?.reason == "crashed_worker")
        #expect(crashes == 3, "the first take and the two the crash limit allows")
        #expect(sandbox.receivedMessageIDs().values.allSatisfy { $0 == 1 }, "every good event sent once")
        #expect(sandbox.receivedMessageIDs().count == users.count)
    }
}

extension Sandbox {
    /// A service manager's part: starts again each of these ingest processes that died (the
    /// labels name copies of `mailroom-ingest`); returns how many it found dead.
    func restartDead(_ labels: [String], environment: [String: String]) throws -> Int {
        let dead = labels.filter { processes[$0]?.isRunning == false }
        for label in dead {
            forget(label)
            try startMailroom("mailroom-ingest", label: label, environment: environment)
        }
        return dead.count
    }

    /// How many messages wait in a parking queue, without taking them.
    func parkedCount(_ queue: WorkQueue) throws -> UInt32 {
        let connection = try broker()
        defer { connection.close() }
        return try connection.inspectQueue(queue.parkingQueue).messageCount
    }
}
