import AMQP
import Foundation
import Testing

@Suite struct AMQPConsumeTests {
    @Test func consumedMessageIsAckedAndGone() throws {
        let connection = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(connection)
        try connection.publish(Array("hi".utf8), exchange: "", routingKey: queue)

        let tag = try connection.consume(queue: queue)
        let delivery = try #require(try connection.nextDelivery(timeout: .seconds(5)))
        #expect(delivery.body == Array("hi".utf8))
        #expect(delivery.consumerTag == tag)
        #expect(delivery.redelivered == false)
        try connection.ack(delivery)

        #expect(try connection.nextDelivery(timeout: .milliseconds(100)) == nil)
        #expect(try connection.inspectQueue(queue).messageCount == 0)
        try connection.cancel(consumerTag: tag)
    }

    @Test func nackWithRequeueRedelivers() throws {
        let connection = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(connection)
        try connection.publish([7], exchange: "", routingKey: queue)
        try connection.consume(queue: queue)

        let first = try #require(try connection.nextDelivery(timeout: .seconds(5)))
        try connection.nack(first, requeue: true)
        let second = try #require(try connection.nextDelivery(timeout: .seconds(5)))

        #expect(second.redelivered)
        #expect(second.body == [7])
        try connection.ack(second)
    }

    @Test func rejectedMessageReachesTheDeadLetterQueueWithXDeath() throws {
        let connection = try TestBroker.connect()
        let deadLetters = try TestBroker.temporaryQueue(connection)
        let work = try TestBroker.temporaryQueue(
            connection, arguments: ["x-dead-letter-exchange": "", "x-dead-letter-routing-key": .string(deadLetters)])
        try connection.publish(Array("poison".utf8), exchange: "", routingKey: work)

        let delivery = try #require(try connection.nextDeliveryFromGet(queue: work))
        try connection.reject(delivery, requeue: false)
        let parked = try #require(try connection.nextDeliveryFromGet(queue: deadLetters))

        let deaths = try #require(parked.properties.headers["x-death"]?.arrayValue)
        let death = try #require(deaths.first?.tableValue)
        #expect(death["count"]?.integerValue == 1)
        #expect(death["reason"]?.stringValue == "rejected")
        #expect(death["queue"]?.stringValue == work)
        #expect(death["time"]?.dateValue != nil)
        #expect(death["routing-keys"]?.arrayValue?.first?.stringValue == work)
        #expect(parked.body == Array("poison".utf8))
    }

    @Test func prefetchLimitsUnackedDeliveries() throws {
        let connection = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(connection)
        for index in 0..<5 {
            try connection.publish([UInt8(index)], exchange: "", routingKey: queue)
        }

        try connection.setPrefetch(2)
        try connection.consume(queue: queue)
        let first = try #require(try connection.nextDelivery(timeout: .seconds(5)))
        _ = try #require(try connection.nextDelivery(timeout: .seconds(5)))
        #expect(try connection.nextDelivery(timeout: .milliseconds(300)) == nil)

        try connection.ack(first)
        #expect(try connection.nextDelivery(timeout: .seconds(5)) != nil)
        #expect(try connection.nextDelivery(timeout: .milliseconds(300)) == nil)
    }

