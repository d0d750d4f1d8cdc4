import AMQP
import Foundation
import MailroomCore

extension AMQPOutgoingMessage {
    /// What a handler asked for, as the broker gets it: persistent, mandatory, with the ids set.
    public init(_ message: OutboundMessage, eventsExchange: String) {
        let (exchange, routingKey) =
            switch message.destination {
            case .event(let name): (eventsExchange, name)
            case .workQueue(let queue): (Topology.workExchange, queue.rawValue)
            }
        let properties = AMQPProperties(
            contentType: "application/json", persistent: true, correlationID: message.correlationID,
            messageID: message.messageID, timestamp: Date(), appID: "mailroom")
        self.init(body: message.body, exchange: exchange, routingKey: routingKey, properties: properties)
    }
}

extension AMQPConnection {
    /// Publishes what a handler asked for and waits for the broker's confirm.
    public func publish(_ message: OutboundMessage, eventsExchange: String) throws {
        try publish([AMQPOutgoingMessage(message, eventsExchange: eventsExchange)])
    }
}
