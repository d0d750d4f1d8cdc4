import Synchronization

/// A registry of metrics, rendered in the Prometheus text format. Thread-safe.
///
/// Metric and label names that break Prometheus' rules are programming errors, but they do not
/// crash: each forbidden character becomes `_` (`mail-sent` renders as `mail_sent`).
///
/// A name registered again with another type (a gauge named like an existing counter) gets a
/// working metric that is never rendered: the first type wins, as the first `help` does.
public final class MetricsRegistry: Sendable {
    /// The Content-Type of `render()`'s text, for the `/metrics` response.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let families = Mutex<[String: MetricFamily]>([:])

    public init() {}

    /// Returns the same counter for the same name+labels; `help` is the # HELP line (first
    /// registration wins). Name it with the `_total` suffix, as Prometheus expects of counters.
    public func counter(_ name: String, help: String, labels: [String: String] = [:]) -> Counter {
        let member = register(name, help, .counter, LabelSet(labels)) { .counter(Counter()) }
        guard case .counter(let counter) = member else { return Counter() }
        return counter
    }

    public func gauge(_ name: String, help: String, labels: [String: String] = [:]) -> Gauge {
        let member = register(name, help, .gauge, LabelSet(labels)) { .gauge(Gauge()) }
        guard case .gauge(let gauge) = member else { return Gauge() }
        return gauge
    }

    /// Buckets in seconds, e.g. [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10].
    ///
    /// The same name+labels return the first histogram, with its buckets. Infinite and NaN
    /// bounds are dropped (`+Inf` is always there). A label named `le` is renamed `le_`, as the
    /// format reserves it for the bucket bounds.
    public func histogram(
        _ name: String, help: String, labels: [String: String] = [:], buckets: [Double]
    ) -> Histogram {
        let labelSet = LabelSet(labels).renaming("le", to: "le_")
        let member = register(name, help, .histogram, labelSet) {
            .histogram(Histogram(buckets: buckets))
        }
        guard case .histogram(let histogram) = member else { return Histogram(buckets: buckets) }
        return histogram
    }

    /// The whole exposition text: # HELP / # TYPE once per family, label values escaped
    /// (\\, \", \n), families sorted by name, samples sorted by labels.
    public func render() -> String {
        let snapshot = families.withLock { $0 }
        return snapshot.keys.sorted().compactMap { snapshot[$0]?.rendered() }.joined()
    }

    /// Finds or adds the member; `nil` when the name is taken by a family of another type.
    private func register(
        _ name: String, _ help: String, _ kind: MetricFamily.Kind, _ labels: LabelSet,
        make: () -> MetricFamily.Member
    ) -> MetricFamily.Member? {
        let name = PrometheusName.metric(name)

        return families.withLock { families in
            var family = families[name] ?? MetricFamily(name: name, help: help, kind: kind)
            guard family.kind == kind else { return nil }
            if let existing = family.members[labels] { return existing }

            let member = make()
            family.members[labels] = member
            families[name] = family
            return member
        }
    }
}