    @Test func queueDeletedUnderTheConsumerIsConsumerCancelled() throws {
        let consumer = try TestBroker.connect()
        let other = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(consumer)
        try consumer.consume(queue: queue)

        try other.deleteQueue(queue)

        #expect {
            _ = try consumer.nextDelivery(timeout: .seconds(5))
        } throws: { error in
            (error as? AMQPError)?.kind == .consumerCancelled && (error as? AMQPError)?.requiresReconnect == false
        }
        // Still usable: consume again from a new queue.
        let again = try TestBroker.temporaryQueue(consumer)
        try consumer.consume(queue: again)
        try other.publish([1], exchange: "", routingKey: again)
        #expect(try consumer.nextDelivery(timeout: .seconds(5))?.body == [1])
    }

    @Test func deliveryOfAClosedChannelIsNeverAckedOnTheNewOne() throws {
        let connection = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(connection)
        try connection.publish([9], exchange: "", routingKey: queue)
        let old = try #require(try connection.nextDeliveryFromGet(queue: queue))

        // Close the channel from the broker's side; the unacked message goes back to the queue.
        #expect(throws: AMQPError.self) {
            try connection.publish([0], exchange: TestBroker.uniqueName("missing"), routingKey: "")
        }
        try connection.ack(old)

        let again = try #require(try connection.nextDeliveryFromGet(queue: queue))
        #expect(again.redelivered)
        #expect(again.channelGeneration != old.channelGeneration)
        try connection.ack(again)
        #expect(try connection.inspectQueue(queue).messageCount == 0)
    }

    /// An ack the broker does not know (here the same delivery acknowledged twice) makes it
    /// close the channel with 406 PRECONDITION_FAILED. The ack itself has no reply, so the next
    /// call reports it; after that the connection works on a fresh channel.
    @Test func anAckWithAnUnknownDeliveryTagClosesTheChannelAndTheConnectionGoesOn() throws {
        let connection = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(connection)
        try connection.publish([1], exchange: "", routingKey: queue)
        let delivery = try #require(try connection.nextDeliveryFromGet(queue: queue))
        try connection.ack(delivery)
        try connection.ack(delivery)

        #expect {
            try connection.publish([2], exchange: "", routingKey: queue)
        } throws: { error in
            let error = error as? AMQPError
            return error?.kind == .channelClosed && error?.replyCode == 406 && error?.requiresReconnect == false
        }

        #expect(connection.isOpen)
        try connection.publish([3], exchange: "", routingKey: queue)
        let next = try #require(try connection.nextDeliveryFromGet(queue: queue))
        #expect(next.body == [3], "the acknowledged message did not come back; the refused publish never arrived")
        try connection.ack(next)
        #expect(try connection.inspectQueue(queue).messageCount == 0)
    }

    @Test func deliveriesArrivingDuringAPublishAreKeptForNextDelivery() throws {
        let connection = try TestBroker.connect()
        let queue = try TestBroker.temporaryQueue(connection)
        try connection.consume(queue: queue)

        // Each publish waits for its confirm while the consumer's deliveries arrive.
        for index in 0..<10 {
            try connection.publish([UInt8(index)], exchange: "", routingKey: queue)
        }

        var bodies: [UInt8] = []
        while let delivery = try connection.nextDelivery(timeout: .milliseconds(500)) {
            bodies += delivery.body
            try connection.ack(delivery)
        }
        #expect(bodies == Array(0..<10))
    }
}

@Suite struct AMQPHeartbeatTests {
    @Test func pollingKeepsAnIdleConnectionAliveAcrossMissedHeartbeats() throws {
        let connection = try AMQPConnection(configuration: TestBroker.configuration(heartbeat: .seconds(1)))
        let queue = try TestBroker.temporaryQueue(connection)

        let end = ContinuousClock.now + .seconds(4)
        while ContinuousClock.now < end {
            Thread.sleep(forTimeInterval: 0.2)
            try connection.pollEvents()
        }

        try connection.publish([1], exchange: "", routingKey: queue)
    }

    @Test func anUnpolledConnectionIsLostAndSaysReconnect() throws {
        let connection = try AMQPConnection(configuration: TestBroker.configuration(heartbeat: .seconds(1)))
        let queue = try TestBroker.temporaryQueue(connection)

        Thread.sleep(forTimeInterval: 4)

        #expect {
            try connection.publish([1], exchange: "", routingKey: queue)
        } throws: { error in
            (error as? AMQPError)?.requiresReconnect == true
        }
        #expect(connection.isOpen == false)
    }
}
