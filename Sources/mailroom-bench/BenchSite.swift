import AMQP
import Foundation
import MailroomCore
import MariaDB

/// The isolated Mailroom of one phase: its own RabbitMQ virtual host and database (migrated),
/// its own smtp-sink with a dump folder on tmpfs, the processes it starts, and a log folder.
/// `tearDown` removes all of it unless asked to keep it.
final class BenchSite {
    let name: String
    let options: BenchOptions
    let amqpURL: String
    let workerDatabaseURL: String
    let adminDatabaseURL: String
    let logDirectory: String
    let dumpDirectory: String
    let smtpPort: Int
    private(set) var children: [ChildProcess] = []

    init(name: String, options: BenchOptions) throws {
        self.name = name
        self.options = options
        amqpURL = options.amqpBaseURL + name
        workerDatabaseURL = options.workerDatabaseBaseURL + name
        adminDatabaseURL = options.adminDatabaseBaseURL + name
        logDirectory = options.workDirectory + "/" + name
        dumpDirectory = "/dev/shm/" + name
        smtpPort = try freePort()

        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dumpDirectory, withIntermediateDirectories: true)
        // smtp-sink drops root privileges (-u nobody) before it writes.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: dumpDirectory)

        try options.management.createVirtualHost(name)
        let admin = try DatabaseConnection(configuration: DatabaseConfiguration(url: options.adminServerURL))
        try admin.execute("CREATE DATABASE \(name) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        admin.close()
        _ = try Migrator(directory: options.packageRoot + "/Migrations").migrate(try database())
    }

    /// A connection to this phase's database as the bench itself (not counted as the workers').
    func database() throws -> DatabaseConnection {
        try DatabaseConnection(configuration: DatabaseConfiguration(url: adminDatabaseURL))
    }

    func broker() throws -> AMQPConnection {
        try AMQPConnection(configuration: AMQPConfiguration(url: amqpURL))
    }

    /// What every Mailroom process of this phase runs with; MAILROOM_CONCURRENCY and
    /// MAILROOM_PREFETCH pass through from the bench's own environment.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in !key.hasPrefix("MAILROOM_") }
        environment["MAILROOM_AMQP_URL"] = amqpURL
        environment["MAILROOM_DATABASE_URL"] = workerDatabaseURL
        environment["MAILROOM_MAILER_DSN"] = "smtp://127.0.0.1:\(smtpPort)"
        environment["MAILROOM_TEMPLATES_DIR"] = options.packageRoot + "/Deploy/templates"
        environment["MAILROOM_FROM"] = "Mailroom <mailroom@bench.example>"
        environment["MAILROOM_HTTP_PORT"] = "0"
        for key in ["MAILROOM_CONCURRENCY", "MAILROOM_PREFETCH", "MAILROOM_LOG_LEVEL", "MAILROOM_POLL_INTERVAL"] {
            environment[key] = ProcessInfo.processInfo.environment[key]
        }
        return environment
    }

    /// Starts a process of this phase; its output goes to `<log folder>/<label>.log`.
    @discardableResult
    func start(_ label: String, executable: String, arguments: [String] = []) throws -> ChildProcess {
        let child = try ChildProcess(
            label: label, executable: executable, arguments: arguments, environment: environment,
            logFile: "\(logDirectory)/\(label).log")
        children.append(child)
        return child
    }

    func startSMTPSink() throws -> ChildProcess {
        let child = try start(
            "smtp-sink", executable: options.smtpSink,
            arguments: ["-u", "nobody", "-d", dumpDirectory + "/%H%M%S.", "127.0.0.1:\(smtpPort)", "1024"])
        let deadline = Date().addingTimeInterval(10)
        while !canConnect(port: smtpPort), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return child
    }

    func stopAll() {
        for child in children.reversed() { child.stop() }
        children.removeAll()
    }

    func tearDown() {
        stopAll()
        guard !options.keep else { return }
        options.management.deleteVirtualHost(name)
        if let admin = try? DatabaseConnection(configuration: DatabaseConfiguration(url: options.adminServerURL)) {
            _ = try? admin.execute("DROP DATABASE IF EXISTS \(name)")
            admin.close()
        }
        try? FileManager.default.removeItem(atPath: dumpDirectory)
    }
}

/// A TCP port nobody listens on right now.
func freePort() throws -> Int {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0
        }
    }
    guard bound else { throw CommandFailure(command: "bind 127.0.0.1:0", status: errno, output: "no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
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
