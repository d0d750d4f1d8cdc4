import AMQP
import Foundation
import MailroomCore
import MariaDB

/// One consumer: a thread with its own broker connection and its own handler (and so its own
/// database connection), since neither C library may be shared across threads. Acks only
/// after the handler committed and everything it asked for was published and confirmed.
final class Consumer: @unchecked Sendable {
    // @unchecked: every mutable property is touched only by the consumer's own thread; the
    // stop signal and readiness are atomics.

    struct Settings: Sendable {
        var index: Int
        var queue: WorkQueue
        var amqp: AMQPConfiguration
        var topology: Topology
        var prefetch: Int
        var pollInterval: Duration
        var failures: FailureRouter
        var metrics: WorkerMetrics
        /// Shared by the process's consumers; see `drainSuspects`.
        var suspects: SuspectGate
        /// `MAILROOM_CRASH_LIMIT`; 0 turns the crash ledger off.
        var crashLimit: Int
        /// For fault-injection tests only: the worker kills itself (SIGKILL) when it receives a
        /// message with this message_id. `MAILROOM_FAULT_KILL_ON_MESSAGE_ID`; default none.
        var killOnMessageID: String?
    }

    private let settings: Settings
    private let makeHandler: () throws -> MessageHandler
    private let stop: StopSignal
    private let readiness: Readiness
    private let logger: Logger
    private var handler: MessageHandler?
    private var databaseWatch = DatabaseWatch()

    init(
        settings: Settings, stop: StopSignal, readiness: Readiness, logger: Logger,
        makeHandler: @escaping () throws -> MessageHandler
    ) {
        self.settings = settings
        self.stop = stop
        self.readiness = readiness
        self.logger = logger
        self.makeHandler = makeHandler
    }

    /// Runs until stopped, reconnecting with backoff whenever the broker or the database goes away.
    func run() {
        var backoff = Duration.milliseconds(500)
        while !stop.isSet {
            do {
                let connection = try AMQPConnection(configuration: settings.amqp)
                defer { connection.close() }
                let handler = try currentHandler()

                try settings.topology.declare(on: connection)
                try connection.setPrefetch(UInt16(settings.prefetch))
                readiness.set(consumer: settings.index, ready: databaseWatch.isReachable)
                try drainSuspects(from: connection, handler: handler)
                guard !stop.isSet else { return }
                let tag = try connection.consume(queue: settings.queue.rawValue)
                backoff = .milliseconds(500)

                try consume(from: connection, handler: handler)
                readiness.set(consumer: settings.index, ready: false)
                try? connection.cancel(consumerTag: tag)
                return
            } catch {
                readiness.set(consumer: settings.index, ready: false)
                let fields = [LogKey.error: "\(error)", "retry_in": "\(backoff)"]
                if let refusal = error as? AMQPError, refusal.kind == .connectionFailed,
                    [403, 530].contains(refusal.replyCode)
                {
                    // A setting, not an outage: say so loudly, and keep trying in case the user
                    // or virtual host is being created.
                    logger.error(
                        "the broker refused the login: check MAILROOM_AMQP_URL's user, password and vhost", fields)
                } else {
                    logger.warning("connection lost; reconnecting", fields)
                }
                if let error = error as? DatabaseError, error.requiresReconnect { handler = nil }
                stop.sleep(backoff)
                backoff = min(backoff * 2, .seconds(30))
            }
        }
    }

    private func currentHandler() throws -> MessageHandler {
        if let handler { return handler }
        let made = try makeHandler()
        handler = made
        databaseWatch.record(reachable: true)
        return made
    }

    /// Ready only while the database answers too; logs each change.
    private func databaseChanged(_ reachable: Bool?) {
        guard let reachable else { return }
        readiness.set(consumer: settings.index, ready: reachable)
        if reachable {
            logger.info("database reachable again; ready")
        } else {
            logger.warning("database unreachable; not ready")
        }
    }

    /// Before consuming, takes the messages the broker handed back (`redelivered`) one at a
    /// time with basic.get, one consumer of the process at a time (`SuspectGate`), until a
    /// message comes that was never delivered before, the queue is empty, or `prefetch` of them
    /// were taken (a copy crashing elsewhere must not keep this one at one message at a time).
    /// One of them may be what killed this worker's previous run: taken this way, it is the
    /// only message this process holds when it kills the worker again, so only it nears the
    /// delivery limit and ends parked, while the others are handled and acknowledged in between.
    ///
    /// With several copies of the worker, a redelivered message may reach a consumer that is
    /// already consuming, together with that consumer's prefetched messages; the crash ledger
    /// (`countTake`) then parks the poison message before the broker's delivery limit could
    /// count those out too.
    private func drainSuspects(from connection: AMQPConnection, handler: MessageHandler) throws {
        for _ in 0..<settings.prefetch where !stop.isSet {
            let drained = try settings.suspects.withGate(keeping: connection, stop: stop) { () throws -> Bool in
                guard let delivery = try connection.get(queue: settings.queue.rawValue) else { return true }
                try process([delivery], on: connection, handler: handler)
                return !delivery.redelivered
            }
            if drained ?? true { return }
        }
    }

