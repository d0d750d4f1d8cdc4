import AMQP
import Foundation
import MailroomWorker
import Testing

/// `/readyz` follows the database: it turns 503 while MariaDB is down, even with no message
/// to notice it, and 200 again when MariaDB is back, after which work goes on. Stops and
/// starts the shared MariaDB, so it runs alone, and always starts it again.
///
/// MAILROOM_TEST_DATABASE_STOP and MAILROOM_TEST_DATABASE_START (shell commands) replace
/// `mariadb-admin shutdown` and Deploy/dev/start-services.sh, e.g. for a private server (then
/// point MAILROOM_TEST_DATABASE_URL at it too).
@Suite(.serialized) struct ReadinessDisruptionTests {
    static let environment = ProcessInfo.processInfo.environment
    static let stopCommand = environment["MAILROOM_TEST_DATABASE_STOP"] ?? "mariadb-admin --protocol=socket shutdown"
    static let startCommand =
        environment["MAILROOM_TEST_DATABASE_START"] ?? "bash \(packageRoot)/Deploy/dev/start-services.sh >/dev/null"

    @Test func readyzIsUnreadyWhileMariaDBIsDownAndReadyWhenItReturns() throws {
        let sandbox = try Sandbox("readyz")
        defer { sandbox.tearDown() }
        // Declared after the sandbox, so it runs first: the tear-down needs the database.
        defer { Self.shell(Self.startCommand) }

        let port = freePort()
        try sandbox.startMailroom(
            "mailroom-ingest", environment: ["MAILROOM_HTTP_PORT": String(port), "MAILROOM_CONCURRENCY": "2"])
        let broker = try sandbox.startMailroom(workers: ["mailroom-ingest"])
        let readyz = { try? HTTPGet.fetch("http://127.0.0.1:\(port)/readyz").status }
        let healthz = { try? HTTPGet.fetch("http://127.0.0.1:\(port)/healthz").status }
        #expect(eventually(timeout: .seconds(30)) { readyz() == 200 }, "\(sandbox.log("mailroom-ingest"))")

        Self.shell(Self.stopCommand)
        #expect(eventually(timeout: .seconds(30)) { readyz() == 503 }, "\(sandbox.log("mailroom-ingest"))")
        #expect(healthz() == 200, "the process is alive")
        let metrics = try HTTPGet.fetch("http://127.0.0.1:\(port)/metrics")
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("mailroom_consumers_ready 0"))

        Self.shell(Self.startCommand)
        #expect(eventually(timeout: .seconds(60)) { readyz() == 200 }, "\(sandbox.log("mailroom-ingest"))")

        // And work goes on: an event becomes a reference.
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "r3ady"], id: "readyz-1")
        let database = try sandbox.database()
        #expect(eventually { (try? sandbox.count(database, "reference_info")) == 1 })

        let log = sandbox.log("mailroom-ingest")
        #expect(log.contains("database unreachable; not ready"))
        #expect(log.contains("database reachable again; ready"))
    }

    /// Runs a shell command and waits for it. (Foundation's Process waits until every heir
    /// of its descriptors is gone, which never happens when the command starts a daemon.)
    private static func shell(_ command: String) {
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
}
