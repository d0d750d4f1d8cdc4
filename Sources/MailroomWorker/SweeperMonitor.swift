import Foundation
import MailroomCore
import MariaDB
import Observability
import Synchronization

/// The looping sweeper's metrics and health: what each pass did, and after each pass how many
/// emails sit in each status and for how long the oldest has gone untouched (the age of
/// Mailroom's own backlog, which the broker cannot see). Ready while the last pass succeeded.
///
/// A single pass (the systemd timer) serves nothing: it would be gone before a scrape.
public final class SweeperMonitor: Sendable {
    /// The sweeper's port unless `MAILROOM_HTTP_PORT` says otherwise.
    public static let defaultHTTPPort = 9104

    public let metrics = WorkerMetrics(worker: "mailroom-sweeper")
    private let lastPassSucceeded = Atomic<Bool>(false)
    private let server = Mutex<HTTPServer?>(nil)

    public init() {}

    /// Serves `/metrics`, `/healthz` and `/readyz` until `stopHTTP`; nothing when the port is 0.
    public func startHTTP(configuredPort: Int?) throws(ConfigurationError) {
        let started = try HealthEndpoint.start(
            configuredPort: configuredPort, defaultPort: Self.defaultHTTPPort, metrics: metrics
        ) { [weak self] in
            guard let self, lastPassSucceeded.load(ordering: .acquiring) else {
                return (false, "not ready: no pass succeeded yet, or the last one failed")
            }
            return (true, "ready")
        }
        server.withLock { $0 = started }
    }

    public func stopHTTP() {
        server.withLock { $0 }?.stop()
    }

    /// Times the transactions of the pass's connection.
    public func observe(_ database: DatabaseConnection) {
        database.transactionObserver = { [metrics] duration, committed in
            metrics.transaction(seconds: duration.seconds, committed: committed)
        }
    }

    /// A pass ended: what it did, and the backlog it left.
    public func passSucceeded(_ report: Sweeper.Report, backlog: EmailStatusSummary) {
        lastPassSucceeded.store(true, ordering: .releasing)
        let registry = metrics.registry
        registry.counter(
            "mailroom_sweeps_total", help: "Sweeper passes, per outcome (done, skipped while another ran, failed).",
            labels: ["outcome": report.skipped ? "skipped" : "done"]
        ).increment()
        for (kind, count) in [("engine", report.engineJobs), ("send", report.sendJobs)] {
            registry.counter(
                "mailroom_sweep_jobs_total", help: "Jobs the sweeper re-drove, per kind.", labels: ["kind": kind]
            ).increment(by: Double(count))
        }
        registry.counter(
            "mailroom_sweep_erased_references_total", help: "References whose secrets the sweeper erased."
        ).increment(by: Double(report.erasedReferences))

        for status in EmailStatusSummary.statuses {
            let row = backlog.rows.first { $0.status == status }
            registry.gauge("mailroom_emails", help: "Emails in each status.", labels: ["status": status])
                .set(Double(row?.count ?? 0))
            registry.gauge(
                "mailroom_emails_untouched_seconds",
                help: "How long the email untouched longest in each status has waited.", labels: ["status": status]
            ).set(row?.longestUntouched ?? 0)
            // Re-asking a provider or a sweeper pass touches an email, so "untouched" stays short
            // for an email stuck in a loop of retries; its age since creation does not.
            registry.gauge(
                "mailroom_emails_oldest_seconds",
                help: "Age since creation of the oldest email in each status.", labels: ["status": status]
            ).set(row?.oldestAge ?? 0)
        }
    }

    public func passFailed() {
        lastPassSucceeded.store(false, ordering: .releasing)
        metrics.registry.counter(
            "mailroom_sweeps_total", help: "Sweeper passes, per outcome (done, skipped while another ran, failed).",
            labels: ["outcome": "failed"]
        ).increment()
    }
}
