/// A message handed to a consumer or fetched with basic.get.
public struct AMQPDelivery: Sendable {
    public var deliveryTag: UInt64
    public var redelivered: Bool
    public var exchange: String
    public var routingKey: String
    public var properties: AMQPProperties
    public var body: [UInt8]
    /// The channel this delivery arrived on, unique across every connection of the process.
    /// Acknowledging a delivery whose channel has since closed does nothing (the broker
    /// redelivers it), so an old delivery tag is never acknowledged on a new channel.
    public var channelGeneration: Int
    /// The consumer it was delivered to; nil for basic.get.
    public var consumerTag: String?

    public init(
        deliveryTag: UInt64,
        redelivered: Bool,
        exchange: String,
        routingKey: String,
        properties: AMQPProperties,
        body: [UInt8],
        channelGeneration: Int,
        consumerTag: String? = nil
    ) {
        self.deliveryTag = deliveryTag
        self.redelivered = redelivered
        self.exchange = exchange
        self.routingKey = routingKey
        self.properties = properties
        self.body = body
        self.channelGeneration = channelGeneration
        self.consumerTag = consumerTag
    }
}

public enum AMQPExchangeType: String, Sendable {
    case direct, topic, fanout, headers
}

/// What queue.declare-ok reports.
public struct AMQPQueueStatus: Sendable {
    public var name: String
    public var messageCount: UInt32
    public var consumerCount: UInt32

    public init(name: String, messageCount: UInt32, consumerCount: UInt32) {
        self.name = name
        self.messageCount = messageCount
        self.consumerCount = consumerCount
    }
}
