import AMQP
import MailroomCore
import Templates

/// Mailroom's exchanges and queues, declared by `mailroomctl topology` and by every worker
/// when it connects. Declaring twice is harmless as long as the arguments agree.
///
/// - `events` (topic): external events; `mailroom.ingest` is bound to every trigger and
///   provider answer the catalogue names.
/// - `mailroom` (direct): the work queues, each bound by its own name.
/// - `mailroom.delay` (headers): one queue per retry delay with a queue-wide TTL, which
///   dead-letters back to `mailroom` under the routing key the message was published with, so
///   it lands on the queue it came from. A long delay never holds back a short one.
/// - `mailroom.dead` (direct): one parking queue per work queue. Work queues are quorum queues
///   with a delivery limit that dead-letter into their parking queue.
public struct Topology: Sendable {
    public static let workExchange = "mailroom"
    public static let delayExchange = "mailroom.delay"
    public static let parkingExchange = "mailroom.dead"
    /// The header that routes a retried message to its delay queue. Not `x-`-prefixed: a
    /// headers exchange ignores `x-` keys when matching, so a binding on such a key matches
    /// every message and each retry would be copied into every delay queue.
    public static let delayHeader = "mailroom-delay"
    /// The name the delay header had before; its bindings matched everything (see above).
    static let legacyDelayHeader = "x-mailroom-delay"

    public var eventsExchange: String
    public var ingestRoutingKeys: [String]
    public var retryDelays: [Duration]
    public var deliveryLimit: Int

    public init(eventsExchange: String, ingestRoutingKeys: [String], retryDelays: [Duration], deliveryLimit: Int) {
        self.eventsExchange = eventsExchange
        self.ingestRoutingKeys = ingestRoutingKeys
        self.retryDelays = retryDelays
        self.deliveryLimit = deliveryLimit
    }

    public static func delayQueue(for delay: Duration) -> String {
        "mailroom.delay.\(DurationText.format(delay))"
    }

    public func declare(on connection: AMQPConnection) throws {
        try connection.declareExchange(eventsExchange, type: .topic)
        try connection.declareExchange(Self.workExchange, type: .direct)
        try connection.declareExchange(Self.delayExchange, type: .headers)
        try connection.declareExchange(Self.parkingExchange, type: .direct)

        for queue in WorkQueue.allCases {
            try connection.declareQueue(queue.parkingQueue, arguments: ["x-queue-type": .string("quorum")])
            try connection.bindQueue(queue.parkingQueue, to: Self.parkingExchange, routingKey: queue.parkingQueue)

            try connection.declareQueue(
                queue.rawValue,
                arguments: [
                    "x-queue-type": .string("quorum"),
                    "x-delivery-limit": .int64(Int64(deliveryLimit)),
                    "x-dead-letter-exchange": .string(Self.parkingExchange),
                    "x-dead-letter-routing-key": .string(queue.parkingQueue),
                ])
            try connection.bindQueue(queue.rawValue, to: Self.workExchange, routingKey: queue.rawValue)
        }
        for key in ingestRoutingKeys {
            try connection.bindQueue(WorkQueue.ingest.rawValue, to: eventsExchange, routingKey: key)
        }

        for delay in retryDelays {
            let name = Self.delayQueue(for: delay)
            try connection.declareQueue(
                name,
                arguments: [
                    "x-message-ttl": .int64(Int64(delay.seconds * 1000)),
                    "x-dead-letter-exchange": .string(Self.workExchange),
                ])
            try connection.bindQueue(
                name, to: Self.delayExchange, routingKey: "",
                arguments: ["x-match": .string("all"), Self.delayHeader: .string(name)])
            // Removes the match-everything binding an older version declared; a no-op otherwise.
            try connection.unbindQueue(
                name, from: Self.delayExchange, routingKey: "",
                arguments: ["x-match": .string("all"), Self.legacyDelayHeader: .string(name)])
        }
    }
}
