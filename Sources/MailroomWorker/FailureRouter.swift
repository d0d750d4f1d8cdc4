import Templates
import AMQP
import Foundation
import MailroomCore
import MariaDB

/// Sends a message that could not be handled where it belongs: a transient failure to the next
/// delay queue (which returns it to its queue later), a permanent or exhausted one to its
/// parking queue with the reason in headers. Then acks the original, so nothing is dropped
/// and nothing loops.
struct FailureRouter: Sendable {
    var retryDelays: [Duration]
    var maxAttempts: Int

    /// Classifies any error a handler throws: its own verdict, else transient.
    static func classify(_ error: Error) -> MailroomFailure {
        switch error {
        case let failure as MailroomFailure: return failure
        case let error as DatabaseError: return .transient("database_\(error.kind)", error.description)
        default: return .transient("unexpected_error", "\(error)")
        }
    }

    /// The delay before attempt `attempt + 1`, after `attempt` failures.
    func delay(afterAttempt attempt: Int) -> Duration {
        retryDelays[min(max(attempt - 1, 0), retryDelays.count - 1)]
    }

    func route(
        failure: MailroomFailure, of delivery: AMQPDelivery, message: InboundMessage, queue: WorkQueue,
        on connection: AMQPConnection, logger: Logger
    ) throws {
        let attempts = message.previousAttempts + 1
        var properties = delivery.properties
        let now = AMQPFieldValue.timestamp(Date())
        properties.headers[MessageHeader.attempts] = .int64(Int64(attempts))
        properties.headers[MessageHeader.routingKey] = .string(message.routingKey)
        properties.headers[MessageHeader.originalQueue] = .string(queue.rawValue)
        properties.headers[MessageHeader.reason] = .string(failure.reason)
        properties.headers[MessageHeader.errorKind] = .string(failure.kind.rawValue)
        properties.headers[MessageHeader.detail] = .string(String(failure.detail.prefix(1000)))
        properties.headers[MessageHeader.lastFailure] = now
        if properties.headers[MessageHeader.firstFailure] == nil { properties.headers[MessageHeader.firstFailure] = now }

        let fields = [
            LogKey.queue: queue.rawValue, LogKey.reason: failure.reason, LogKey.errorKind: failure.kind.rawValue,
            LogKey.attempt: String(attempts), LogKey.eventID: message.messageID ?? "", LogKey.error: failure.detail,
        ]
        if failure.kind == .transient, attempts < maxAttempts {
            let delay = delay(afterAttempt: attempts)
            properties.headers[Topology.delayHeader] = .string(Topology.delayQueue(for: delay))
            try connection.publish(
                delivery.body, exchange: Topology.delayExchange, routingKey: queue.rawValue, properties: properties)
            logger.warning("will retry", fields.merging(["retry_in": DurationText.format(delay)]) { old, _ in old })
        } else {
            properties.headers[Topology.delayHeader] = nil
            try connection.publish(
                delivery.body, exchange: Topology.parkingExchange, routingKey: queue.parkingQueue, properties: properties)
            logger.error("message parked", fields)
        }
        try connection.ack(delivery)
    }
}
