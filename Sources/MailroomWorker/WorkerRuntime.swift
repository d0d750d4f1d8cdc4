import AMQP
import Foundation
import Mail
import MailroomCore
import MariaDB
import Observability
import Templates

/// What every worker executable shares: reading the configuration and the catalogue once,
/// starting `MAILROOM_CONCURRENCY` consumers on their own threads, and stopping them on SIGTERM
/// after the message in hand is finished and acknowledged.
public struct WorkerRuntime {
    /// Everything a handler factory may use; read once at start.
    public struct Context: Sendable {
        public var configuration: MailroomConfiguration
        public var catalogue: Catalogue
        public var logger: Logger
        /// The process's metrics; pass `metrics.delivery` to the handler.
        public var metrics: WorkerMetrics
    }

    public var name: String
    public var queue: WorkQueue
    public var summary: String

    public init(name: String, queue: WorkQueue, summary: String) {
        self.name = name
        self.queue = queue
        self.summary = summary
    }

    /// Runs the worker until SIGTERM; returns the process exit code.
    public func run(
        arguments: [String] = CommandLine.arguments,
        makeHandler: @escaping @Sendable (Context) throws -> MessageHandler
    ) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print("\(name): \(summary)\n\nUsage: \(name) [--help]\n")
            print("HTTP: /metrics, /healthz, /readyz on port \(queue.defaultHTTPPort) or MAILROOM_HTTP_PORT (0: off).")
            print("\nEnvironment:\n\(MailroomConfiguration.documentation)")
            return 0
        }

        let context: Context
        let amqp: AMQPConfiguration
        do {
            let configuration = try MailroomConfiguration()
            let catalogue = try Catalogue.load(
                directory: configuration.templatesDirectory, environment: ProcessInfo.processInfo.environment)
            amqp = try AMQPConfiguration(url: configuration.amqpURL)
            let logger = Logger(worker: name, level: configuration.logLevel)
            let metrics = WorkerMetrics(worker: name)
            context = Context(configuration: configuration, catalogue: catalogue, logger: logger, metrics: metrics)
        } catch {
            Logger(worker: name).error("cannot start", [LogKey.error: "\(error)"])
            return 2
        }
        return start(context: context, amqp: amqp, makeHandler: makeHandler)
    }

    private func start(
        context: Context, amqp: AMQPConfiguration, makeHandler: @escaping @Sendable (Context) throws -> MessageHandler
    ) -> Int32 {
        let configuration = context.configuration
        let stop = StopSignal()
        let signals = stop.installHandlers { number in
            context.logger.info("stopping: finishing the messages in hand", ["signal": String(number)])
        }
        let readiness = Readiness(consumers: configuration.concurrency)
        let topology = Topology(
            eventsExchange: configuration.eventsExchange, ingestRoutingKeys: context.catalogue.ingestRoutingKeys,
            retryDelays: configuration.retryDelays, deliveryLimit: configuration.deliveryLimit)
        let failures = FailureRouter(
            retryDelays: configuration.retryDelays, maxAttempts: configuration.maxAttempts, metrics: context.metrics)

        // Before any consumer: a port already taken stops the worker at once.
        context.metrics.prepare(queue)
        let http: HTTPServer?
        do {
            http = try HealthEndpoint.start(
                configuredPort: configuration.httpPort, defaultPort: queue.defaultHTTPPort, metrics: context.metrics,
                beforeRender: {
                    let (ready, total) = readiness.counts
                    context.metrics.consumers(configured: total, ready: ready)
                },
                readiness: {
                    let (ready, total) = readiness.counts
                    let detail = ready == total ? "ready" : "not ready: \(ready) of \(total) consumers ready"
                    return (ready == total, detail)
                })
        } catch {
            context.logger.error("cannot start", [LogKey.error: "\(error)"])
            return 2
        }

        let suspects = SuspectGate()
        let group = DispatchGroup()
        for index in 0..<configuration.concurrency {
            var connectionSettings = amqp
            connectionSettings.connectionName = "\(name)#\(ProcessInfo.processInfo.processIdentifier).\(index)"
            let settings = Consumer.Settings(
                index: index, queue: queue, amqp: connectionSettings, topology: topology,
                prefetch: configuration.prefetch, pollInterval: configuration.pollInterval, failures: failures,
                metrics: context.metrics, suspects: suspects, crashLimit: configuration.crashLimit,
                killOnMessageID: configuration.faultKillOnMessageID)
            let consumer = Consumer(
                settings: settings, stop: stop, readiness: readiness,
                logger: context.logger.with([LogKey.consumer: String(index)])
            ) { try makeHandler(context) }

            group.enter()
            let thread = Thread {
                consumer.run()
                group.leave()
            }
            thread.name = "\(name)-\(index)"
            thread.start()
        }

        context.logger.info(
            "started",
            [
                LogKey.queue: queue.rawValue, "concurrency": String(configuration.concurrency),
                "http_port": http.map { String($0.port) } ?? "off",
            ])
        group.wait()
        http?.stop()
        withExtendedLifetime(signals) {}
        context.logger.info("stopped")
        return 0
    }
}
