import AMQP
import Foundation
import MariaDB
import Testing

/// C-R5, second form: the broker takes a consumer away from under a running worker (its work
/// queue deleted, its connection closed by an operator). The worker notices, connects again,
/// declares what it needs and consumes again within about 30 s, backing off (never a busy
/// loop) while the queue cannot be declared.
@Suite struct BrokerClosesChannelTests {
    @Test func aWorkQueueDeletedUnderTheSenderIsDeclaredAndConsumedAgain() throws {
        let sandbox = try Sandbox("queue_deleted")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom()
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "101010"], id: "del-1")
        #expect(eventually(timeout: .seconds(20)) { sandbox.receivedMail().count == 1 })

        try broker.deleteQueue("mailroom.send")
        let consumingAgain = eventually(timeout: .seconds(30)) {
            (try? broker.inspectQueue("mailroom.send").consumerCount) == 2
        }
        #expect(consumingAgain, "\(sandbox.log("mailroom-sender"))")
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1002", "accessToken": "202020"], id: "del-2")
        #expect(eventually(timeout: .seconds(30)) { sandbox.receivedMail().count == 2 })
        #expect(sandbox.logLines("mailroom-sender", containing: "reconnecting") <= 4, "one reconnect per consumer")
    }

    @Test func aWorkQueueThatCannotBeDeclaredMakesTheSenderBackOffNotSpin() throws {
        let sandbox = try Sandbox("queue_blocked")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom()

        // A classic queue under the work queue's name: the sender's declaration (quorum, with a
        // delivery limit) is refused with 406 PRECONDITION_FAILED until it is gone.
        try broker.deleteQueue("mailroom.send")
        try broker.declareQueue("mailroom.send", durable: true)
        Thread.sleep(forTimeInterval: 15)
        let refusals = sandbox.logLines("mailroom-sender", containing: "reconnecting")
        #expect(refusals >= 2 && refusals <= 16, "backing off: \(refusals) attempts in 15 s by two consumers")

        try broker.deleteQueue("mailroom.send")
        let consumingAgain = eventually(timeout: .seconds(45)) {
            (try? broker.inspectQueue("mailroom.send").consumerCount) == 2
        }
        #expect(consumingAgain, "\(sandbox.log("mailroom-sender"))")
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "303030"], id: "blk-1")
        #expect(eventually(timeout: .seconds(30)) { sandbox.receivedMail().count == 1 })
    }

    @Test func aConnectionClosedByAnOperatorIsOpenedAgain() throws {
        let sandbox = try Sandbox("conn_closed")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom()
        let before = try sandbox.brokerConnections(of: "mailroom-engine")
        #expect(before.count == 2)

        for connection in before {
            try sandbox.closeBrokerConnection(connection, reason: "test C-R5: closed by an operator")
        }
        let reopened = eventually(timeout: .seconds(30)) {
            let now = (try? sandbox.brokerConnections(of: "mailroom-engine")) ?? []
            return now.count == 2 && Set(now.map(\.process)).isDisjoint(with: before.map(\.process))
        }
        #expect(reopened, "\(sandbox.log("mailroom-engine"))")
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "404040"], id: "cls-1")
        #expect(eventually(timeout: .seconds(30)) { sandbox.receivedMail().count == 1 })
        #expect(sandbox.logLines("mailroom-engine", containing: "reconnecting") == 2, "one reconnect per consumer")
    }
}
