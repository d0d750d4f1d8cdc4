import AMQP
import Testing

@Suite struct AMQPConfigurationTests {
    @Test func readsEveryPartOfAFullURL() throws {
        let configuration = try AMQPConfiguration(url: "amqp://app:s%40cret@broker.example:5673/%2F")

        #expect(configuration.host == "broker.example")
        #expect(configuration.port == 5673)
        #expect(configuration.user == "app")
        #expect(configuration.password == "s@cret")
        #expect(configuration.virtualHost == "/")
        #expect(configuration.useTLS == false)
    }

    @Test func decodesANamedVirtualHost() throws {
        #expect(try AMQPConfiguration(url: "amqp://h/mail%2Fprod").virtualHost == "mail/prod")
        #expect(try AMQPConfiguration(url: "amqp://h/staging").virtualHost == "staging")
    }

    @Test func missingOrEmptyVirtualHostMeansTheDefault() throws {
        #expect(try AMQPConfiguration(url: "amqp://h").virtualHost == "/")
        #expect(try AMQPConfiguration(url: "amqp://h/").virtualHost == "/")
    }

    @Test func defaultsWhenOnlyTheSchemeIsGiven() throws {
        let configuration = try AMQPConfiguration(url: "amqp://")

        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 5672)
        #expect(configuration.user == "guest")
        #expect(configuration.password == "guest")
        #expect(configuration.heartbeat == .seconds(30))
        #expect(configuration.operationTimeout == .seconds(10))
        #expect(configuration.verifyPeer)
    }

    @Test func amqpsDefaultsToPort5671WithTLS() throws {
        let configuration = try AMQPConfiguration(url: "amqps://u:p@secure.example/%2F")

        #expect(configuration.useTLS)
        #expect(configuration.port == 5671)
        #expect(configuration.verifyPeer)
    }

    @Test func readsIPv6HostsAndQueryParameters() throws {
        let url =
            "amqps://[::1]:5999/%2F?heartbeat=10&connection_timeout=2500&cacertfile=%2Fetc%2Fca.pem"
            + "&verify=verify_none&connection_name=worker-1"
        let configuration = try AMQPConfiguration(url: url)

        #expect(configuration.host == "::1")
        #expect(configuration.port == 5999)
        #expect(configuration.heartbeat == .seconds(10))
        #expect(configuration.operationTimeout == .milliseconds(2500))
        #expect(configuration.caCertificateFile == "/etc/ca.pem")
        #expect(configuration.verifyPeer == false)
        #expect(configuration.connectionName == "worker-1")
    }

    @Test(arguments: [
        "http://h/%2F",
        "broker.example:5672",
        "amqp://h:notaport/%2F",
        "amqp://h:70000/%2F",
        "amqp://h/a/b",
        "amqp://h/%zz",
        "amqp://[::1/%2F",
        "amqp://h/%2F?heartbeat=soon",
        "amqp://h/%2F?frobnicate=1",
    ])
    func rejectsMalformedURLs(url: String) {
        #expect {
            try AMQPConfiguration(url: url)
        } throws: { error in
            (error as? AMQPError)?.kind == .invalidURL
        }
    }

    @Test func errorsAndDescriptionNeverShowThePassword() throws {
        do {
            _ = try AMQPConfiguration(url: "amqp://app:hunter2@h:bad/%2F")
            Issue.record("a bad port was accepted")
        } catch let error as AMQPError {
            #expect(!error.description.contains("hunter2"))
        }

        let configuration = try AMQPConfiguration(url: "amqp://app:hunter2@h/%2F")
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description == "amqp://app@h:5672/%2F")
    }
}