    private func consume(from connection: AMQPConnection, handler: MessageHandler) throws {
        var handedBack: AMQPDelivery?
        while !stop.isSet {
            databaseChanged(databaseWatch.checkIfDue(handler))
            let first: AMQPDelivery
            if let delivery = handedBack {
                (first, handedBack) = (delivery, nil)
            } else {
                guard let delivery = try connection.nextDelivery(timeout: settings.pollInterval) else { continue }
                first = delivery
            }

            // Whatever else the broker already sent (at most the prefetch) joins this batch, but
            // a message handed back after a crash elsewhere goes alone, after the ones before it
            // are acknowledged: it may be the one that crashed that worker.
            var batch = [first]
            while !first.redelivered, batch.count < settings.prefetch,
                let next = try connection.nextDelivery(timeout: .zero)
            {
                if next.redelivered {
                    handedBack = next
                    break
                }
                batch.append(next)
            }
            try process(batch, on: connection, handler: handler)
        }
    }

    /// What became of one delivery of a batch.
    private enum Outcome {
        /// Committed; acked once what it asked for is confirmed.
        case handled([OutboundMessage])
        /// A copy went to a delay or parking queue and the original was acked.
        case routed
        /// The worker is stopping while the database is away: left unacknowledged, so the
        /// broker redelivers it.
        case held
    }

    /// Handles the deliveries of a batch one after the other, each in its own database
    /// transaction; then publishes everything they asked for, waits once for the broker's
    /// confirms of all of it and acks them with one `multiple` ack. A delivery is acked only
    /// after its commit and the confirms, as with one at a time, but the broker sees one round
    /// trip per batch instead of one per message. If the publish fails, none of them is acked
    /// and the broker redelivers them all; the handlers' idempotency makes that harmless.
    private func process(_ batch: [AMQPDelivery], on connection: AMQPConnection, handler: MessageHandler) throws {
        let metrics = settings.metrics
        let queue = settings.queue
        let started = ContinuousClock.now
        var handled: [AMQPDelivery] = []
        var outbound: [AMQPOutgoingMessage] = []
        for _ in batch { metrics.consumed(queue) }
        metrics.inFlight(queue).increment(by: Double(batch.count))
        defer { metrics.inFlight(queue).decrement(by: Double(batch.count)) }

        for delivery in batch {
            let outcome = try process(delivery, on: connection, handler: handler)
            guard case .handled(let messages) = outcome else {
                metrics.handled(queue, seconds: (ContinuousClock.now - started).seconds)
                if case .held = outcome { break }
                continue
            }
            handled.append(delivery)
            outbound += messages.map { AMQPOutgoingMessage($0, eventsExchange: settings.topology.eventsExchange) }
        }
        guard let last = handled.last else { return }

        try connection.publish(outbound)
        // Every delivery before `last` on this channel is settled or in `handled`: deliveries
        // arrive in tag order, are taken in that order, and a held one stops the batch.
        try connection.ack(last, multiple: handled.count > 1)
        let seconds = (ContinuousClock.now - started).seconds
        for _ in handled {
            metrics.acked(queue)
            metrics.handled(queue, seconds: seconds)
        }
    }

    private func process(_ delivery: AMQPDelivery, on connection: AMQPConnection, handler: MessageHandler) throws
        -> Outcome
    {
        let message = InboundMessage(delivery)
        let log = logger.with(message.logFields(queue: settings.queue))

        var retriesInPlace = 0
        var suspect: String?
        while true {
            do {
                if suspect == nil, delivery.redelivered, settings.crashLimit > 0, let ledger = handler.crashLedger() {
                    suspect = try countTake(of: delivery, ledger: ledger, log: log)
                }
                if let poison = settings.killOnMessageID, message.messageID == poison {
                    log.error("killing this worker on purpose (MAILROOM_FAULT_KILL_ON_MESSAGE_ID)")
                    kill(getpid(), SIGKILL)
                }
                let outbound = try handler.handle(message) { try? connection.pollEvents() }
                forgetSuspect(suspect, handler: handler)
                return .handled(outbound)
            } catch {
                if let databaseError = error as? DatabaseError, databaseError.requiresReconnect,
                    retriesInPlace < Self.retriesInPlacePerMessage
                {
                    // The connection was lost, not the message at fault: keep the message until
                    // the database is back and try it again, rather than spend its attempts (and
                    // those of every message behind it) on retries that cannot succeed. Bounded,
                    // for a message that breaks the connection itself.
                    retriesInPlace += 1
                    let reconnected = (try? handler.reconnect()) != nil
                    databaseChanged(databaseWatch.record(reachable: reconnected))
                    guard try reconnected || awaitDatabase(handler, on: connection, log: log) else { return .held }
                    continue
                }
                try settings.failures.route(
                    failure: FailureRouter.classify(error), of: delivery, message: message, queue: settings.queue,
                    on: connection, logger: log)
                // A message parked for its crashes keeps its row: a copy the sweeper re-drives
                // is parked after its first crash instead of four more.
                if (error as? MailroomFailure)?.reason != Self.crashedWorker {
                    forgetSuspect(suspect, handler: handler)
                }
                return .routed
            }
        }
    }

