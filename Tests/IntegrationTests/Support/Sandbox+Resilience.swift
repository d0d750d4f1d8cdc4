import AMQP
import Foundation
import MariaDB

/// What the failure tests share: many users for the demo user service, bursts of events,
/// killing a worker outright, and counting what the SMTP sink received by Message-ID.
extension Sandbox {
    /// Writes a fixture for mailroom-demo-services that knows `count` users (`u-2000`, …), each
    /// with an address of its own; returns the file's path and the user ids in order.
    func writeUserFixture(count: Int) throws -> (path: String, users: [String]) {
        let users = (0..<count).map { "u-\(2000 + $0)" }
        var records: [String: [String: String]] = [:]
        for (index, user) in users.enumerated() {
            records[user] = ["name": "Burst User \(index)", "email": "burst-\(index)@example.com"]
        }
        let fixture: [String: Any] = [
            "userFetchInfo": ["keyField": "userId", "answer": "userFetchInfoResponse", "records": records]
        ]
        let path = NSTemporaryDirectory() + name + "/users.json"
        try JSONSerialization.data(withJSONObject: fixture).write(to: URL(fileURLWithPath: path))
        return (path, users)
    }

    /// Publishes one `authAccessTokenCreated` per user, as the auth service would.
    func publishTokens(for users: [String], on broker: AMQPConnection, eventPrefix: String = "burst") throws {
        for (index, user) in users.enumerated() {
            try broker.publishEvent(
                "authAccessTokenCreated", ["userId": user, "accessToken": String(format: "%06d", index)],
                id: "\(eventPrefix)-\(user)")
        }
    }

    /// The process id of a running process this sandbox started.
    func pid(_ label: String) -> Int32? {
        processes[label].map(\.processIdentifier)
    }

    /// Whether the process is still the one that was started (same id, still running).
    func isRunning(_ label: String) -> Bool {
        processes[label]?.isRunning ?? false
    }

    /// `kill -9`: the process gets no chance to finish anything. Waits until it is gone.
    func killHard(_ label: String) {
        guard let process = processes[label] else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Every Message-ID the sink received, with how many copies of each.
    func receivedMessageIDs() -> [String: Int] {
        var copies: [String: Int] = [:]
        for file in receivedMail() {
            copies[Self.messageID(in: file) ?? file, default: 0] += 1
        }
        return copies
    }

    /// When the sink received each copy of a message, oldest first.
    func receivedTimes(of messageID: String) -> [Date] {
        receivedMail().filter { Self.messageID(in: $0) == messageID }.compactMap { file in
            (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date
        }.sorted()
    }

    /// The Message-ID header of a stored message, without its angle brackets.
    static func messageID(in file: String) -> String? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        let text = String(decoding: data.prefix(8192), as: UTF8.self)
        for line in text.components(separatedBy: "\r\n") {
            if line.isEmpty { break }
            guard line.lowercased().hasPrefix("message-id:") else { continue }
            return line.dropFirst("message-id:".count).trimmingCharacters(in: CharacterSet(charactersIn: " <>"))
        }
        return nil
    }

    /// The email id a Mailroom Message-ID (`mailroom.email-ID@domain`) names.
    static func emailID(fromMessageID messageID: String) -> Int64? {
        guard let start = messageID.range(of: "mailroom.email-"), let end = messageID.firstIndex(of: "@") else {
            return nil
        }
        return Int64(messageID[start.upperBound..<end])
    }

    /// How many lines of a process's log contain `text`.
    func logLines(_ label: String, containing text: String) -> Int {
        log(label).split(separator: "\n").filter { $0.contains(text) }.count
    }

    /// `rabbitmqctl list_queues` in this sandbox's virtual host: name → (ready, unacknowledged).
    func queueDepths() throws -> [String: (ready: Int, unacknowledged: Int)] {
        let output = try shell(
            "/usr/sbin/rabbitmqctl",
            [
                "-q", "list_queues", "-p", name, "--no-table-headers", "name", "messages_ready",
                "messages_unacknowledged",
            ])
        var depths: [String: (ready: Int, unacknowledged: Int)] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard fields.count == 3, let ready = Int(fields[1]), let unacknowledged = Int(fields[2]) else { continue }
            depths[String(fields[0])] = (ready, unacknowledged)
        }
        return depths
    }
}

extension Sandbox {
    /// Restarts the demo user service so that it ignores every request for `seconds` from now,
    /// and the first `requests` requests whenever they come.
    func restartServices(
        silentFor seconds: Int = 0, ignoringFirst requests: Int = 0, fixtures: String = "Deploy/demo/services.json"
    ) throws {
        stop("mailroom-demo-services")
        try startMailroom(
            "mailroom-demo-services",
            arguments: ["--fixtures", fixtures, "--silent-for", String(seconds), "--ignore-first", String(requests)])
    }

    /// Takes every request counted in `test.<event>` (see `startMailroom`) and returns how
    /// many there were per key (the value of `keyField` in each body).
    func takeRequests(_ event: String, keyField: String = "userId", on broker: AMQPConnection) throws -> [String: Int] {
        var perKey: [String: Int] = [:]
        while let delivery = try broker.get(queue: "test.\(event)") {
            let body = try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
            perKey[body?[keyField] as? String ?? "?", default: 0] += 1
            try broker.ack(delivery)
        }
        return perKey
    }
}

extension Sandbox {
    /// A broker connection of a worker in this sandbox, as `rabbitmqctl list_connections` sees it.
    struct BrokerConnection: Equatable {
        /// The broker's process for the connection, what `rabbitmqctl close_connection` takes.
        var process: String
        var connectedAt: String
    }

    /// This sandbox's connections whose client-given name starts with `worker` (e.g.
    /// `mailroom-sender`). `list_connections` shows every virtual host: filtered here.
    func brokerConnections(of worker: String) throws -> [BrokerConnection] {
        let output = try shell(
            "/usr/sbin/rabbitmqctl",
            ["-q", "list_connections", "--no-table-headers", "vhost", "pid", "connected_at", "client_properties"])
        return output.split(separator: "\n").filter { $0.contains("{\"connection_name\",\"\(worker)#") }.compactMap {
            let fields = $0.split(separator: "\t")
            guard fields.count >= 3, fields[0] == name else { return nil }
            return BrokerConnection(process: String(fields[1]), connectedAt: String(fields[2]))
        }
    }

    /// Has the broker close a connection, as an operator (or a broker shutting down) would.
    func closeBrokerConnection(_ connection: BrokerConnection, reason: String) throws {
        try shell("/usr/sbin/rabbitmqctl", ["-q", "close_connection", connection.process, reason])
    }
}
