import AMQP
import Foundation
import MailroomWorker
import Testing

/// What an operator sees of a run: /metrics, /readyz, the logs, `mailroomctl status` and
/// `trace`, and whether the Prometheus, Grafana and systemd files in Deploy/ hold up.
@Suite struct OperationsTests {
    static let promtool = "/usr/bin/promtool"

    /// Three known users, one unknown, one event that is not JSON, and a mail server that
    /// answers 451 to the first message: every number below is what happened, exactly.
    @Test func aFullRunShowsExactlyWhatHappenedInMetricsLogsStatusAndTrace() throws {
        let secrets = RunSecrets()
        let sandbox = try Sandbox(
            "ops", sinkArguments: ["--data-replies", "451,250", "--auth", "mailer:\(secrets.smtpPassword)"])
        defer { sandbox.tearDown() }
        let accounts = try OperatorAccounts(sandbox: sandbox, secrets: secrets)
        defer { accounts.remove() }

        let ports = Dictionary(uniqueKeysWithValues: Self.workers.map { ($0, freePort()) })
        var environment = accounts.environment
        environment["MAILROOM_MAILER_DSN"] = "smtp://mailer:\(secrets.smtpPassword)@127.0.0.1:\(sandbox.smtpPort)"
        environment["MAILROOM_RETRY_DELAYS"] = "1s"
        environment["MAILROOM_CONCURRENCY"] = "2"
        for worker in Self.workers where worker != "mailroom-sweeper" {
            try sandbox.startMailroom(
                worker, environment: environment.merging(["MAILROOM_HTTP_PORT": "\(ports[worker]!)"]) { $1 })
        }
        try sandbox.startMailroom(
            "mailroom-sweeper", arguments: ["--every", "1s", "--stuck-after", "10m"],
            environment: environment.merging(["MAILROOM_HTTP_PORT": "\(ports["mailroom-sweeper"]!)"]) { $1 })
        let broker = try sandbox.startMailroom(environment: environment)

        for (user, token) in secrets.tokens.sorted(by: { $0.key < $1.key }) {
            try broker.publishEvent(
                "authAccessTokenCreated", ["userId": user, "accessToken": token], id: "event-\(user)")
        }
        try broker.publish(
            Array("not json".utf8), exchange: "events", routingKey: "authAccessTokenCreated",
            properties: AMQPProperties(contentType: "application/json", messageID: "event-not-json", timestamp: Date()))

        let scrape = { (worker: String) in MetricsText(try HTTPGet.fetch("http://127.0.0.1:\(ports[worker]!)/metrics"))
        }
        let settled = eventually {
            sandbox.receivedMail().count == 3
                && (try? scrape("mailroom-sender").value(
                    "mailroom_emails_sent_total", ["template": "auth-access-token"]))
                    == 3
                && (try? scrape("mailroom-ingest").value(
                    "mailroom_messages_consumed_total", ["queue": "mailroom.ingest"]))
                    == 9
                && (try? scrape("mailroom-engine").value("mailroom_messages_acked_total", ["queue": "mailroom.engine"]))
                    == 8
        }
        #expect(settled, "logs:\n\(Self.workers.map(sandbox.log).joined(separator: "\n"))")
        Thread.sleep(forTimeInterval: 1.5)

        var metrics: [String: MetricsText] = [:]
        for worker in Self.workers { metrics[worker] = try scrape(worker) }
        try expectMetrics(metrics)
        try expectLogs(sandbox, secrets: secrets)
        try expectStatus(sandbox, environment: environment)
        try expectTrace(environment: environment)
        try expectDashboardNamesExist(metrics)
    }

    /// The workers this run starts with HTTP on.
    static let workers = ["mailroom-ingest", "mailroom-engine", "mailroom-sender", "mailroom-sweeper"]

