import CRabbitMQ
import Foundation

/// The one place that reads frames the broker sends on its own: deliveries, confirms, returns,
/// cancellations, closes and flow-control notices. `publish`, `nextDelivery` and `pollEvents`
/// all wait through it, so none of them loses what another is waiting for.
extension AMQPConnection {
    /// Reads and handles one frame, waiting until `deadline` at most; false when none came.
    /// librabbitmq sends a due heartbeat while it waits.
    func dispatchNextFrame(until deadline: ContinuousClock.Instant) throws -> Bool {
        let state = try openState()
        amqp_maybe_release_buffers(state)

        var timeout = timeval(deadline - .now)
        var frame = amqp_frame_t()
        let status = amqp_simple_wait_frame_noblock(state, &frame, &timeout)
        if status == AMQP_STATUS_TIMEOUT.rawValue {
            return false
        }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw connectionLost(status, during: "waiting for the broker")
        }

        // Content frames only follow a method read below, so a stray one is skipped.
        if frame.frame_type == AMQP_FRAME_METHOD {
            try handle(frame.payload.method, on: frame.channel, state: state)
        }
        return true
    }

    private func handle(_ method: amqp_method_t, on frameChannel: amqp_channel_t, state: amqp_connection_state_t)
        throws
    {
        let isCurrent = frameChannel == channel

        switch method.id {
        case AMQP_BASIC_DELIVER_METHOD:
            let deliver = try Self.decoded(method, as: amqp_basic_deliver_t.self)
            let delivery = try readDelivery(
                on: frameChannel, tag: deliver.delivery_tag, redelivered: deliver.redelivered != 0,
                exchange: deliver.exchange, routingKey: deliver.routing_key,
                consumerTag: CDecoding.string(deliver.consumer_tag))
            if isCurrent {
                bufferedDeliveries.append(delivery)
            }

        case AMQP_BASIC_RETURN_METHOD:
            let returned = try Self.decoded(method, as: amqp_basic_return_t.self)
            let code = returned.reply_code
            let text = CDecoding.string(returned.reply_text)
            try skipContent(on: frameChannel)
            if isCurrent {
                confirms.returned(code: code, text: text)
            }

        case AMQP_BASIC_ACK_METHOD where isCurrent:
            let ack = try Self.decoded(method, as: amqp_basic_ack_t.self)
            confirms.acked(tag: ack.delivery_tag, multiple: ack.multiple != 0)

        case AMQP_BASIC_NACK_METHOD where isCurrent:
            let nack = try Self.decoded(method, as: amqp_basic_nack_t.self)
            confirms.nacked(tag: nack.delivery_tag, multiple: nack.multiple != 0)

        case AMQP_BASIC_CANCEL_METHOD where isCurrent:
            let cancel = try Self.decoded(method, as: amqp_basic_cancel_t.self)
            let tag = CDecoding.string(cancel.consumer_tag)
            if cancel.nowait == 0 {
                let arena = CArena()
                var cancelOk = amqp_basic_cancel_ok_t(consumer_tag: arena.bytes(tag))
                _ = withExtendedLifetime(arena) {
                    amqp_send_method(state, channel, AMQP_BASIC_CANCEL_OK_METHOD, &cancelOk)
                }
            }
            consumerTags.remove(tag)
            cancelledConsumers.append(tag)

        case AMQP_CHANNEL_CLOSE_METHOD, AMQP_CONNECTION_CLOSE_METHOD:
            if let error = answerBrokerClose(method, on: frameChannel, during: "waiting for the broker") {
                throw error
            }

        case AMQP_CONNECTION_BLOCKED_METHOD:
            isBlocked = true

        case AMQP_CONNECTION_UNBLOCKED_METHOD:
            isBlocked = false

        default:
            // Replies to methods of a closed channel and other frames nobody waits for.
            break
        }
    }

    static func decoded<Method>(_ method: amqp_method_t, as type: Method.Type) throws -> Method {
        guard let decoded = method.decoded else {
            throw AMQPError(kind: .protocolError, message: "librabbitmq returned method \(method.id) without fields")
        }
        return decoded.assumingMemoryBound(to: type).pointee
    }

    /// Reads the header and body frames following a basic.deliver or basic.get-ok.
    func readDelivery(
        on frameChannel: amqp_channel_t, tag: UInt64, redelivered: Bool, exchange: amqp_bytes_t,
        routingKey: amqp_bytes_t, consumerTag: String?
    ) throws -> AMQPDelivery {
        let exchangeName = CDecoding.string(exchange)
        let routingKeyText = CDecoding.string(routingKey)
        let state = try openState()

        var message = amqp_message_t()
        let reply = amqp_read_message(state, frameChannel, &message, 0)
        try check(reply, "reading a delivered message")
        defer { amqp_destroy_message(&message) }

        return AMQPDelivery(
            deliveryTag: tag, redelivered: redelivered, exchange: exchangeName, routingKey: routingKeyText,
            properties: CDecoding.properties(message.properties), body: CDecoding.bytes(message.body),
            channelGeneration: channelGeneration, consumerTag: consumerTag)
    }

    private func skipContent(on frameChannel: amqp_channel_t) throws {
        let state = try openState()
        var message = amqp_message_t()
        try check(amqp_read_message(state, frameChannel, &message, 0), "reading a returned message")
        amqp_destroy_message(&message)
    }
}
