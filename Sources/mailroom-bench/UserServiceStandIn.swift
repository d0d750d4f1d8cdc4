import AMQP
import Foundation
import MailroomWorker

/// A fast stand-in for the user service: consumes `userFetchInfo` from its own queue and
/// answers every user id with a made-up name and address (`userFetchInfoResponse`, echoing
/// the correlation_id), on several connections so that one confirm wait never holds the rest.
/// It logs nothing per message: its cost is not Mailroom's.
struct UserServiceStandIn {
    static let queue = "bench.user-service"
    static let requestEvent = "userFetchInfo"
    static let answerEvent = "userFetchInfoResponse"

    var amqp: AMQPConfiguration
    var exchange: String
    var threads: Int

    /// The answer the user service gives for a user id.
    static func answer(for userID: String) -> [UInt8] {
        let number = userID.split(separator: "-").last.map(String.init) ?? userID
        return Array(
            "{\"userId\":\"\(userID)\",\"name\":\"Bench User \(number)\",\"email\":\"\(userID)@bench.example\"}".utf8)
    }

    /// Declares the queue and its binding, so requests published before it runs are kept.
    static func declare(on connection: AMQPConnection, exchange: String) throws {
        try connection.declareExchange(exchange, type: .topic)
        _ = try connection.declareQueue(queue)
        try connection.bindQueue(queue, to: exchange, routingKey: requestEvent)
    }

    /// Serves until SIGTERM; returns the exit code.
    func run() -> Int32 {
        let stop = StopSignal()
        let signals = stop.installHandlers { _ in }
        let group = DispatchGroup()
        for lane in 0..<threads {
            group.enter()
            let settings = self
            let thread = Thread {
                defer { group.leave() }
                while !stop.isSet {
                    do {
                        try settings.serve(lane: lane, stop: stop)
                    } catch {
                        say("user-service stand-in \(lane): \(error); reconnecting")
                        stop.sleep(.milliseconds(500))
                    }
                }
            }
            thread.start()
        }
        group.wait()
        withExtendedLifetime(signals) {}
        return 0
    }

    private func serve(lane: Int, stop: StopSignal) throws {
        var configuration = amqp
        configuration.connectionName = "mailroom-bench user-service \(lane)"
        let connection = try AMQPConnection(configuration: configuration)
        defer { connection.close() }
        try Self.declare(on: connection, exchange: exchange)
        try connection.setPrefetch(100)
        try connection.consume(queue: Self.queue)

        while !stop.isSet {
            guard let delivery = try connection.nextDelivery(timeout: .milliseconds(500)) else { continue }
            let request = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
            if let userID = request?["userId"] as? String {
                try connection.publish(
                    Self.answer(for: userID), exchange: exchange, routingKey: Self.answerEvent,
                    properties: AMQPProperties(
                        contentType: "application/json", persistent: true,
                        correlationID: delivery.properties.correlationID, messageID: UUID().uuidString.lowercased(),
                        timestamp: Date(), appID: "mailroom-bench"))
            }
            try connection.ack(delivery)
        }
    }
}
