import AMQP
import Foundation
import MailroomCore
import MailroomWorker

/// Answers request events from a fixture: `{ requestEvent: { keyField, answer, records } }`.
final class DemoServices {
    struct Service {
        var keyField: String
        var answerEvent: String
        var records: [String: [String: Any]]
    }

    private let services: [String: Service]
    private let queue: String
    private let silentUntil: Date
    /// Requests still to ignore (`--ignore-first`), whatever the clock says.
    private var requestsToIgnore: Int
    private let configuration: MailroomConfiguration
    private let logger: Logger

    init(arguments: [String]) throws {
        var options: [String: String] = [:]
        var index = 0
        while index + 1 < arguments.count {
            options[String(arguments[index].drop { $0 == "-" })] = arguments[index + 1]
            index += 2
        }
        configuration = try MailroomConfiguration()
        logger = Logger(worker: "mailroom-demo-services", level: configuration.logLevel)
        queue = options["queue"] ?? "demo.services"
        silentUntil = Date().addingTimeInterval(Double(options["silent-for"] ?? "0") ?? 0)
        requestsToIgnore = Int(options["ignore-first"] ?? "0") ?? 0
        services = try Self.load(options["fixtures"] ?? "Deploy/demo/services.json")
    }

    private static func load(_ file: String) throws -> [String: Service] {
        guard let data = FileManager.default.contents(atPath: file),
            let root = try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
        else { throw ConfigurationError(variable: "--fixtures", problem: "\(file) is missing or not a JSON object") }

        var services: [String: Service] = [:]
        for (event, object) in root {
            guard let keyField = object["keyField"] as? String, let answer = object["answer"] as? String,
                let records = object["records"] as? [String: [String: Any]]
            else {
                throw ConfigurationError(variable: "--fixtures", problem: "\(event) needs keyField, answer, records")
            }
            services[event] = Service(keyField: keyField, answerEvent: answer, records: records)
        }
        return services
    }

    func run() -> Int32 {
        let stop = StopSignal()
        let signals = stop.installHandlers { _ in }
        defer { withExtendedLifetime(signals) {} }

        while !stop.isSet {
            do {
                try serve(stop: stop)
            } catch {
                logger.warning("connection lost; reconnecting", [LogKey.error: "\(error)"])
                stop.sleep(.seconds(1))
            }
        }
        return 0
    }

    private func serve(stop: StopSignal) throws {
        let connection = try AMQPConnection(configuration: AMQPConfiguration(url: configuration.amqpURL))
        defer { connection.close() }
        try connection.declareExchange(configuration.eventsExchange, type: .topic)
        try connection.declareQueue(queue)
        for event in services.keys.sorted() {
            try connection.bindQueue(queue, to: configuration.eventsExchange, routingKey: event)
        }
        try connection.setPrefetch(50)
        try connection.consume(queue: queue)
        logger.info("serving", ["events": services.keys.sorted().joined(separator: ",")])

        while !stop.isSet {
            guard let delivery = try connection.nextDelivery(timeout: .seconds(1)) else { continue }
            if requestsToIgnore > 0 {
                requestsToIgnore -= 1
            } else if Date() >= silentUntil, let answer = answer(delivery) {
                try connection.publish(
                    answer.body, exchange: configuration.eventsExchange, routingKey: answer.event,
                    properties: AMQPProperties(
                        contentType: "application/json", persistent: true,
                        correlationID: delivery.properties.correlationID,
                        messageID: UUID().uuidString.lowercased(), timestamp: Date(), appID: "demo-services"))
            }
            try connection.ack(delivery)
        }
    }

    private func answer(_ delivery: AMQPDelivery) -> (event: String, body: [UInt8])? {
        guard let service = services[delivery.routingKey],
            let request = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any],
            let key = request[service.keyField] as? String
        else {
            logger.warning("unreadable request ignored", [LogKey.routingKey: delivery.routingKey])
            return nil
        }
        var body: [String: Any] = service.records[key] ?? ["error": "not_found"]
        body[service.keyField] = key
        logger.info(
            "answering",
            [LogKey.routingKey: delivery.routingKey, LogKey.correlationID: delivery.properties.correlationID ?? ""])
        guard let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) else { return nil }
        return (service.answerEvent, Array(data))
    }
}
