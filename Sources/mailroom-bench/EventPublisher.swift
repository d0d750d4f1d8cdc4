import AMQP
import Foundation
import Synchronization

/// Publishes a phase's trigger events to `events` as an upstream service would: persistent,
/// mandatory, each confirmed by the broker before the next, with `message_id` set. Several
/// threads share the work (thread k takes events k, k + threads, …); with a rate, event i is
/// due at start + i / rate whatever happened before it (an open loop, so a slow broker shows
/// up as latency rather than as a lower offered rate).
/// The connections stay open until `close()`: the broker counts a channel's messages in its
/// statistics only every few seconds, and forgets the last ones of a channel that closed.
final class EventPublisher {
    struct Outcome {
        var published: Int
        var seconds: Double
        var failures: [String]
    }

    let exchange: String
    let routingKey: String
    private let connections: [AMQPConnection]

    init(amqp: AMQPConfiguration, exchange: String, routingKey: String, threads: Int) throws {
        self.exchange = exchange
        self.routingKey = routingKey
        connections = try (0..<threads).map { lane in
            var configuration = amqp
            configuration.connectionName = "mailroom-bench publisher \(lane)"
            return try AMQPConnection(configuration: configuration)
        }
    }

    func close() {
        for connection in connections { connection.close() }
    }

    /// `body(index, publishedAtMicroseconds)` makes event `index`; `messageID(index)` names it.
    func publish(
        count: Int, rate: Double?, messageID: @escaping @Sendable (Int) -> String,
        body: @escaping @Sendable (Int, Int64) -> [UInt8]
    ) -> Outcome {
        let published = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        let began = Date()
        let start = began.addingTimeInterval(0.05)
        let (exchange, routingKey, lanes) = (self.exchange, self.routingKey, connections.count)

        for (lane, connection) in connections.enumerated() {
            group.enter()
            // Each connection is used by its own thread only.
            nonisolated(unsafe) let connection = connection
            let thread = Thread {
                defer { group.leave() }
                do {
                    for index in stride(from: lane, to: count, by: lanes) {
                        if let rate {
                            let wait = start.addingTimeInterval(Double(index) / rate).timeIntervalSinceNow
                            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                        }
                        let now = Date()
                        try connection.publish(
                            body(index, Int64(now.timeIntervalSince1970 * 1_000_000)), exchange: exchange,
                            routingKey: routingKey,
                            properties: AMQPProperties(
                                contentType: "application/json", persistent: true, messageID: messageID(index),
                                timestamp: now, appID: "mailroom-bench"))
                        published.add(1, ordering: .relaxed)
                    }
                } catch {
                    failures.withLock { $0.append("publisher \(lane): \(error)") }
                }
            }
            thread.start()
        }

        group.wait()
        return Outcome(
            published: published.load(ordering: .relaxed), seconds: -began.timeIntervalSinceNow,
            failures: failures.withLock { $0 })
    }
}