    /// Counts one more take of a message the broker handed back, committed before it is
    /// handled; a message taken more than `crashLimit` times without finishing is refused
    /// for good (`crashed_worker`), before the broker's delivery limit would count the
    /// messages returned beside it too. Returns the message's key in the ledger.
    ///
    /// A ledger the database cannot keep (its table missing: `mailroomctl migrate` not run)
    /// lets the message through uncounted, with an error in the log, rather than hold back
    /// every redelivered message; the broker's delivery limit still applies.
    private func countTake(of delivery: AMQPDelivery, ledger: CrashLedger, log: Logger) throws -> String? {
        let key = Self.ledgerKey(delivery)
        let takes: Int
        do {
            takes = try ledger.recordAttempt(queue: settings.queue.rawValue, key: key)
        } catch let error as DatabaseError where !error.requiresReconnect {
            log.error("crash ledger unavailable; message not counted", [LogKey.error: "\(error)"])
            return nil
        }
        guard takes <= settings.crashLimit else {
            log.error("parking a message that never finished after a crash", ["takes": String(takes)])
            throw MailroomFailure.permanent(
                Self.crashedWorker,
                "taken \(takes) times after its worker stopped without finishing it: it may crash the worker")
        }
        return key
    }

    /// A finished message is no suspect any more. A failure here leaves a row that counts one
    /// take too many if the message comes back; never worth failing the message for.
    private func forgetSuspect(_ key: String?, handler: MessageHandler) {
        guard let key, let ledger = handler.crashLedger() else { return }
        try? ledger.forget(queue: settings.queue.rawValue, key: key)
    }

    /// The parking reason of a message that kept crashing its worker.
    static let crashedWorker = "crashed_worker"

    /// The message_id, or for Mailroom's own jobs (which have none) the short body itself.
    static func ledgerKey(_ delivery: AMQPDelivery) -> String {
        if let id = delivery.properties.messageID, !id.isEmpty, id.utf8.count <= 191 { return id }
        if delivery.body.count <= 150, let text = String(validating: delivery.body, as: UTF8.self) { return text }
        return ParkedMessage.bodyDigest(delivery.body)
    }

    /// How often one message is tried again at once after a lost database connection, before
    /// it goes the way of any other transient failure (a delay queue).
    static let retriesInPlacePerMessage = 3

    /// Waits, reconnecting with backoff (0.5 s doubling to 5 s: a sender may hold an accepted
    /// email that must be recorded before its lease runs out), until the handler's database
    /// takes connections again, and keeps the broker connection alive meanwhile. False when the
    /// worker is stopping first: the message in hand stays unacknowledged and the broker
    /// redelivers it.
    private func awaitDatabase(_ handler: MessageHandler, on connection: AMQPConnection, log: Logger) throws -> Bool {
        log.warning("database unreachable; holding the message until it is back")
        var backoff = Duration.milliseconds(500)
        while !stop.isSet {
            let retryAt = ContinuousClock.now + backoff
            while !stop.isSet, ContinuousClock.now < retryAt {
                try connection.pollEvents()
                stop.sleep(min(retryAt - .now, .milliseconds(500)))
            }
            if !stop.isSet, (try? handler.reconnect()) != nil {
                databaseChanged(databaseWatch.record(reachable: true))
                return true
            }
            backoff = min(backoff * 2, .seconds(5))
        }
        return false
    }
}

extension InboundMessage {
    /// The event name survives retries in a header; the attempt count too.
    init(_ delivery: AMQPDelivery) {
        let headers = delivery.properties.headers
        self.init(
            routingKey: headers[MessageHeader.routingKey]?.stringValue ?? delivery.routingKey,
            body: delivery.body, messageID: delivery.properties.messageID,
            correlationID: delivery.properties.correlationID,
            previousAttempts: Int(headers[MessageHeader.attempts]?.integerValue ?? 0),
            redelivered: delivery.redelivered)
    }
}