    private func expectMetrics(_ metrics: [String: MetricsText]) throws {
        let ingest = try #require(metrics["mailroom-ingest"])
        let engine = try #require(metrics["mailroom-engine"])
        let sender = try #require(metrics["mailroom-sender"])
        let ingestQueue = ["queue": "mailroom.ingest"]
        let sendQueue = ["queue": "mailroom.send"]

        // Ingest: five triggers (one not JSON) and four answers (one not_found).
        #expect(ingest.value("mailroom_messages_consumed_total", ingestQueue) == 9)
        #expect(ingest.value("mailroom_messages_acked_total", ingestQueue) == 8)
        #expect(ingest.value("mailroom_messages_parked_total", ingestQueue + ["reason": "invalid_json"]) == 1)
        #expect(ingest.value("mailroom_provider_answers_total", ["provider": "user", "outcome": "ok"]) == 3)
        #expect(ingest.value("mailroom_provider_answers_total", ["provider": "user", "outcome": "not_found"]) == 1)

        // Engine: a job per reference and per answer; four requests; the unknown user fails.
        #expect(engine.value("mailroom_messages_consumed_total", ["queue": "mailroom.engine"]) == 8)
        #expect(engine.value("mailroom_provider_requests_total", ["provider": "user"]) == 4)
        #expect(
            engine.value("mailroom_emails_failed_total", ["template": "auth-access-token", "reason": "user_not_found"])
                == 1)

        // Sender: three emails, one of them deferred once with 451.
        #expect(sender.value("mailroom_emails_sent_total", ["template": "auth-access-token"]) == 3)
        #expect(sender.value("mailroom_messages_consumed_total", sendQueue) == 4)
        #expect(sender.value("mailroom_messages_acked_total", sendQueue) == 3)
        #expect(sender.value("mailroom_messages_retried_total", sendQueue + ["reason": "smtp_451"]) == 1)
        #expect(sender.value("mailroom_smtp_send_seconds_count", ["outcome": "accepted"]) == 3)
        #expect(sender.value("mailroom_smtp_send_seconds_count", ["outcome": "transient"]) == 1)
        #expect(sender.value("mailroom_messages_in_flight", sendQueue) == 0)

