import AMQP
import Foundation
import Testing

@Suite struct AMQPRoundTripTests {
    @Test func everyPropertyAndHeaderTypeSurvivesTheBroker() throws {
        let connection = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(connection)
        let headers: AMQPTable = [
            "boolean": .boolean(true),
            "int8": .int8(-8),
            "uint8": .uint8(200),
            "int16": .int16(-1600),
            "uint16": .uint16(60000),
            "int32": .int32(-320_000),
            "uint32": .uint32(4_000_000_000),
            "int64": .int64(-6_400_000_000),
            "float": .float(1.5),
            "double": .double(-2.25),
            "decimal": .decimal(scale: 2, value: 12345),
            "string": .string("Zoë 🦄"),
            "bytes": .bytes([0, 255, 1, 128]),
            "timestamp": .timestamp(Date(timeIntervalSince1970: 1_700_000_000)),
            "void": .void,
            "array": .array([.string("a"), .int32(2), .array([.boolean(false)]), .table(["k": "v"])]),
            "table": .table(["nested": .table(["deep": .int64(42)]), "list": .array([])]),
        ]
        let sent = AMQPProperties(
            contentType: "application/json", contentEncoding: "identity", headers: headers, persistent: true,
            priority: 5, correlationID: "corr-1", replyTo: "reply.queue", expiration: "60000", messageID: "msg-1",
            timestamp: Date(timeIntervalSince1970: 1_700_000_123), type: "thingHappened", userID: "mailroom",
            appID: "amqp-tests")

        try connection.publish(Array("{}".utf8), exchange: "", routingKey: queue, properties: sent)
        let delivery = try #require(try connection.nextDeliveryFromGet(queue: queue))

        #expect(delivery.properties == sent)
        #expect(delivery.body == Array("{}".utf8))
        #expect(delivery.routingKey == queue)
        #expect(delivery.exchange == "")
        try connection.ack(delivery)
    }

    @Test func transientMessagesAndEmptyBodiesRoundTrip() throws {
        let connection = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(connection)

        try connection.publish([], exchange: "", routingKey: queue, properties: AMQPProperties(persistent: false))
        let delivery = try #require(try connection.nextDeliveryFromGet(queue: queue))

        #expect(delivery.properties.persistent == false)
        #expect(delivery.properties.messageID == nil)
        #expect(delivery.properties.headers.isEmpty)
        #expect(delivery.body.isEmpty)
    }

    @Test func loginAdvertisesTheCapabilitiesTheBrokerNeedsToNotifyUs() throws {
        let name = TestBroker.uniqueName("capabilities")
        let connection = try TestBroker.connect(name: name)

        let properties = try TestBroker.clientProperties(ofConnectionNamed: name)
        let capabilities = properties.first { $0.first as? String == "capabilities" }?.last as? [[Any]] ?? []
        let enabled = Set(capabilities.filter { $0.last as? Bool == true }.compactMap { $0.first as? String })

        #expect(
            enabled.isSuperset(of: [
                "publisher_confirms", "consumer_cancel_notify", "connection.blocked", "basic.nack",
                "authentication_failure_close",
            ]))
        #expect(connection.isOpen)
    }

    @Test func wrongPasswordIsConnectionFailedWithoutThePassword() throws {
        var configuration = try TestBroker.configuration()
        configuration.password = "definitely-wrong-pw"

        #expect {
            try AMQPConnection(configuration: configuration)
        } throws: { error in
            let error = error as? AMQPError
            return error?.kind == .connectionFailed && error?.requiresReconnect == true
                && error?.description.contains("definitely-wrong-pw") == false
        }
    }

    @Test func accessorsReadTheValuesCallersNeed() {
        #expect(AMQPFieldValue.bytes(Array("rejected".utf8)).stringValue == "rejected")
        #expect(AMQPFieldValue.bytes([0xFF]).stringValue == nil)
        #expect(AMQPFieldValue.uint16(7).integerValue == 7)
        #expect(AMQPFieldValue.string("7").integerValue == nil)
        #expect(AMQPFieldValue.table(["a": 1]).tableValue == ["a": .int64(1)])
        #expect(AMQPFieldValue.array([true]).arrayValue == [.boolean(true)])
    }
}

extension AMQPConnection {
    /// basic.get, retried briefly: a confirmed message is in the queue, but give the broker a moment.
    /// Up to 5 s: dead-lettering on a busy broker can take a while.
    func nextDeliveryFromGet(queue: String) throws -> AMQPDelivery? {
        for _ in 0..<100 {
            if let delivery = try get(queue: queue) {
                return delivery
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }
}
