import MailroomCore
import Observability

/// The HTTP face of a worker process: `/metrics` (Prometheus text), `/healthz` (200 while the
/// process runs) and `/readyz` (200 when `isReady`, else 503), served by libmicrohttpd on its
/// own thread on every interface.
///
/// The routes only read state (the registry, the readiness flags); they never touch a
/// consumer's connections, which belong to the consumer's thread.
public enum HealthEndpoint {
    /// The variable that sets the port.
    public static let variable = "MAILROOM_HTTP_PORT"

    /// Starts serving on `MAILROOM_HTTP_PORT`, else on `defaultPort`; nil when the port is 0
    /// (HTTP off). A port already taken is a `ConfigurationError` naming the port and the
    /// variable, so the worker stops at start instead of running unobserved.
    ///
    /// - Parameters:
    ///   - beforeRender: called on the HTTP thread just before `/metrics` renders, to refresh
    ///     gauges computed from other state (consumers ready).
    ///   - readiness: whether the process is ready, and a short sentence saying why not.
    public static func start(
        configuredPort: Int?, defaultPort: Int, metrics: WorkerMetrics,
        beforeRender: @escaping @Sendable () -> Void = {},
        readiness: @escaping @Sendable () -> (ready: Bool, detail: String)
    ) throws(ConfigurationError) -> HTTPServer? {
        let port = configuredPort ?? defaultPort
        guard port != 0 else { return nil }

        let routes: [String: @Sendable () -> HTTPServer.Response] = [
            "/metrics": {
                beforeRender()
                return HTTPServer.Response(contentType: MetricsRegistry.contentType, body: metrics.registry.render())
            },
            "/healthz": { HTTPServer.Response(body: "alive\n") },
            "/readyz": {
                let (ready, detail) = readiness()
                return HTTPServer.Response(status: ready ? 200 : 503, body: detail + "\n")
            },
        ]
        do {
            return try HTTPServer(port: port, routes: routes)
        } catch {
            let reason = (error as? HTTPServerError)?.message ?? "\(error)"
            let source = configuredPort == nil ? "the default for this worker" : "from \(variable)"
            throw ConfigurationError(
                variable: variable,
                problem: "cannot serve health and metrics on port \(port) (\(source)): \(reason); "
                    + "set \(variable) to a free port, or to 0 to turn HTTP off")
        }
    }
}

extension WorkQueue {
    /// The HTTP port a worker of this queue listens on unless `MAILROOM_HTTP_PORT` says
    /// otherwise, so one copy of each worker runs side by side: ingest 9101, engine 9102,
    /// sender 9103 (the sweeper, looping, 9104). Further copies on one machine need their own
    /// port; the systemd units derive it from the instance number.
    public var defaultHTTPPort: Int {
        switch self {
        case .ingest: 9101
        case .engine: 9102
        case .send: 9103
        }
    }
}
