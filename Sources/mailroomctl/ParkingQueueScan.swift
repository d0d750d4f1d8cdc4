import AMQP
import Foundation
import MailroomWorker

/// Reads the messages of parking queues one by one with basic.get (manual acknowledgement), so
/// the operator's commands can look at each and remove the ones they act on.
///
/// What this does to the queue: every message read stays unacknowledged on this connection
/// until `remove` acks it or `finish` closes the connection, which hands every kept message
/// back at once. Kept messages are never nacked one by one: a requeued message would be served
/// again by the next basic.get and the scan would go round in circles. The parking queues are
/// quorum queues, which serve returned messages before the others, so after a scan the kept
/// ones may stand ahead of messages parked meanwhile, in an order the broker chooses. Nothing in
/// Mailroom depends on the order of a parking queue. Each return also raises the quorum queue's
/// `x-delivery-count` of the message, which is harmless because parking queues have no delivery
/// limit (RabbitMQ 4 gives quorum queues a default limit of 20: declare the parking queues with
/// no limit before moving to it, or a message looked at often enough would be dropped).
///
/// If the command dies halfway, the connection drops and the broker returns every message not
/// yet acked: nothing is lost, and only messages whose removal was acked are gone.
final class ParkingQueueScan {
    private let connection: AMQPConnection
    private let started = Date()

    init(configuration: AMQPConfiguration) throws {
        var settings = configuration
        settings.connectionName = "mailroomctl dead #\(ProcessInfo.processInfo.processIdentifier)"
        connection = try AMQPConnection(configuration: settings)
    }

    /// The connection, to publish replays on (in confirm mode, like every Mailroom channel).
    var broker: AMQPConnection { connection }

    /// Calls `visit` once for each message that was in `queue` when the scan of it began. A
    /// message replayed after this scan started and parked again meanwhile is skipped, so a
    /// replay whose cause is not fixed cannot go round forever.
    func scan(_ queue: String, visit: (ParkedMessage) throws -> Void) throws {
        let present = try connection.inspectQueue(queue).messageCount
        for _ in 0..<present {
            guard let delivery = try connection.get(queue: queue) else { return }
            let message = ParkedMessage(delivery, parkingQueue: queue)
            if let replayed = message.replayedAt, replayed >= started.addingTimeInterval(-1) { continue }
            try visit(message)
        }
    }

    /// Removes a message for good (basic.ack).
    func remove(_ message: ParkedMessage) throws {
        try connection.ack(message.delivery)
    }

    /// Returns every kept message to its queue by closing the connection.
    func finish() {
        connection.close()
    }
}
