import CRabbitMQ

/// One message for `AMQPConnection.publish(_:)`, which sends several and waits for their
/// confirms together.
public struct AMQPOutgoingMessage: Sendable {
    public var body: [UInt8]
    public var exchange: String
    public var routingKey: String
    public var properties: AMQPProperties
    /// Whether the broker must return the message when no queue is bound for it. Default: true.
    public var mandatory: Bool

    public init(
        body: [UInt8], exchange: String, routingKey: String, properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = true
    ) {
        self.body = body
        self.exchange = exchange
        self.routingKey = routingKey
        self.properties = properties
        self.mandatory = mandatory
    }
}

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
    public func publish(
        _ body: [UInt8], exchange: String, routingKey: String, properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = true
    ) throws {
        try publish([
            AMQPOutgoingMessage(
                body: body, exchange: exchange, routingKey: routingKey, properties: properties, mandatory: mandatory)
        ])
    }

    /// Publishes several messages, one after the other without waiting, then waits up to
    /// `operationTimeout` until the broker confirmed all of them. Returning means the broker
    /// took responsibility for every one; the errors are those of the single `publish`, for the
    /// first message refused or returned (the others may have arrived: a caller that retries
    /// publishes them again). Waiting once for a group costs the broker and the caller one
    /// round trip instead of one per message.
    ///
    /// Shortcoming: librabbitmq writes with no time limit. A body larger than the socket's send
    /// buffer, published while the broker has stopped reading, can block past the timeout.
    public func publish(_ messages: [AMQPOutgoingMessage]) throws {
        guard !messages.isEmpty else { return }
        let state = try openState()
        amqp_maybe_release_buffers(state)

        confirms.startGroup()
        for message in messages {
            try send(message, state: state)
            _ = confirms.published()
        }
        try awaitConfirms(of: messages)
    }

    private func send(_ message: AMQPOutgoingMessage, state: amqp_connection_state_t) throws {
        let arena = CArena()
        var encoded = arena.properties(message.properties)
        let status = withExtendedLifetime(arena) {
            message.body.withUnsafeBytes { raw in
                let content = amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress))
                return amqp_basic_publish(
                    state, channel, arena.bytes(message.exchange), arena.bytes(message.routingKey),
                    message.mandatory ? 1 : 0, 0, &encoded, content)
            }
        }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw connectionLost(status, during: "publish to '\(message.exchange)'")
        }
    }

    private func awaitConfirms(of messages: [AMQPOutgoingMessage]) throws {
        let deadline = ContinuousClock.now + configuration.operationTimeout
        let first = messages[0]
        let others = messages.count > 1 ? " (and \(messages.count - 1) more in the same group)" : ""
        let target = "publish to '\(first.exchange)' with routing key '\(first.routingKey)'\(others)"

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