        for (worker, text) in metrics {
            #expect(text.value("mailroom_build_info", ["version": BuildInfo.version, "worker": worker]) == 1)
            #expect(try promtool(["check", "metrics"], input: text.text).status == 0, "\(worker):\n\(text.text)")
        }
        for worker in ["mailroom-ingest", "mailroom-engine", "mailroom-sender"] {
            let text = try #require(metrics[worker])
            #expect(text.value("mailroom_consumers_ready") == 2, "\(worker)")
            #expect((text.value("mailroom_database_transaction_seconds_count", ["outcome": "commit"]) ?? 0) > 0)
        }
        let sweeper = try #require(metrics["mailroom-sweeper"])
        #expect(sweeper.value("mailroom_emails", ["status": "sent"]) == 3)
        #expect(sweeper.value("mailroom_emails", ["status": "failed"]) == 1)
        #expect((sweeper.value("mailroom_emails_oldest_seconds", ["status": "sent"]) ?? 0) > 0)
        #expect(sweeper.value("mailroom_emails_oldest_seconds", ["status": "pending"]) == 0, "none pending")
    }

    private func expectLogs(_ sandbox: Sandbox, secrets: RunSecrets) throws {
        var logged: [[String: Any]] = []
        for worker in Self.workers + ["mailroom-demo-services"] {
            for line in sandbox.log(worker).split(separator: "\n") {
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object != nil, "\(worker) wrote a line that is not a JSON object: \(line)")
                guard let object else { continue }
                for key in ["time", "level", "worker", "message"] {
                    #expect(object[key] is String, "\(worker): no \(key) in \(line)")
                }
                for secret in secrets.all {
                    #expect(!line.contains(secret), "\(worker) logged a secret: \(line)")
                }
                logged.append(object)
            }
        }

        func lines(_ message: String) -> [[String: Any]] { logged.filter { $0["message"] as? String == message } }
        func nonEmpty(_ line: [String: Any], _ key: String) -> Bool { !((line[key] as? String) ?? "").isEmpty }
        #expect(lines("reference created").count == 4)
        #expect(lines("reference created").allSatisfy { nonEmpty($0, "event_id") && nonEmpty($0, "reference_id") })
        #expect(lines("requesting data").count == 4)
        #expect(lines("requesting data").allSatisfy { nonEmpty($0, "reference_id") && nonEmpty($0, "correlation_id") })
        #expect(lines("provider answered").allSatisfy { nonEmpty($0, "correlation_id") && nonEmpty($0, "event_id") })
        #expect(lines("email sent").count == 3)
        #expect(lines("email sent").allSatisfy { nonEmpty($0, "email_id") && nonEmpty($0, "reference_id") })
        #expect(lines("will retry").count == 1)
        #expect(lines("will retry").allSatisfy { nonEmpty($0, "email_id") && $0["reason"] as? String == "smtp_451" })
        #expect(lines("message parked").map { $0["event_id"] as? String } == ["event-not-json"])
    }

    private func expectStatus(_ sandbox: Sandbox, environment: [String: String]) throws {
        let mailroomctl = Sandbox.binDirectory + "/mailroomctl"
        let environment = sandbox.environment(environment)

        // The management API refreshes its numbers every few seconds.
        var report: [String: Any] = [:]
        let reported = try eventually(timeout: .seconds(30)) {
            let output = try shell(mailroomctl, ["status", "--json"], environment: environment)
            report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            let parked = report["parked"] as? [[String: Any]] ?? []
            let queues = report["queues"] as? [[String: Any]] ?? []
            return parked.contains { $0["queue"] as? String == "mailroom.ingest.dead" && $0["messages"] as? Int == 1 }
                && queues.contains { $0["name"] as? String == "mailroom.send" && $0["consumers"] as? Int == 2 }
        }
        #expect(reported, "status --json said: \(report)")

        let queues = report["queues"] as? [[String: Any]] ?? []
        let kinds = Dictionary(queues.map { ($0["name"] as? String ?? "", $0["kind"] as? String ?? "") }) { a, _ in a }
        #expect(kinds["mailroom.ingest"] == "work")
        #expect(kinds["mailroom.send.dead"] == "parking")
        #expect(kinds["mailroom.delay.1s"] == "delay")
        let emails = report["emails"] as? [[String: Any]] ?? []
        let counts = Dictionary(emails.map { ($0["status"] as? String ?? "", $0["count"] as? Int ?? -1) }) { a, _ in a }
        #expect(counts == ["sent": 3, "failed": 1])
        #expect((report["errors"] as? [Any])?.isEmpty == true)

        let text = try shell(mailroomctl, ["status"], environment: environment)
        #expect(text.contains("mailroom.ingest.dead"))
        #expect(text.contains("sent"))
    }

    private func expectTrace(environment: [String: String]) throws {
        let mailroomctl = Sandbox.binDirectory + "/mailroomctl"
        func trace(_ id: String) throws -> [[String: Any]] {
            let output = try shell(mailroomctl, ["trace", id, "--json"], environment: environment)
            let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
            return try #require(object?["references"] as? [[String: Any]])
        }
        func steps(_ reference: [String: Any]) -> [[String: Any]] { reference["steps"] as? [[String: Any]] ?? [] }
        func names(_ reference: [String: Any]) -> [String] { steps(reference).compactMap { $0["step"] as? String } }

        let known = try trace("event-u-1001")
        #expect(known.count == 1)
        #expect(
            names(known[0]) == ["event_received", "email_written", "request_sent", "answer_received", "email_sent"])

        let unknown = try #require(try trace("event-u-404").first)
        #expect(
            names(unknown) == ["event_received", "email_written", "request_sent", "answer_received", "email_failed"])
        let details = steps(unknown).compactMap { $0["details"] as? [String: String] }
        #expect(details[3]["error"] == "not_found")
        #expect(details[4]["reason"] == "user_not_found")

        // One email was deferred once: two attempts, and it went out.
        let sent = try ["u-1001", "u-1002", "u-1003"].flatMap { try trace("event-\($0)") }.flatMap(steps)
            .filter { $0["step"] as? String == "email_sent" }.compactMap { $0["details"] as? [String: String] }
        #expect(sent.map { $0["attempts"] }.sorted { ($0 ?? "") < ($1 ?? "") } == ["1", "1", "2"])
        #expect(sent.allSatisfy { $0["message_id"]?.hasPrefix("mailroom.email-") == true })

        // By reference id too, as text, in order.
        let referenceID = try #require(known[0]["reference_id"] as? Int)
        let text = try shell(mailroomctl, ["trace", String(referenceID)], environment: environment)
        let received = try #require(text.range(of: "event_received"))
        let delivered = try #require(text.range(of: "email_sent"))
        #expect(received.lowerBound < delivered.lowerBound, "\(text)")
    }

    /// Every metric the dashboard asks for is one the workers or the broker export.
    private func expectDashboardNamesExist(_ metrics: [String: MetricsText]) throws {
        let queries = try Self.dashboardQueries()
        let exported = metrics.values.reduce(into: Set<String>()) { $0.formUnion($1.families) }
        let broker = try HTTPGet.fetch(
            "http://127.0.0.1:15692/metrics/detailed?family=queue_coarse_metrics&family=queue_metrics"
                + "&family=channel_queue_exchange_metrics&family=channel_queue_metrics")
        let brokerNames = MetricsText(broker).families

        let pattern = try Regex(#"\b(mailroom|rabbitmq)_[a-z_]+"#)
        for query in queries {
            for match in query.matches(of: pattern) {
                let name = String(query[match.range])
                if name.hasPrefix("rabbitmq_") {
                    #expect(brokerNames.contains(name), "the broker exports no \(name)")
                } else {
                    let family = ["_bucket", "_sum", "_count"].reduce(name) { name, suffix in
                        name.hasSuffix(suffix) && exported.contains(String(name.dropLast(suffix.count)))
                            ? String(name.dropLast(suffix.count)) : name
                    }
                    #expect(exported.contains(family), "no worker exports \(name)")
                }
            }
        }
    }

    static func dashboardQueries() throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/Deploy/grafana/mailroom.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        return panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
    }

    @Test func theDashboardLoadsAndItsQueriesAreValidPromQL() throws {
        let queries = try Self.dashboardQueries()
        #expect(queries.count >= 20)

        // promtool parses PromQL in recording rules; Grafana's $__rate_interval becomes 5m.
        let rules = queries.enumerated().map { index, query in
            [
                "record": "dashboard:query_\(index)",
                "expr": query.replacingOccurrences(of: "$__rate_interval", with: "5m"),
            ]
        }
        let file = NSTemporaryDirectory() + "dashboard-rules-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: ["groups": [["name": "dashboard", "rules": rules]]])
            .write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }

        let (status, output) = try promtool(["check", "rules", file])
        #expect(status == 0, "\(output)")
    }

    @Test func prometheusConfigurationAndAlertRulesPassPromtool() throws {
        let directory = packageRoot + "/Deploy/prometheus"
        for arguments in [
            ["check", "config", directory + "/prometheus.yml"], ["check", "rules", directory + "/alerts.yml"],
            ["test", "rules", directory + "/alerts.test.yml"],
        ] {
            let (status, output) = try promtool(arguments)
            #expect(status == 0, "promtool \(arguments.joined(separator: " ")):\n\(output)")
            #expect(!output.contains("WARNING"), "promtool \(arguments.joined(separator: " ")):\n\(output)")
        }
    }

    @Test func systemdUnitsVerifyWithoutComplaint() throws {
        let analyze = "/usr/bin/systemd-analyze"
        try #require(FileManager.default.isExecutableFile(atPath: analyze), "systemd-analyze is missing")
        let directory = NSTemporaryDirectory() + "units-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        // The units name the installed executables; point them at this build's instead.
        let source = packageRoot + "/Deploy/systemd"
        for file in try FileManager.default.contentsOfDirectory(atPath: source) {
            let text = try String(contentsOfFile: source + "/" + file, encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/bin/", with: Sandbox.binDirectory + "/")
            try text.write(toFile: directory + "/" + file, atomically: true, encoding: .utf8)
        }
        for unit in [
            "mailroom-ingest@0.service", "mailroom-engine@1.service", "mailroom-sender@2.service",
            "mailroom-sweeper.service", "mailroom-sweeper.timer",
        ] {
            let (status, output) = try run(analyze, ["verify", "--man=no", directory + "/" + unit])
            #expect(status == 0 && output.isEmpty, "\(unit): \(output)")
        }
    }

    @Test func aTakenPortStopsTheWorkerWithAMessageNamingPortAndVariable() throws {
        let port = freePort()
        let listener = try ListeningSocket(port: port)
        defer { listener.close() }

        var environment = ProcessInfo.processInfo.environment
        environment["MAILROOM_HTTP_PORT"] = String(port)
        environment["MAILROOM_TEMPLATES_DIR"] = packageRoot + "/Deploy/templates"
        let (status, output) = try run(Sandbox.binDirectory + "/mailroom-engine", [], environment: environment)

        #expect(status == 2)
        #expect(output.contains("port \(port)"), "\(output)")
        #expect(output.contains("MAILROOM_HTTP_PORT"), "\(output)")
        // libmicrohttpd's own complaint too is a JSON line, like every other.
        for line in output.split(separator: "\n") where !line.isEmpty {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)")
        }
    }

    private func promtool(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.promtool),
            "promtool is missing: apt-get install prometheus")
        return try run(Self.promtool, arguments, input: input)
    }
}

