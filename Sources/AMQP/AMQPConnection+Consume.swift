import CRabbitMQ

extension AMQPConnection {
    /// Limits how many unacknowledged deliveries the broker sends this channel's consumers.
    /// Kept and restored when the channel is reopened.
    public func setPrefetch(_ count: UInt16) throws {
        _ = try rpc("set prefetch to \(count)") { state, channel, _ in
            amqp_basic_qos(state, channel, 0, count, 0)
        }
        prefetchCount = count
    }

    /// Starts a consumer with manual acknowledgement and returns its tag (made up by the broker
    /// when `consumerTag` is empty). Deliveries then come from `nextDelivery(timeout:)`.
    @discardableResult
    public func consume(queue: String, consumerTag: String = "") throws -> String {
        let ok = try rpc("consume from '\(queue)'") { state, channel, arena in
            amqp_basic_consume(state, channel, arena.bytes(queue), arena.bytes(consumerTag), 0, 0, 0, amqp_empty_table)
        }
        let tag = CDecoding.string(ok.consumer_tag)
        consumerTags.insert(tag)
        return tag
    }

    /// Stops a consumer. Deliveries it already received stay buffered and must still be
    /// acknowledged or rejected.
    public func cancel(consumerTag: String) throws {
        _ = try rpc("cancel consumer '\(consumerTag)'") { state, channel, arena in
            amqp_basic_cancel(state, channel, arena.bytes(consumerTag))
        }
        consumerTags.remove(consumerTag)
    }

    /// Waits up to `timeout` for a delivery; nil when none came. Heartbeats are serviced while
    /// waiting, so a consumer thread should call this in a loop with a timeout of a few seconds
    /// (that timeout is also how long it takes to notice a shutdown request).
    ///
    /// Throws `.consumerCancelled` when the broker cancelled a consumer (its queue was deleted),
    /// after the deliveries received before it; `.channelClosed` or `.connectionClosed` on loss.
    public func nextDelivery(timeout: Duration) throws -> AMQPDelivery? {
        let deadline = ContinuousClock.now + timeout

        while true {
            _ = try openState()
            if !bufferedDeliveries.isEmpty {
                return bufferedDeliveries.removeFirst()
            }
            if !cancelledConsumers.isEmpty {
                let tag = cancelledConsumers.removeFirst()
                throw AMQPError(
                    kind: .consumerCancelled,
                    message: "the broker cancelled consumer '\(tag)' (its queue was deleted or became unavailable)")
            }
            guard try dispatchNextFrame(until: deadline) else { return nil }
        }
    }

    /// Reads what the broker has already sent without blocking, buffering deliveries for
    /// `nextDelivery`, and sends a heartbeat when one is due. Cheap: call it often from inside
    /// a long blocking job (a progress callback) so the connection survives the job.
    public func pollEvents() throws {
        // Bounded, so a steady stream of frames cannot keep the caller here.
        for _ in 0..<256 {
            guard try dispatchNextFrame(until: .now) else { return }
        }
    }

    /// Fetches one message with basic.get (manual acknowledgement); nil when the queue is empty.
    public func get(queue: String) throws -> AMQPDelivery? {
        let state = try openState()
        amqp_maybe_release_buffers(state)

        let arena = CArena()
        let reply = withExtendedLifetime(arena) { amqp_basic_get(state, channel, arena.bytes(queue), 0) }
        try check(reply, "get from '\(queue)'")
        guard reply.reply.id == AMQP_BASIC_GET_OK_METHOD else { return nil }

        let ok = try Self.decoded(reply.reply, as: amqp_basic_get_ok_t.self)
        return try readDelivery(
            on: channel, tag: ok.delivery_tag, redelivered: ok.redelivered != 0, exchange: ok.exchange,
            routingKey: ok.routing_key, consumerTag: nil)
    }

    /// Acknowledges a delivery, and with `multiple` every unacknowledged one received before it
    /// on the same channel. Does nothing when the delivery came from a channel that has since
    /// closed (or from another connection): the broker redelivers it. Throws
    /// `.connectionClosed` when this connection is gone.
    public func ack(_ delivery: AMQPDelivery, multiple: Bool = false) throws {
        try settle(delivery, "ack") { state in
            amqp_basic_ack(state, channel, delivery.deliveryTag, multiple ? 1 : 0)
        }
    }

    /// Negatively acknowledges a delivery: requeued, or dead-lettered when `requeue` is false.
    /// Like `ack`, does nothing for a delivery of an older channel.
    public func nack(_ delivery: AMQPDelivery, requeue: Bool) throws {
        try settle(delivery, "nack") { state in
            amqp_basic_nack(state, channel, delivery.deliveryTag, 0, requeue ? 1 : 0)
        }
    }

    /// Rejects a delivery: requeued, or dead-lettered when `requeue` is false.
    /// Like `ack`, does nothing for a delivery of an older channel.
    public func reject(_ delivery: AMQPDelivery, requeue: Bool) throws {
        try settle(delivery, "reject") { state in
            amqp_basic_reject(state, channel, delivery.deliveryTag, requeue ? 1 : 0)
        }
    }

    private func settle(_ delivery: AMQPDelivery, _ verb: String, _ send: (amqp_connection_state_t) -> Int32)
        throws
    {
        let state = try openState()
        guard delivery.channelGeneration == channelGeneration else { return }

        let status = send(state)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw connectionLost(status, during: "\(verb) delivery \(delivery.deliveryTag)")
        }
    }
}
