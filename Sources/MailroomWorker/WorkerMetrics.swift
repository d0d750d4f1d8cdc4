import MailroomCore
import Observability

/// The metrics of one worker process, served on `/metrics`: what its consumers did with each
/// message, how long handling and database transactions took, and the handlers' own counts
/// (`delivery`). Counters end in `_total`, histograms in `_seconds`; every name starts with
/// `mailroom_`. Thread-safe: every consumer thread counts into the same registry.
public final class WorkerMetrics: Sendable {
    public let registry: MetricsRegistry
    /// Emails, provider requests and answers, SMTP latency: counted by the handlers.
    public let delivery: DeliveryMetrics

    /// Upper bounds of the handling histogram, in seconds.
    static let handlingBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
    /// Upper bounds of the database transaction histogram, in seconds.
    static let transactionBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    public init(worker: String, version: String = BuildInfo.version) {
        registry = MetricsRegistry()
        delivery = DeliveryMetrics(registry: registry)
        registry.gauge(
            "mailroom_build_info", help: "Always 1; the labels say which build and worker this is.",
            labels: ["version": version, "worker": worker]
        ).set(1)
    }

    /// Shows this queue's counters and gauge at 0 from the start, so that rates and dashboards
    /// see the first message rather than a series that appears with it.
    func prepare(_ queue: WorkQueue) {
        _ = consumedCounter(queue)
        _ = ackedCounter(queue)
        _ = inFlight(queue)
    }

    /// A message arrived from the broker.
    func consumed(_ queue: WorkQueue) {
        consumedCounter(queue).increment()
    }

    /// Handled, its database work committed and everything it caused confirmed; then acked.
    func acked(_ queue: WorkQueue) {
        ackedCounter(queue).increment()
    }

    private func consumedCounter(_ queue: WorkQueue) -> Counter {
        registry.counter(
            "mailroom_messages_consumed_total", help: "Messages received from each work queue.",
            labels: ["queue": queue.rawValue])
    }

    private func ackedCounter(_ queue: WorkQueue) -> Counter {
        registry.counter(
            "mailroom_messages_acked_total", help: "Messages handled and acknowledged, per work queue.",
            labels: ["queue": queue.rawValue])
    }

    /// Sent to a delay queue after a transient failure with this reason.
    func retried(_ queue: WorkQueue, reason: String) {
        registry.counter(
            "mailroom_messages_retried_total", help: "Messages sent to a delay queue, per work queue and reason.",
            labels: ["queue": queue.rawValue, "reason": reason]
        ).increment()
    }

    /// Sent to the parking queue, for good or after the last attempt, with this reason.
    func parked(_ queue: WorkQueue, reason: String) {
        registry.counter(
            "mailroom_messages_parked_total", help: "Messages sent to the parking queue, per work queue and reason.",
            labels: ["queue": queue.rawValue, "reason": reason]
        ).increment()
    }

    /// Messages being handled right now (at most one per consumer).
    func inFlight(_ queue: WorkQueue) -> Gauge {
        registry.gauge(
            "mailroom_messages_in_flight", help: "Messages being handled right now, per work queue.",
            labels: ["queue": queue.rawValue])
    }

    /// From receiving a message to its ack (or its copy to a delay or parking queue).
    func handled(_ queue: WorkQueue, seconds: Double) {
        registry.histogram(
            "mailroom_message_handling_seconds", help: "Time from receiving a message to acknowledging it.",
            labels: ["queue": queue.rawValue], buckets: Self.handlingBuckets
        ).observe(seconds)
    }

    /// One database transaction, START TRANSACTION to COMMIT or ROLLBACK.
    public func transaction(seconds: Double, committed: Bool) {
        registry.histogram(
            "mailroom_database_transaction_seconds", help: "Time of one database transaction, per outcome.",
            labels: ["outcome": committed ? "commit" : "rollback"], buckets: Self.transactionBuckets
        ).observe(seconds)
    }

    /// How many consumers this process runs, and how many are ready (see `/readyz`).
    func consumers(configured: Int, ready: Int) {
        registry.gauge("mailroom_consumers", help: "Consumers this process runs (MAILROOM_CONCURRENCY).")
            .set(Double(configured))
        registry.gauge(
            "mailroom_consumers_ready",
            help: "Consumers connected to the broker and the database, and consuming."
        ).set(Double(ready))
    }
}

/// Which build this is, for `mailroom_build_info` and `--help`.
public enum BuildInfo {
    /// Mailroom's version; raise it with each release.
    public static let version = "0.1.0"
}