// MARK: - Helpers shared with ReadinessDisruptionTests

/// The secrets of one run, random so that a search of the logs for them means something.
struct RunSecrets {
    let amqpPassword = randomWord()
    let databasePassword = randomWord()
    let smtpPassword = randomWord()
    /// user → access token
    let tokens = ["u-1001": randomWord(), "u-1002": randomWord(), "u-1003": randomWord(), "u-404": randomWord()]

    var all: [String] { [amqpPassword, databasePassword, smtpPassword] + tokens.values }

    static func randomWord() -> String {
        String((0..<20).map { _ in "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".randomElement()! })
    }
}

/// A broker user (with the `monitoring` tag, for `status`) and a database user of the
/// sandbox's own, with the run's passwords. MAILROOM_TEST_DATABASE_ADMIN (default
/// `mariadb --protocol=socket`) is the command that creates the database user.
struct OperatorAccounts {
    let user = "ops_\(UInt32.random(in: 0...UInt32.max))"
    let environment: [String: String]

    init(sandbox: Sandbox, secrets: RunSecrets) throws {
        let user = self.user
        try shell("/usr/sbin/rabbitmqctl", ["-q", "add_user", user, secrets.amqpPassword])
        try shell("/usr/sbin/rabbitmqctl", ["-q", "set_permissions", "-p", sandbox.name, user, ".*", ".*", ".*"])
        try shell("/usr/sbin/rabbitmqctl", ["-q", "set_user_tags", user, "monitoring"])
        let sql = ["localhost", "127.0.0.1"].map { host in
            "CREATE USER '\(user)'@'\(host)' IDENTIFIED BY '\(secrets.databasePassword)';"
                + " GRANT ALL ON `\(sandbox.name)`.* TO '\(user)'@'\(host)';"
        }.joined(separator: "\n")
        try shell("/bin/sh", ["-c", Self.databaseAdmin], input: Data(sql.utf8))

        environment = [
            "MAILROOM_AMQP_URL": try Self.url(sandbox.amqpURL, user: user, password: secrets.amqpPassword),
            "MAILROOM_DATABASE_URL": try Self.url(sandbox.databaseURL, user: user, password: secrets.databasePassword),
        ]
    }

