import AMQP
import Foundation
import MailroomCore

/// RabbitMQ's management HTTP API, read-only: the depth, consumers and rates of the queues of
/// Mailroom's virtual host.
///
/// `MAILROOM_MANAGEMENT_URL` (default `http://<host of MAILROOM_AMQP_URL>:15672`) says where it
/// is; the user and password are the URL's own if it has them, else those of
/// `MAILROOM_AMQP_URL`, and the virtual host is always `MAILROOM_AMQP_URL`'s. The user needs the
/// `monitoring` (or `management`) tag to see rates.
public struct ManagementAPI: Sendable {
    public static let variable = "MAILROOM_MANAGEMENT_URL"

    /// One queue as the management API reports it. Rates are per second, averaged by the
    /// broker over its last few seconds of statistics (they lag by up to 5 seconds).
    public struct Queue: Sendable, Equatable {
        public var name: String
        public var messages: Int
        public var ready: Int
        public var unacknowledged: Int
        public var consumers: Int
        public var publishRate: Double
        public var deliverRate: Double
    }

    /// Base URL without credentials, e.g. `http://127.0.0.1:15672`.
    public var baseURL: String
    public var user: String
    public var password: String
    public var virtualHost: String

    public init(environment: Environment = Environment(), amqp: AMQPConfiguration) throws(ConfigurationError) {
        let fallback = "http://\(amqp.host.contains(":") ? "[\(amqp.host)]" : amqp.host):15672"
        let text = try environment.string(Self.variable, default: fallback)
        guard var components = URLComponents(string: text), let scheme = components.scheme,
            ["http", "https"].contains(scheme.lowercased()), components.host?.isEmpty == false
        else {
            throw ConfigurationError(variable: Self.variable, problem: "is not an http:// or https:// URL")
        }

        user = components.user.flatMap { $0.removingPercentEncoding } ?? amqp.user
        password = components.password.flatMap { $0.removingPercentEncoding } ?? amqp.password
        components.user = nil
        components.password = nil
        components.path = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        baseURL = components.string ?? fallback
        virtualHost = amqp.virtualHost
    }

    /// The queues of the virtual host whose names start with `mailroom.`, sorted by name.
    public func mailroomQueues() throws -> [Queue] {
        let vhost = virtualHost.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? virtualHost
        let columns = [
            "name", "messages", "messages_ready", "messages_unacknowledged", "consumers",
            "message_stats.publish_details.rate", "message_stats.deliver_get_details.rate",
        ].joined(separator: ",")
        let url = "\(baseURL)/api/queues/\(vhost)?columns=\(columns)"

        let reply = try HTTPGet.fetch(url, user: user, password: password)
        guard reply.status == 200 else {
            throw HTTPGet.Failure(url: url, message: "HTTP \(reply.status) (is the user allowed to monitor?)")
        }
        guard let list = try? JSONSerialization.jsonObject(with: reply.body) as? [[String: Any]] else {
            throw HTTPGet.Failure(url: url, message: "the answer is not a JSON list of queues")
        }
        return list.compactMap(Self.queue).filter { $0.name.hasPrefix("mailroom.") }.sorted { $0.name < $1.name }
    }

    private static func queue(_ object: [String: Any]) -> Queue? {
        guard let name = object["name"] as? String else { return nil }
        let stats = object["message_stats"] as? [String: Any]
        func number(_ key: String) -> Int { (object[key] as? NSNumber)?.intValue ?? 0 }
        func rate(_ key: String) -> Double {
            ((stats?[key] as? [String: Any])?["rate"] as? NSNumber)?.doubleValue ?? 0
        }
        return Queue(
            name: name, messages: number("messages"), ready: number("messages_ready"),
            unacknowledged: number("messages_unacknowledged"), consumers: number("consumers"),
            publishRate: rate("publish_details"), deliverRate: rate("deliver_get_details"))
    }
}
