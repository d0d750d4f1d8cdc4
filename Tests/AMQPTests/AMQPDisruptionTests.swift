import AMQP
import Foundation
import Testing

/// Tests that disrupt the shared broker; the test script runs them alone, one at a time.
/// Each restores the broker before it ends, whatever happens.
@Suite(.serialized) struct AMQPDisruptionTests {
    @Test func stoppedBrokerRequiresReconnectAndANewConnectionWorksAfterStart() throws {
        let connection = try TestBroker.connect()
        let queue = TestBroker.uniqueName("survivor")
        try connection.declareQueue(queue, durable: false, arguments: TestBroker.expiring)

        try TestBroker.rabbitmqctl("stop_app")
        defer { Self.startBroker() }

        #expect {
            try connection.publish([1], exchange: "", routingKey: queue)
        } throws: { error in
            (error as? AMQPError)?.requiresReconnect == true
        }
        #expect(connection.isOpen == false)
        #expect {
            try TestBroker.connect()
        } throws: { error in
            (error as? AMQPError)?.kind == .connectionFailed
        }

        Self.startBroker()
        let fresh = try Self.connectOnceUp()
        try fresh.declareQueue(queue, durable: false, arguments: TestBroker.expiring)
        try fresh.publish([2], exchange: "", routingKey: queue)
    }

    @Test func connectionClosedByTheBrokerMakesThePublishAnError() throws {
        let name = TestBroker.uniqueName("closed-by-admin")
        let connection = try TestBroker.connect(name: name)
        let queue = try TestBroker.temporaryQueue(connection)

        try TestBroker.rabbitmqctl("close_connection", try TestBroker.connectionProcess(named: name), "amqp test C-R3")

        #expect {
            try connection.publish([1], exchange: "", routingKey: queue)
        } throws: { error in
            (error as? AMQPError)?.requiresReconnect == true
        }
    }

    @Test func memoryAlarmMakesPublishTimeOutInsteadOfHanging() throws {
        let connection = try TestBroker.connect(operationTimeout: .seconds(3))
        let queue = try TestBroker.temporaryQueue(connection)

        try TestBroker.rabbitmqctl("set_vm_memory_high_watermark", "0.0000001")
        defer { _ = try? TestBroker.rabbitmqctl("set_vm_memory_high_watermark", "0.4") }

        let started = ContinuousClock.now
        #expect {
            try connection.publish([1], exchange: "", routingKey: queue)
        } throws: { error in
            (error as? AMQPError)?.kind == .timeout
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(connection.isBlocked)

        try TestBroker.rabbitmqctl("set_vm_memory_high_watermark", "0.4")
        let deadline = ContinuousClock.now + .seconds(10)
        while connection.isBlocked && ContinuousClock.now < deadline {
            try connection.pollEvents()
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(connection.isBlocked == false)
        try connection.publish([2], exchange: "", routingKey: queue)
    }

    private static func startBroker() {
        _ = try? TestBroker.rabbitmqctl("start_app")
    }

    private static func connectOnceUp() throws -> AMQPConnection {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                return try TestBroker.connect()
            } catch let error as AMQPError where ContinuousClock.now < deadline {
                _ = error
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
    }
}
