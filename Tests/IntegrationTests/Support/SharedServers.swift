import Foundation
import MariaDB
import Testing

/// Stopping and starting the shared RabbitMQ and MariaDB, for the suites whose names end in
/// `DisruptionTests` (run alone, after the others, by Deploy/dev/test.sh).
///
/// To run them against private servers instead, set MAILROOM_TEST_AMQP_URL,
/// MAILROOM_TEST_DATABASE_URL, RABBITMQ_NODENAME (for rabbitmqctl), and these shell commands:
/// MAILROOM_TEST_BROKER_STOP, MAILROOM_TEST_BROKER_START, MAILROOM_TEST_DATABASE_STOP,
/// MAILROOM_TEST_DATABASE_START and MAILROOM_TEST_DATABASE_ADMIN (a client with the right to
/// SET GLOBAL).
enum SharedServers {
    static let environment = ProcessInfo.processInfo.environment
    static let brokerStop = environment["MAILROOM_TEST_BROKER_STOP"] ?? "/usr/sbin/rabbitmqctl -q stop_app"
    static let brokerStart =
        environment["MAILROOM_TEST_BROKER_START"]
        ?? "/usr/sbin/rabbitmqctl -q start_app && /usr/sbin/rabbitmqctl -q await_startup"
    static let databaseStop = environment["MAILROOM_TEST_DATABASE_STOP"] ?? "mariadb-admin --protocol=socket shutdown"
    static let databaseStart =
        environment["MAILROOM_TEST_DATABASE_START"]
        ?? "bash \(packageRoot)/Deploy/dev/start-services.sh >/dev/null 2>&1"
    static let databaseAdmin = environment["MAILROOM_TEST_DATABASE_ADMIN"] ?? "mariadb --protocol=socket"

    /// Runs the start command until the server takes connections (a start may fail while the
    /// stopped server still holds its port).
    static func startDatabase(_ sandbox: Sandbox) {
        for _ in 0..<3 {
            run(databaseStart)
            if (try? sandbox.database()) != nil { return }
            Thread.sleep(forTimeInterval: 2)
        }
    }

    /// A new connection to the sandbox's database once the server takes connections again.
    static func connectOnceUp(_ sandbox: Sandbox) throws -> DatabaseConnection {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                return try sandbox.database()
            } catch let error as DatabaseError where error.requiresReconnect && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
    }

    /// Runs an SQL statement as the database's administrator; returns what it printed.
    @discardableResult
    static func admin(_ sql: String) throws -> String {
        try shell("/bin/bash", ["-c", "\(databaseAdmin) -N -B -e \"\(sql)\""])
    }

    /// Runs a shell command and waits for it, with no descriptor of ours inherited: Foundation's
    /// Process waits until every heir of its pipes is gone, which never happens when the
    /// command leaves a daemon running.
    static func run(_ command: String) {
        var pid: pid_t = 0
        let arguments = ["/bin/bash", "-c", command + " </dev/null >/dev/null 2>&1"]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ) == 0 else {
            Issue.record("could not run \(command)")
            return
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// The HTTP status of a worker's `/readyz`; nil when it does not answer.
    static func readiness(_ port: Int?) -> Int? {
        guard let port else { return nil }
        let status = try? shell(
            "/usr/bin/curl",
            ["-s", "-o", "/dev/null", "-m", "2", "-w", "%{http_code}", "http://127.0.0.1:\(port)/readyz"])
        return status.flatMap { Int($0) }
    }
}
