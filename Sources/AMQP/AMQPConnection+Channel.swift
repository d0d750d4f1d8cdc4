import CRabbitMQ

extension AMQPConnection {
    /// Opens the next channel number in confirm mode with the prefetch restored. Any failure
    /// here leaves the connection unusable, so it is closed.
    func openChannel() throws {
        let state = try openState()
        let firstChannel = channelGeneration == 0
        let maximum = amqp_get_channel_max(state)
        channel = channel % amqp_channel_t(maximum > 0 ? min(maximum, 65535) : 65535) + 1

        do {
            amqp_channel_open(state, channel)
            try check(amqp_get_rpc_reply(state), "open channel", channelCloseIsFatal: true)
            amqp_confirm_select(state, channel)
            try check(amqp_get_rpc_reply(state), "turn on publisher confirms", channelCloseIsFatal: true)
            if let prefetchCount {
                amqp_basic_qos(state, channel, 0, prefetchCount, 0)
                try check(amqp_get_rpc_reply(state), "restore prefetch", channelCloseIsFatal: true)
            }
        } catch var error as AMQPError {
            discard()
            error.kind = firstChannel ? .connectionFailed : .connectionClosed
            throw error
        }

        channelGeneration = ChannelGeneration.next()
        confirms = ConfirmTracker()
        bufferedDeliveries.removeAll()
        consumerTags.removeAll()
    }

    /// Runs one synchronous AMQP method on the channel, checks the broker's answer and returns
    /// a copy of the reply (whose byte strings stay valid only until the next call). `call`
    /// encodes its arguments in the arena it is given, which lives until the reply is read.
    func rpc<Reply>(
        _ operation: @autoclosure () -> String,
        _ call: (amqp_connection_state_t, amqp_channel_t, CArena) -> UnsafeMutablePointer<Reply>?
    ) throws -> Reply {
        let state = try openState()
        amqp_maybe_release_buffers(state)

        let arena = CArena()
        let reply = withExtendedLifetime(arena) { call(state, channel, arena) }
        try check(amqp_get_rpc_reply(state), operation())
        guard let reply else {
            discard()
            throw AMQPError(kind: .protocolError, message: "\(operation()): librabbitmq returned no reply")
        }
        return reply.pointee
    }

    /// Turns a librabbitmq reply into an error: a broker-side close is answered (and the channel
    /// reopened), a library failure closes the connection.
    func check(_ reply: amqp_rpc_reply_t, _ operation: String, channelCloseIsFatal: Bool = false) throws {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            let error = answerBrokerClose(reply.reply, on: channel, during: operation, reopen: !channelCloseIsFatal)
            throw error ?? AMQPError(kind: .protocolError, message: "\(operation): unexpected reply")
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            throw connectionLost(reply.library_error, during: operation)
        default:
            discard()
            throw AMQPError(kind: .protocolError, message: "\(operation): librabbitmq returned no reply")
        }
    }

    /// Answers a channel.close or connection.close sent by the broker and returns the error to
    /// throw; nil for a close of a channel no longer in use, which needs no further action.
    /// The current channel is reopened when `reopen` is true.
    func answerBrokerClose(
        _ method: amqp_method_t, on frameChannel: amqp_channel_t, during operation: String, reopen: Bool = true
    ) -> AMQPError? {
        guard let state else { return AMQPError(kind: .connectionClosed, message: "\(operation): connection closed") }
        let reason = Self.closeReason(method)

        if method.id == AMQP_CONNECTION_CLOSE_METHOD {
            var closeOk = amqp_connection_close_ok_t(dummy: 0)
            amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &closeOk)
            discard()
            return AMQPError(
                kind: .connectionClosed, replyCode: reason.code,
                message: "\(operation): the broker closed the connection: \(reason.text)")
        }

        var closeOk = amqp_channel_close_ok_t(dummy: 0)
        amqp_send_method(state, frameChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &closeOk)
        guard frameChannel == channel else { return nil }

        let closed = AMQPError(
            kind: .channelClosed, replyCode: reason.code,
            message: "\(operation): the broker closed the channel: \(reason.text)")
        guard reopen else { return closed }
        do {
            try openChannel()
        } catch {
            return error as? AMQPError
        }
        return closed
    }

    /// Frees the connection after librabbitmq reported `status` and returns the error to throw.
    func connectionLost(_ status: Int32, during operation: String) -> AMQPError {
        discard()

        switch status {
        case AMQP_STATUS_TIMEOUT.rawValue:
            return AMQPError(
                kind: .timeout,
                message: "\(operation): no reply within \(configuration.operationTimeout); connection closed",
                connectionIsUnusable: true)
        case AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue:
            return AMQPError(kind: .connectionClosed, message: "\(operation): the broker's heartbeats stopped")
        default:
            return AMQPError(kind: .connectionClosed, message: "\(operation): \(Self.statusText(status))")
        }
    }

    static func closeReason(_ method: amqp_method_t) -> (code: UInt16, text: String) {
        guard let decoded = method.decoded else { return (0, "no reason given") }

        switch method.id {
        case AMQP_CHANNEL_CLOSE_METHOD:
            let close = decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            return (close.reply_code, CDecoding.string(close.reply_text))
        case AMQP_CONNECTION_CLOSE_METHOD:
            let close = decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            return (close.reply_code, CDecoding.string(close.reply_text))
        default:
            return (0, "unexpected method \(method.id)")
        }
    }
}
