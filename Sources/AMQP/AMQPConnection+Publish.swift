import CRabbitMQ

extension AMQPConnection {
    /// Publishes one message and waits up to `operationTimeout` for the broker to confirm it.
    /// Returning means the broker took responsibility for the message (persisted it when it is
    /// persistent and routed to durable queues).
    ///
    /// Throws `.returned` (reply code 312) when `mandatory` and no queue is bound for it,
    /// `.nacked` when the broker refuses it, `.channelClosed` for example with 404 when the
    /// exchange is missing, `.connectionClosed` when the connection is lost, and `.timeout` when
    /// no confirm came in time, for instance while a resource alarm blocks publishers. After a
    /// timeout the message may still arrive; the connection stays open.
    ///
    /// Shortcoming: librabbitmq writes with no time limit. A body larger than the socket's send
    /// buffer, published while the broker has stopped reading, can block past the timeout.
    public func publish(
        _ body: [UInt8], exchange: String, routingKey: String, properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = true
    ) throws {
        let state = try openState()
        amqp_maybe_release_buffers(state)

        let arena = CArena()
        var encoded = arena.properties(properties)
        let status = withExtendedLifetime(arena) {
            body.withUnsafeBytes { raw in
                let content = amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress))
                return amqp_basic_publish(
                    state, channel, arena.bytes(exchange), arena.bytes(routingKey), mandatory ? 1 : 0, 0, &encoded,
                    content)
            }
        }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw connectionLost(status, during: "publish to '\(exchange)'")
        }

        _ = confirms.published()
        try awaitConfirm(exchange: exchange, routingKey: routingKey)
    }

    private func awaitConfirm(exchange: String, routingKey: String) throws {
        let deadline = ContinuousClock.now + configuration.operationTimeout
        let target = "publish to '\(exchange)' with routing key '\(routingKey)'"

        while true {
            switch confirms.outcome {
            case .acked:
                return
            case .nacked:
                throw AMQPError(kind: .nacked, message: "\(target): the broker refused the message (basic.nack)")
            case .returned(let code, let text):
                throw AMQPError(kind: .returned, replyCode: code, message: "\(target): returned unroutable: \(text)")
            case nil:
                break
            }

            do {
                guard try dispatchNextFrame(until: deadline) else {
                    let blocked = isBlocked ? " (the broker is blocking publishers: resource alarm)" : ""
                    throw AMQPError(
                        kind: .timeout,
                        message: "\(target): no confirm within \(configuration.operationTimeout)\(blocked)")
                }
            } catch var error as AMQPError where error.kind == .channelClosed || error.kind == .connectionClosed {
                error.message = "\(target): \(error.message)"
                throw error
            }
        }
    }
}
