import AMQP
import Foundation
import MariaDB

extension Sandbox {
    /// Declares the topology, a queue per request event that counts what Mailroom asked
    /// (`test.<event>`), starts the demo services and one copy of each worker.
    func startMailroom(
        counting requestEvents: [String] = ["userFetchInfo"], environment: [String: String] = [:],
        workers: [String] = ["mailroom-ingest", "mailroom-engine", "mailroom-sender"],
        fixtures: String = "Deploy/demo/services.json"
    ) throws -> AMQPConnection {
        try shell(Sandbox.binDirectory + "/mailroomctl", ["topology"], environment: self.environment(environment))
        let broker = try broker()
        for event in requestEvents {
            try broker.declareQueue("test.\(event)")
            try broker.bindQueue("test.\(event)", to: "events", routingKey: event)
        }

        try startMailroom("mailroom-demo-services", arguments: ["--fixtures", fixtures])
        let settings = environment.merging(["MAILROOM_CONCURRENCY": "2"]) { old, _ in old }
        for worker in workers where processes[worker] == nil {
            try startMailroom(worker, environment: settings)
        }
        Thread.sleep(forTimeInterval: 1.5)
        return broker
    }

    /// How many requests Mailroom published under this event name.
    func requestCount(_ event: String, on broker: AMQPConnection) throws -> UInt32 {
        try broker.inspectQueue("test.\(event)").messageCount
    }

    func count(_ database: DatabaseConnection, _ from: String) throws -> Int64 {
        try database.query("SELECT COUNT(*) AS n FROM \(from)").first?.int("n") ?? -1
    }

    /// Waits until `emails` emails are in a final state (sent or failed); false on timeout.
    func settle(_ emails: Int64, _ database: DatabaseConnection, timeout: Duration = .seconds(60)) -> Bool {
        eventually(timeout: timeout) {
            (try? count(database, "email_info WHERE status IN ('sent', 'failed')")) == emails
        }
    }
}

extension Sandbox {
    /// Writes a fixture for mailroom-demo-services answering userFetchInfo from these users
    /// (user id → name and email); returns its path.
    func userFixture(_ users: [String: (name: String, email: String)]) throws -> String {
        var records: [String: [String: String]] = [:]
        for (id, user) in users { records[id] = ["name": user.name, "email": user.email] }
        let fixture = ["userFetchInfo": ["keyField": "userId", "answer": "userFetchInfoResponse", "records": records]]
        let path = logDirectory + "/users.json"
        try JSONSerialization.data(withJSONObject: fixture).write(to: URL(fileURLWithPath: path))
        return path
    }
}

extension AMQPConnection {
    /// Publishes an event as an upstream service would.
    func publishEvent(_ name: String, _ data: [String: Any], id: String) throws {
        let body = try JSONSerialization.data(withJSONObject: data)
        try publish(
            Array(body), exchange: "events", routingKey: name,
            properties: AMQPProperties(contentType: "application/json", messageID: id, timestamp: Date()))
    }
}
