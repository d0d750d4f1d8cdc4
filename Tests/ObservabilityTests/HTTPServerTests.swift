import Observability
import Testing

@Suite struct HTTPServerTests {
    /// The routes a worker serves, wired as the worker does it.
    private func workerRoutes(_ registry: MetricsRegistry) -> [String: @Sendable () -> HTTPServer.Response] {
        [
            "/metrics": {
                HTTPServer.Response(contentType: MetricsRegistry.contentType, body: registry.render())
            },
            "/healthz": { HTTPServer.Response(body: "ok\n") },
            "/readyz": { HTTPServer.Response(status: 503, body: "not ready\n") },
        ]
    }

    @Test func metricsAnswerWithTheRegistryTextAndPrometheusContentType() throws {
        let registry = MetricsRegistry()
        registry.counter("emails_sent_total", help: "Sent.", labels: ["transport": "smtp"]).increment(by: 3)
        let port = try HTTPClient.freePort()
        let server = try HTTPServer(port: port, bindAddress: "127.0.0.1", routes: workerRoutes(registry))
        defer { server.stop() }

        let reply = try HTTPClient(port: port).send("GET", "/metrics")

        #expect(server.port == port)
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(reply.body == registry.render())
        #expect(reply.body.contains(#"emails_sent_total{transport="smtp"} 3"#))
    }

    @Test func healthAndReadinessAnswerWithTheirRouteStatus() throws {
        let port = try HTTPClient.freePort()
        let server = try HTTPServer(port: port, routes: workerRoutes(MetricsRegistry()))
        defer { server.stop() }
        let client = HTTPClient(port: port)

        let health = try client.send("GET", "/healthz")
        let readiness = try client.send("GET", "/readyz?verbose=1")

        #expect(health.status == 200)
        #expect(health.body == "ok\n")
        #expect(health.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(readiness.status == 503)
    }

    @Test func unknownPathIsNotFoundAndPostIsNotAllowed() throws {
        let port = try HTTPClient.freePort()
        let server = try HTTPServer(port: port, routes: workerRoutes(MetricsRegistry()))
        defer { server.stop() }
        let client = HTTPClient(port: port)

        let missing = try client.send("GET", "/nothing-here")
        let posted = try client.send("POST", "/metrics", body: "x=1")
        let head = try client.send("HEAD", "/healthz")

        #expect(missing.status == 404)
        #expect(posted.status == 405)
        #expect(posted.headers["allow"] == "GET, HEAD")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
    }

    @Test func portAlreadyTakenThrowsAnErrorNamingIt() throws {
        let port = try HTTPClient.freePort()
        let first = try HTTPServer(port: port, routes: [:])
        defer { first.stop() }

        let error = #expect(throws: HTTPServerError.self) {
            _ = try HTTPServer(port: port, routes: [:])
        }

        #expect(error?.port == port)
        #expect(error?.message.contains("\(port)") == true)
        #expect(error?.message.contains("already in use") == true)
        #expect(error?.description.contains("\(port)") == true)
    }

    @Test(arguments: [0, -1, 70_000])
    func portOutsideOneTo65535IsRejected(port: Int) {
        #expect(throws: HTTPServerError.self) {
            _ = try HTTPServer(port: port, routes: [:])
        }
    }

    @Test func bindAddressMustBeNumeric() {
        #expect(throws: HTTPServerError.self) {
            _ = try HTTPServer(port: 1, bindAddress: "localhost", routes: [:])
        }
    }

    @Test func stopFreesThePortForANewServer() throws {
        let port = try HTTPClient.freePort()
        let routes = workerRoutes(MetricsRegistry())
        let first = try HTTPServer(port: port, routes: routes)
        _ = try HTTPClient(port: port).send("GET", "/healthz")

        first.stop()
        first.stop()
        let second = try HTTPServer(port: port, routes: routes)
        defer { second.stop() }

        #expect(try HTTPClient(port: port).send("GET", "/healthz").status == 200)
    }

    @Test func releasingTheServerStopsIt() throws {
        let port = try HTTPClient.freePort()
        do {
            _ = try HTTPServer(port: port, routes: [:])
        }

        let again = try HTTPServer(port: port, routes: [:])
        again.stop()
        #expect(throws: HTTPClient.Failure.self) {
            _ = try HTTPClient(port: port).send("GET", "/healthz")
        }
    }

    @Test func bindsToTheIPv6Loopback() throws {
        let port = try HTTPClient.freePort()
        let server = try HTTPServer(port: port, bindAddress: "::1", routes: [:])
        server.stop()
    }
}
