import AMQP
import Foundation
import Testing

/// amqps:// through a TLS terminator (socat) in front of the dev broker, with a certificate
/// authority made for the test. Needs the `openssl` and `socat` commands.
@Suite struct AMQPTLSTests {
    @Test func amqpsConnectsWhenTheBrokerCertificateIsTrusted() throws {
        let proxy = try TLSProxy()
        defer { proxy.stop() }
        var configuration = try proxy.configuration()
        configuration.caCertificateFile = proxy.caFile

        let connection = try AMQPConnection(configuration: configuration)
        let queue = try TestBroker.temporaryQueue(connection)
        try connection.publish([1], exchange: "", routingKey: queue)
        #expect(try connection.nextDeliveryFromGet(queue: queue)?.body == [1])
    }

    @Test func amqpsRefusesAnUntrustedCertificate() throws {
        let proxy = try TLSProxy()
        defer { proxy.stop() }
        let configuration = try proxy.configuration()

        #expect {
            try AMQPConnection(configuration: configuration)
        } throws: { error in
            let error = error as? AMQPError
            return error?.kind == .connectionFailed && error?.message.contains("verification failed") == true
        }
    }

    @Test func amqpsRefusesACertificateForAnotherHost() throws {
        let proxy = try TLSProxy()
        defer { proxy.stop() }
        var configuration = try proxy.configuration()
        configuration.caCertificateFile = proxy.caFile
        configuration.host = "127.0.0.1"  // the certificate names only localhost

        #expect {
            try AMQPConnection(configuration: configuration)
        } throws: { error in
            let error = error as? AMQPError
            return error?.kind == .connectionFailed && error?.message.contains("verification failed") == true
        }
    }
}

/// A test CA, a certificate for `localhost`, and socat terminating TLS on a free port.
private final class TLSProxy {
    let directory: URL
    let port = Int.random(in: 20_000..<40_000)
    private let socat = Process()

    var caFile: String { directory.appendingPathComponent("ca.pem").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestBroker.uniqueName("tls"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.run(
            "/bin/sh", "-c",
            """
            set -e
            cd '\(directory.path)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=amqp-test-ca
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost
            printf 'subjectAltName=DNS:localhost\\n' > san.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1 \
                -extfile san.ext
            """)

        let broker = try AMQPConfiguration(url: TestBroker.url)
        socat.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
        socat.arguments = [
            "OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,verify=0,"
                + "cert=\(directory.path)/server.pem,key=\(directory.path)/server.key",
            "TCP:\(broker.host):\(broker.port)",
        ]
        socat.standardError = FileHandle.nullDevice
        try socat.run()
        do {
            try waitUntilListening()
        } catch {
            stop()
            throw error
        }
    }

    func configuration() throws -> AMQPConfiguration {
        var configuration = try TestBroker.configuration()
        configuration.useTLS = true
        configuration.host = "localhost"
        configuration.port = port
        return configuration
    }

    func stop() {
        // SIGKILL: the child inherits the test runner's blocked signals, so SIGTERM would wait.
        kill(socat.processIdentifier, SIGKILL)
        socat.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    private func waitUntilListening() throws {
        for _ in 0..<50 {
            if Self.acceptsConnections(port: port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestBroker.RabbitmqctlFailed(arguments: ["socat did not listen on \(port)"], status: 0)
    }

    private static func acceptsConnections(port: Int) -> Bool {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }

    private static func run(_ command: String, _ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestBroker.RabbitmqctlFailed(arguments: arguments, status: process.terminationStatus)
        }
    }
}
