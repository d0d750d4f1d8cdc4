import CRabbitMQ

/// Exchanges, queues and bindings. Each call waits up to `operationTimeout` for the broker;
/// a refusal (406 for different arguments, 404 for a missing queue) throws `.channelClosed`.
extension AMQPConnection {
    public func declareExchange(
        _ name: String, type: AMQPExchangeType, durable: Bool = true, arguments: AMQPTable = [:]
    ) throws {
        _ = try rpc("declare exchange '\(name)'") { state, channel, arena in
            amqp_exchange_declare(
                state, channel, arena.bytes(name), arena.bytes(type.rawValue), 0, durable ? 1 : 0, 0, 0,
                arena.table(arguments))
        }
    }

    /// Declares a queue; an empty name asks the broker to make one up (see the returned status).
    /// For a quorum queue pass `"x-queue-type": "quorum"` (quorum queues must be durable).
    @discardableResult
    public func declareQueue(
        _ name: String, durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false,
        arguments: AMQPTable = [:]
    ) throws -> AMQPQueueStatus {
        let ok = try rpc("declare queue '\(name)'") { state, channel, arena in
            amqp_queue_declare(
                state, channel, arena.bytes(name), 0, durable ? 1 : 0, exclusive ? 1 : 0, autoDelete ? 1 : 0,
                arena.table(arguments))
        }
        return AMQPQueueStatus(
            name: CDecoding.string(ok.queue), messageCount: ok.message_count, consumerCount: ok.consumer_count)
    }

    /// Reports a queue's counts without creating it (a passive declare); a missing queue throws
    /// `.channelClosed` with reply code 404.
    public func inspectQueue(_ name: String) throws -> AMQPQueueStatus {
        let ok = try rpc("inspect queue '\(name)'") { state, channel, arena in
            amqp_queue_declare(state, channel, arena.bytes(name), 1, 0, 0, 0, amqp_empty_table)
        }
        return AMQPQueueStatus(
            name: CDecoding.string(ok.queue), messageCount: ok.message_count, consumerCount: ok.consumer_count)
    }

    public func bindQueue(_ queue: String, to exchange: String, routingKey: String, arguments: AMQPTable = [:])
        throws
    {
        _ = try rpc("bind queue '\(queue)' to '\(exchange)'") { state, channel, arena in
            amqp_queue_bind(
                state, channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(routingKey),
                arena.table(arguments))
        }
    }

    public func unbindQueue(_ queue: String, from exchange: String, routingKey: String, arguments: AMQPTable = [:])
        throws
    {
        _ = try rpc("unbind queue '\(queue)' from '\(exchange)'") { state, channel, arena in
            amqp_queue_unbind(
                state, channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(routingKey),
                arena.table(arguments))
        }
    }

    /// Deletes a queue with whatever it holds; deleting a missing queue succeeds.
    public func deleteQueue(_ name: String) throws {
        _ = try rpc("delete queue '\(name)'") { state, channel, arena in
            amqp_queue_delete(state, channel, arena.bytes(name), 0, 0)
        }
    }

    public func deleteExchange(_ name: String) throws {
        _ = try rpc("delete exchange '\(name)'") { state, channel, arena in
            amqp_exchange_delete(state, channel, arena.bytes(name), 0)
        }
    }

    /// Removes every ready message from a queue and returns how many there were.
    @discardableResult
    public func purgeQueue(_ name: String) throws -> UInt32 {
        let ok = try rpc("purge queue '\(name)'") { state, channel, arena in
            amqp_queue_purge(state, channel, arena.bytes(name))
        }
        return ok.message_count
    }
}
