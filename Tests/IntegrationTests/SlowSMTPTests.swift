import AMQP
import Foundation
import MariaDB
import Testing

/// C-R1: an SMTP server that waits 45 s before accepting, with a 10 s AMQP heartbeat.
/// librabbitmq services heartbeats only inside its own calls, so the sender calls
/// `AMQPConnection.pollEvents()` from libcurl's progress callback while it waits. One email
/// per event, whether the connection survives or the broker drops it meanwhile, and never an
/// old delivery tag acknowledged on a new channel.
@Suite struct SlowSMTPTests {
    static let sinkArguments = ["--delay-data", "45"]

    static func settings(_ sandbox: Sandbox) -> [String: String] {
        ["MAILROOM_AMQP_URL": sandbox.amqpURL + "?heartbeat=10", "MAILROOM_SEND_LEASE": "3m"]
    }

    @Test func aSenderWaiting45SecondsForTheServerKeepsItsConnectionAndSendsOnce() throws {
        let sandbox = try Sandbox("slow_smtp", sinkArguments: Self.sinkArguments)
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(environment: Self.settings(sandbox))
        // One connection per consumer (MAILROOM_CONCURRENCY 2), once both have connected.
        var connections: [Sandbox.BrokerConnection] = []
        let connected = try eventually(timeout: .seconds(20)) {
            connections = try sandbox.brokerConnections(of: "mailroom-sender")
            return connections.count == 2
        }
        #expect(connected, "\(connections)")

        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "451451"], id: "slow-1")
        #expect(eventually(timeout: .seconds(90)) { sandbox.receivedMail().count == 1 })
        Thread.sleep(forTimeInterval: 3)

        try expectSentOnce(sandbox)
        #expect(try sandbox.brokerConnections(of: "mailroom-sender") == connections, "the same two connections")
        #expect(
            sandbox.logLines("mailroom-sender", containing: "reconnecting") == 0, "\(sandbox.log("mailroom-sender"))")
    }

    @Test func aSenderWhoseConnectionTheBrokerClosesMidSendRecoversAndSendsOnce() throws {
        let sandbox = try Sandbox("slow_smtp_closed", sinkArguments: Self.sinkArguments)
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(environment: Self.settings(sandbox))
        let database = try sandbox.database()

        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "452452"], id: "slow-2")
        let sending = eventually(timeout: .seconds(30)) {
            (try? sandbox.count(database, "email_info WHERE status = 'sending'")) == 1
        }
        #expect(sending)
        Thread.sleep(forTimeInterval: 2)
        for connection in try sandbox.brokerConnections(of: "mailroom-sender") {
            try sandbox.closeBrokerConnection(connection, reason: "test C-R1: the broker drops the sender")
        }

        #expect(eventually(timeout: .seconds(90)) { sandbox.receivedMail().count == 1 })
        Thread.sleep(forTimeInterval: 3)
        try expectSentOnce(sandbox)
        #expect(sandbox.logLines("mailroom-sender", containing: "send job skipped") >= 1, "the redelivered job")
        let reconnected = eventually(timeout: .seconds(30)) {
            (try? sandbox.brokerConnections(of: "mailroom-sender").count) == 2
        }
        #expect(reconnected, "both consumers connected again")
    }

    /// One mail, the email sent on its first attempt, the job acknowledged, no channel error.
    private func expectSentOnce(_ sandbox: Sandbox) throws {
        #expect(sandbox.receivedMail().count == 1)
        let database = try sandbox.database()
        let rows = try database.query("SELECT status, attempts FROM email_info")
        #expect(rows.count == 1)
        #expect(try rows.first?.string("status") == "sent")
        #expect(try rows.first?.int("attempts") == 1)

        let send = try sandbox.queueDepths()["mailroom.send"]
        #expect(send?.ready == 0 && send?.unacknowledged == 0, "the send job was acknowledged")
        #expect(sandbox.logLines("mailroom-sender", containing: "unknown delivery tag") == 0)
        #expect(sandbox.logLines("mailroom-sender", containing: "PRECONDITION_FAILED") == 0)
    }
}
