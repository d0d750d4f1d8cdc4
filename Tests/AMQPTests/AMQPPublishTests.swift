import AMQP
import Testing

@Suite struct AMQPPublishTests {
    @Test func confirmedPublishIsInTheQueue() throws {
        let connection = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(connection)

        for index in 0..<3 {
            try connection.publish(Array("m\(index)".utf8), exchange: "", routingKey: queue)
        }

        #expect(try connection.inspectQueue(queue).messageCount == 3)
    }

    @Test func publishToAMissingExchangeIsChannelClosed404AndTheConnectionStaysUsable() throws {
        let connection = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(connection)

        #expect {
            try connection.publish([1], exchange: TestBroker.uniqueName("missing-exchange"), routingKey: "x")
        } throws: { error in
            let error = error as? AMQPError
            return error?.kind == .channelClosed && error?.replyCode == 404 && error?.requiresReconnect == false
        }

        #expect(connection.isOpen)
        try connection.publish([2], exchange: "", routingKey: queue)
        #expect(try connection.inspectQueue(queue).messageCount == 1)
    }

    @Test func mandatoryPublishWithNoRouteIsReturnedWith312() throws {
        let connection = try TestBroker.connect()
        let exchange = TestBroker.uniqueName("exchange")
        try connection.declareExchange(exchange, type: .direct, durable: false)
        defer { try? connection.deleteExchange(exchange) }

        #expect {
            try connection.publish([1], exchange: exchange, routingKey: "nobody-listens")
        } throws: { error in
            let error = error as? AMQPError
            return error?.kind == .returned && error?.replyCode == 312
        }

        // Not mandatory: the broker drops it and confirms.
        try connection.publish([1], exchange: exchange, routingKey: "nobody-listens", mandatory: false)
        // The next routable publish is not mistaken for returned.
        let queue = try TestBroker.temporaryQueue(connection)
        try connection.bindQueue(queue, to: exchange, routingKey: "listened")
        try connection.publish([1], exchange: exchange, routingKey: "listened")
    }

    @Test func aGroupPublishIsConfirmedWholeAndEveryMessageIsInItsQueue() throws {
        let connection = try TestBroker.connect()
        let first = try TestBroker.temporaryQueue(connection)
        let second = try TestBroker.temporaryQueue(connection)

        let group = (0..<50).map { index in
            AMQPOutgoingMessage(
                body: Array("m\(index)".utf8), exchange: "", routingKey: index.isMultiple(of: 2) ? first : second)
        }
        try connection.publish(group)

        #expect(try connection.inspectQueue(first).messageCount == 25)
        #expect(try connection.inspectQueue(second).messageCount == 25)
    }

    @Test func oneUnroutableMessageInAGroupMakesTheGroupAnError() throws {
        let connection = try TestBroker.connect()
        let exchange = TestBroker.uniqueName("exchange")
        try connection.declareExchange(exchange, type: .direct, durable: false)
        defer { try? connection.deleteExchange(exchange) }
        let queue = try TestBroker.temporaryQueue(connection)
        try connection.bindQueue(queue, to: exchange, routingKey: "listened")

        #expect {
            try connection.publish([
                AMQPOutgoingMessage(body: [1], exchange: exchange, routingKey: "listened"),
                AMQPOutgoingMessage(body: [2], exchange: exchange, routingKey: "nobody-listens"),
                AMQPOutgoingMessage(body: [3], exchange: exchange, routingKey: "listened"),
            ])
        } throws: { error in
            let error = error as? AMQPError
            return error?.kind == .returned && error?.replyCode == 312
        }

        // The next group is judged on its own.
        try connection.publish([AMQPOutgoingMessage(body: [4], exchange: exchange, routingKey: "listened")])
    }

    @Test func declaresQuorumQueuesWithDeadLetterAndDeliveryLimitArguments() throws {
        let connection = try TestBroker.connect()
        let queue = TestBroker.uniqueName("quorum")
        let arguments: AMQPTable = [
            "x-queue-type": "quorum", "x-delivery-limit": .int64(3), "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "parking",
        ]

        let status = try connection.declareQueue(queue, arguments: arguments)
        defer { try? connection.deleteQueue(queue) }
        #expect(status.name == queue)
        #expect(status.messageCount == 0)

        try connection.publish(Array("hello".utf8), exchange: "", routingKey: queue)
        #expect(try connection.nextDeliveryFromGet(queue: queue)?.body == Array("hello".utf8))
    }

    @Test func redeclaringWithOtherArgumentsIs406AndTheConnectionStaysUsable() throws {
        let connection = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(connection, arguments: ["x-message-ttl": .int64(1000)])

        #expect {
            try connection.declareQueue(
                queue, durable: false, arguments: TestBroker.expiring.merging(["x-message-ttl": 2000]) { $1 })
        } throws: { error in
            (error as? AMQPError)?.kind == .channelClosed && (error as? AMQPError)?.replyCode == 406
        }
        #expect {
            try connection.inspectQueue(TestBroker.uniqueName("absent"))
        } throws: { error in
            (error as? AMQPError)?.replyCode == 404
        }

        #expect(try connection.inspectQueue(queue).name == queue)
        #expect(try connection.purgeQueue(queue) == 0)
    }
}
