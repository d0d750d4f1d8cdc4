import AMQP
import Foundation
import MailroomCore
import MariaDB
import Templates

/// Sends a message that could not be handled where it belongs: a transient failure to a delay
/// queue (which returns it to its queue later), a permanent or exhausted one to its parking
/// queue with the reason in headers. Only after the broker confirmed that copy is the original
/// acked, so a crash in between leaves the original to be redelivered, never nothing.
///
/// Which delay and when to give up is `RetryPolicy`'s decision (jitter included).
struct FailureRouter: Sendable {
    var policy: RetryPolicy
    /// Counts retried and parked messages. Default: nil, counting nothing.
    var metrics: WorkerMetrics?

    init(retryDelays: [Duration], maxAttempts: Int, metrics: WorkerMetrics? = nil) {
        policy = RetryPolicy(delays: retryDelays, maxAttempts: maxAttempts)
        self.metrics = metrics
    }

    /// Classifies any error a handler throws: its own verdict, else transient.
    static func classify(_ error: Error) -> MailroomFailure {
        switch error {
        case let failure as MailroomFailure: return failure
        case let error as DatabaseError where error.kind == .rejectedValue:
            // The message carries a value its column cannot hold: no retry changes that.
            return .permanent("database_rejected_value", error.description)
        case let error as DatabaseError: return .transient("database_\(error.kind)", error.description)
        default: return .transient("unexpected_error", "\(error)")
        }
    }

    func route(
        failure: MailroomFailure, of delivery: AMQPDelivery, message: InboundMessage, queue: WorkQueue,
        on connection: AMQPConnection, logger: Logger
    ) throws {
        let attempts = message.previousAttempts + 1
        var properties = Self.failureProperties(delivery.properties, failure: failure, attempts: attempts)
        properties.headers[MessageHeader.routingKey] = .string(message.routingKey)
        properties.headers[MessageHeader.originalQueue] = .string(queue.rawValue)

        let fields = [
            LogKey.queue: queue.rawValue, LogKey.reason: failure.reason, LogKey.errorKind: failure.kind.rawValue,
            LogKey.attempt: String(attempts), LogKey.eventID: message.messageID ?? "", LogKey.error: failure.detail,
        ]
        switch policy.decide(after: failure.kind, attempts: attempts) {
        case .retry(let delay):
            properties.headers[Topology.delayHeader] = .string(Topology.delayQueue(for: delay))
            try connection.publish(
                delivery.body, exchange: Topology.delayExchange, routingKey: queue.rawValue, properties: properties)
            logger.warning("will retry", fields.merging(["retry_in": DurationText.format(delay)]) { old, _ in old })
            metrics?.retried(queue, reason: failure.reason)
        case .park:
            properties.headers[Topology.delayHeader] = nil
            properties.headers[Topology.legacyDelayHeader] = nil
            try connection.publish(
                delivery.body, exchange: Topology.parkingExchange, routingKey: queue.parkingQueue,
                properties: properties)
            logger.error("message parked", fields)
            metrics?.parked(queue, reason: failure.reason)
        }
        try connection.ack(delivery)
    }

    /// The message's properties with this failure recorded; the first failure time is kept.
    static func failureProperties(_ original: AMQPProperties, failure: MailroomFailure, attempts: Int)
        -> AMQPProperties
    {
        var properties = original
        let now = AMQPFieldValue.timestamp(Date())
        properties.persistent = true
        properties.headers[MessageHeader.attempts] = .int64(Int64(attempts))
        properties.headers[MessageHeader.reason] = .string(failure.reason)
        properties.headers[MessageHeader.errorKind] = .string(failure.kind.rawValue)
        properties.headers[MessageHeader.detail] = .string(String(failure.detail.prefix(1000)))
        properties.headers[MessageHeader.lastFailure] = now
        if properties.headers[MessageHeader.firstFailure] == nil {
            properties.headers[MessageHeader.firstFailure] = now
        }
        // The broker's count of this queue's deliveries means nothing on the copy.
        properties.headers[MessageHeader.deliveryCount] = nil
        return properties
    }
}
