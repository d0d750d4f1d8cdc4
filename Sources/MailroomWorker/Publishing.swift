import AMQP
import Foundation
import MailroomCore

extension AMQPConnection {
    /// Publishes what a handler asked for: persistent, confirmed, mandatory, with the ids set.
    public func publish(_ message: OutboundMessage, eventsExchange: String) throws {
        let (exchange, routingKey) =
            switch message.destination {
            case .event(let name): (eventsExchange, name)
            case .workQueue(let queue): (Topology.workExchange, queue.rawValue)
            }
        let properties = AMQPProperties(
            contentType: "application/json", persistent: true, correlationID: message.correlationID,
            messageID: message.messageID, timestamp: Date(), appID: "mailroom")
        try publish(message.body, exchange: exchange, routingKey: routingKey, properties: properties)
    }
}
