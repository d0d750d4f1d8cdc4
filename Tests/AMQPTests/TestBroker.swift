import AMQP
import Foundation

/// The broker the integration tests use: MAILROOM_TEST_AMQP_URL, or the dev broker.
enum TestBroker {
    static let url =
        ProcessInfo.processInfo.environment["MAILROOM_TEST_AMQP_URL"] ?? "amqp://mailroom:mailroom@127.0.0.1:5672/%2F"

    static func configuration(
        name: String = uniqueName("conn"), operationTimeout: Duration = .seconds(5), heartbeat: Duration = .seconds(30)
    ) throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: url)
        configuration.connectionName = name
        configuration.operationTimeout = operationTimeout
        configuration.heartbeat = heartbeat
        return configuration
    }

    static func connect(name: String = uniqueName("conn"), operationTimeout: Duration = .seconds(5)) throws
        -> AMQPConnection
    {
        try AMQPConnection(configuration: configuration(name: name, operationTimeout: operationTimeout))
    }

    static func uniqueName(_ prefix: String) -> String {
        "amqp-test.\(prefix).\(UUID().uuidString.prefix(8))"
    }

    /// Arguments that make the broker delete a test queue a minute after its last use, so
    /// tests leave nothing behind on the shared broker even when they fail.
    static let expiring: AMQPTable = ["x-expires": .int64(60_000)]

    /// A transient queue private to one test, deleted by the broker once unused.
    static func temporaryQueue(_ connection: AMQPConnection, arguments: AMQPTable = [:]) throws -> String {
        let name = uniqueName("queue")
        try connection.declareQueue(
            name, durable: false, arguments: arguments.merging(expiring) { given, _ in given })
        return name
    }

    /// Runs `rabbitmqctl` and returns its standard output; throws when it fails.
    @discardableResult
    static func rabbitmqctl(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/rabbitmqctl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RabbitmqctlFailed(arguments: arguments, status: process.terminationStatus)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The client properties advertised by the connection whose client set `connection_name`,
    /// as `[name, type, value]` triples (rabbitmqctl's JSON).
    static func clientProperties(ofConnectionNamed connectionName: String) throws -> [[Any]] {
        for _ in 0..<20 {
            let output = try rabbitmqctl(
                "list_connections", "name", "client_properties", "--formatter", "json", "--quiet")
            let listed = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] ?? []
            for connection in listed {
                let properties = connection["client_properties"] as? [[Any]] ?? []
                let isIt = properties.contains {
                    $0.first as? String == "connection_name" && $0.last as? String == connectionName
                }
                if isIt {
                    return properties
                }
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw RabbitmqctlFailed(arguments: ["list_connections: no connection named \(connectionName)"], status: 0)
    }

    /// The Erlang process id of the connection whose client set `connection_name`, the form
    /// `rabbitmqctl close_connection` accepts.
    static func connectionProcess(named connectionName: String) throws -> String {
        for _ in 0..<20 {
            let output = try rabbitmqctl("list_connections", "pid", "client_properties", "--quiet")
            let line = output.split(separator: "\n").first {
                $0.contains("{\"connection_name\",\"\(connectionName)\"}")
            }
            if let line, let pid = line.split(separator: "\t").first {
                return String(pid)
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw RabbitmqctlFailed(arguments: ["list_connections: no connection named \(connectionName)"], status: 0)
    }

    struct RabbitmqctlFailed: Error {
        var arguments: [String]
        var status: Int32
    }
}
