import Observability

/// What the handlers count: emails sent and failed per template, requests to providers and
/// their answers, and how long the SMTP server took. Only the handlers know the template, the
/// provider and the reason, so they count these themselves.
///
/// Passing this into the handlers was simpler than having them report outcomes for the
/// consumer to count: the consumer would need a second channel beside the messages it
/// publishes, for values it can only pass along. The default counts into a registry nobody
/// serves, so a handler made without one (a test, a tool) needs to know nothing of metrics.
public struct DeliveryMetrics: Sendable {
    public let registry: MetricsRegistry

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
    }

    /// Upper bounds of the SMTP latency histogram, in seconds.
    public static let smtpBuckets: [Double] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    /// The server accepted the email and its state says so.
    public func emailSent(template: String) {
        registry.counter(
            "mailroom_emails_sent_total", help: "Emails the mail server accepted, per template.",
            labels: ["template": template]
        ).increment()
    }

    /// The email moved to `failed` for good, with this reason (`user_not_found`, `smtp_550`…).
    public func emailFailed(template: String, reason: String) {
        registry.counter(
            "mailroom_emails_failed_total", help: "Emails failed for good, per template and reason.",
            labels: ["template": template, "reason": reason]
        ).increment()
    }

    /// The engine asked a provider for data (after its transaction committed).
    public func providerRequested(provider: String) {
        registry.counter(
            "mailroom_provider_requests_total", help: "Requests for data sent to each provider.",
            labels: ["provider": provider]
        ).increment()
    }

    /// A provider answered; `outcome` is `ok` or the error it gave (`not_found`).
    public func providerAnswered(provider: String, outcome: String) {
        registry.counter(
            "mailroom_provider_answers_total", help: "Answers received from each provider, per outcome.",
            labels: ["provider": provider, "outcome": outcome]
        ).increment()
    }

    /// One conversation with the mail server, from connecting (or reusing the connection) to
    /// its last reply; `outcome` is `accepted`, `transient` or `permanent`.
    public func smtpSend(seconds: Double, outcome: String) {
        registry.histogram(
            "mailroom_smtp_send_seconds", help: "Time to hand one email to the mail server.",
            labels: ["outcome": outcome], buckets: Self.smtpBuckets
        ).observe(seconds)
    }
}
