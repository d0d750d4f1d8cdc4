import Foundation

/// A message a handler received, stripped of the broker's details.
public struct InboundMessage: Sendable {
    /// The event name: the routing key it was published with, kept across retries.
    public var routingKey: String
    public var body: [UInt8]
    public var messageID: String?
    public var correlationID: String?
    /// How many times this message was tried before (0 on the first delivery).
    public var previousAttempts: Int
    /// The broker delivered it before, to this or another consumer.
    public var redelivered: Bool

    public init(
        routingKey: String, body: [UInt8], messageID: String? = nil, correlationID: String? = nil,
        previousAttempts: Int = 0, redelivered: Bool = false
    ) {
        self.routingKey = routingKey
        self.body = body
        self.messageID = messageID
        self.correlationID = correlationID
        self.previousAttempts = previousAttempts
        self.redelivered = redelivered
    }
}

/// A message a handler wants published once its database work has committed.
public struct OutboundMessage: Sendable, Equatable {
    public enum Destination: Sendable, Equatable {
        /// The external topic exchange, routed by event name.
        case event(String)
        /// One of Mailroom's own work queues.
        case workQueue(WorkQueue)
    }

    public var destination: Destination
    public var body: [UInt8]
    public var messageID: String
    public var correlationID: String?

    public init(
        destination: Destination, body: [UInt8], messageID: String = UUID().uuidString, correlationID: String? = nil
    ) {
        self.destination = destination
        self.body = body
        self.messageID = messageID
        self.correlationID = correlationID
    }

    /// `{"referenceId": id}` for the engine.
    public static func engineJob(referenceID: Int64) -> OutboundMessage {
        OutboundMessage(destination: .workQueue(.engine), body: Array("{\"referenceId\":\(referenceID)}".utf8))
    }

    /// `{"emailId": id}` for the sender.
    public static func sendJob(emailID: Int64) -> OutboundMessage {
        OutboundMessage(destination: .workQueue(.send), body: Array("{\"emailId\":\(emailID)}".utf8))
    }
}

/// Mailroom's own work queues.
public enum WorkQueue: String, Sendable, CaseIterable {
    case ingest = "mailroom.ingest"
    case engine = "mailroom.engine"
    case send = "mailroom.send"

    /// The parking queue where messages that cannot be handled wait for an operator.
    public var parkingQueue: String { rawValue + ".dead" }
}
