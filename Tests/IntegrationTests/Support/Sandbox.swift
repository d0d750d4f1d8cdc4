import AMQP
import Foundation
import MailroomCore
import MariaDB

/// An isolated Mailroom for one test: its own RabbitMQ virtual host, its own database
/// (migrated), its own SMTP sink and mail folder, and the worker processes it starts.
/// Everything is removed by `tearDown`.
final class Sandbox {
    let name: String
    let amqpURL: String
    let databaseURL: String
    let mailDirectory: String
    let smtpPort: Int
    private(set) var processes: [String: Process] = [:]
    let logDirectory: String

    static var baseAMQP: String {
        ProcessInfo.processInfo.environment["MAILROOM_TEST_AMQP_URL"] ?? "amqp://mailroom:mailroom@127.0.0.1:5672/%2F"
    }
    static var baseDatabase: String {
        ProcessInfo.processInfo.environment["MAILROOM_TEST_DATABASE_URL"]
            ?? "mariadb://mailroom:mailroom@127.0.0.1:3306/mailroom"
    }

    init(_ label: String, sinkArguments: [String] = []) throws {
        name = "mailroom_test_\(label)_\(UInt32.random(in: 0...UInt32.max))"
        let base = Self.baseAMQP
        guard let slash = base.range(of: "/", options: .backwards) else { throw TestFailure("bad AMQP URL") }
        amqpURL = base[..<slash.lowerBound] + "/" + name
        let databaseBase = Self.baseDatabase
        guard let dbSlash = databaseBase.range(of: "/", options: .backwards) else { throw TestFailure("bad DB URL") }
        databaseURL = databaseBase[..<dbSlash.lowerBound] + "/" + name
        mailDirectory = NSTemporaryDirectory() + name + "/mail"
        logDirectory = NSTemporaryDirectory() + name + "/logs"
        smtpPort = freePort()
        try FileManager.default.createDirectory(atPath: mailDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)

        try shell("/usr/sbin/rabbitmqctl", ["-q", "add_vhost", name])
        try shell("/usr/sbin/rabbitmqctl", ["-q", "set_permissions", "-p", name, "mailroom", ".*", ".*", ".*"])
        let admin = try DatabaseConnection(configuration: DatabaseConfiguration(url: databaseBase))
        try admin.execute("CREATE DATABASE \(name) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        admin.close()
        try Migrator(directory: packageRoot + "/Migrations").migrate(try database())

        try start(
            "smtp-sink", executable: "/usr/bin/python3",
            arguments: [
                packageRoot + "/Deploy/dev/smtp-sink.py", "--port", String(smtpPort), "--mail-dir", mailDirectory,
            ]
                + sinkArguments)
        _ = eventually(timeout: .seconds(10)) { canConnect(port: smtpPort) }
    }

    func database() throws -> DatabaseConnection {
        try DatabaseConnection(configuration: DatabaseConfiguration(url: databaseURL))
    }

    func broker() throws -> AMQPConnection {
        try AMQPConnection(configuration: AMQPConfiguration(url: amqpURL))
    }

    /// The environment every Mailroom process of this sandbox runs with.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["MAILROOM_AMQP_URL"] = amqpURL
        environment["MAILROOM_DATABASE_URL"] = databaseURL
        environment["MAILROOM_MAILER_DSN"] = "smtp://127.0.0.1:\(smtpPort)"
        environment["MAILROOM_TEMPLATES_DIR"] = packageRoot + "/Deploy/templates"
        environment["MAILROOM_FROM"] = "Mailroom <mailroom@example.com>"
        environment["MAILROOM_LOG_LEVEL"] = "debug"
        environment["MAILROOM_POLL_INTERVAL"] = "200ms"
        environment["MAILROOM_HTTP_PORT"] = "0"
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Where the built executables are: `MAILROOM_TEST_BIN_DIR`, else the debug build.
    static var binDirectory: String {
        ProcessInfo.processInfo.environment["MAILROOM_TEST_BIN_DIR"] ?? packageRoot + "/.build/debug"
    }

    /// Starts one of Mailroom's executables; `label` names the process when several copies run.
    func startMailroom(
        _ executable: String, label: String? = nil, arguments: [String] = [], environment extra: [String: String] = [:]
    ) throws {
        try start(
            label ?? executable, executable: Self.binDirectory + "/\(executable)", arguments: arguments,
            environment: environment(extra))
    }

    func start(_ label: String, executable: String, arguments: [String], environment: [String: String]? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: packageRoot)
        if let environment { process.environment = environment }
        let log = "\(logDirectory)/\(label).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes[label] = process
    }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    func stop(_ label: String, timeout: Duration = .seconds(20)) -> Int32? {
        guard let process = processes.removeValue(forKey: label) else { return nil }
        process.terminate()
        guard eventually(timeout: timeout, { !process.isRunning }) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// Drops a process that already ended (killed, or exited on its own), so that its label
    /// can be started again.
    func forget(_ label: String) {
        processes.removeValue(forKey: label)
    }

    func log(_ label: String) -> String {
        (try? String(contentsOfFile: "\(logDirectory)/\(label).log", encoding: .utf8)) ?? ""
    }

    /// The .eml files received so far, oldest first.
    func receivedMail() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: mailDirectory)) ?? []
        return files.filter { $0.hasSuffix(".eml") }.sorted().map { "\(mailDirectory)/\($0)" }
    }

    func tearDown() {
        for label in Array(processes.keys) { stop(label) }
        _ = try? shell("/usr/sbin/rabbitmqctl", ["-q", "delete_vhost", name])
        if let admin = try? DatabaseConnection(configuration: DatabaseConfiguration(url: Self.baseDatabase)) {
            _ = try? admin.execute("DROP DATABASE IF EXISTS \(name)")
            admin.close()
        }
        try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + name)
    }
}

func canConnect(port: Int) -> Bool {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}