    static var databaseAdmin: String {
        ProcessInfo.processInfo.environment["MAILROOM_TEST_DATABASE_ADMIN"] ?? "mariadb --protocol=socket"
    }

    func remove() {
        _ = try? shell("/usr/sbin/rabbitmqctl", ["-q", "delete_user", user])
        let sql = "DROP USER IF EXISTS '\(user)'@'localhost'; DROP USER IF EXISTS '\(user)'@'127.0.0.1';"
        _ = try? shell("/bin/sh", ["-c", Self.databaseAdmin], input: Data(sql.utf8))
    }

    private static func url(_ url: String, user: String, password: String) throws -> String {
        guard var components = URLComponents(string: url) else { throw TestFailure("bad URL") }
        components.user = user
        components.password = password
        return try #require(components.string)
    }
}

/// Prometheus text, read back: sample values by name and labels, and the families it declares.
struct MetricsText {
    let text: String

    init(_ reply: HTTPGet.Reply) {
        text = String(decoding: reply.body, as: UTF8.self)
    }

    /// The sample's value; labels in any order, rendered as the registry renders them.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let rendered = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",")
        let prefix = labels.isEmpty ? name + " " : "\(name){\(rendered)} "
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
    }

    /// The names in `# TYPE` lines.
    var families: Set<String> {
        Set(
            text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.compactMap {
                $0.split(separator: " ").dropFirst(2).first.map(String.init)
            })
    }
}

extension Dictionary where Key == String, Value == String {
    fileprivate static func + (lhs: Self, rhs: Self) -> Self { lhs.merging(rhs) { $1 } }
}

/// Runs a program to its end; returns its exit status and what it wrote on stdout and stderr.
func run(_ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil)
    throws -> (status: Int32, output: String)
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let output = Pipe()
    let stdin = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    let said = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: said, as: UTF8.self))
}

/// A TCP socket listening on 0.0.0.0:port, to make the port taken.
struct ListeningSocket {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = INADDR_ANY
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard bound, listen(descriptor, 1) == 0 else {
            Glibc.close(descriptor)
            throw TestFailure("cannot listen on port \(port), errno \(errno)")
        }
    }

    func close() { Glibc.close(descriptor) }
}
