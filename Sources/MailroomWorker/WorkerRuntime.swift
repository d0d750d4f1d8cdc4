import AMQP
import Foundation
import Mail
import MailroomCore
import MariaDB
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
            print("\(name): \(summary)\n\nUsage: \(name) [--help]\n\nEnvironment:\n\(MailroomConfiguration.documentation)")
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
            context = Context(configuration: configuration, catalogue: catalogue, logger: logger)
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
        let failures = FailureRouter(retryDelays: configuration.retryDelays, maxAttempts: configuration.maxAttempts)

        let group = DispatchGroup()
        for index in 0..<configuration.concurrency {
            var connectionSettings = amqp
            connectionSettings.connectionName = "\(name)#\(ProcessInfo.processInfo.processIdentifier).\(index)"
            let settings = Consumer.Settings(
                index: index, queue: queue, amqp: connectionSettings, topology: topology,
                prefetch: configuration.prefetch, pollInterval: configuration.pollInterval, failures: failures)
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
            "started", [LogKey.queue: queue.rawValue, "concurrency": String(configuration.concurrency)])
        group.wait()
        withExtendedLifetime(signals) {}
        context.logger.info("stopped")
        return 0
    }
}
