/// All samples sharing one metric name: one `# HELP` and `# TYPE`, then a member per label set.
struct MetricFamily: Sendable {
    enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    enum Member: Sendable {
        case counter(Counter)
        case gauge(Gauge)
        case histogram(Histogram)
    }

    let name: String
    let help: String
    let kind: Kind
    var members: [LabelSet: Member] = [:]

    /// The family's exposition text, members sorted by their labels.
    func rendered() -> String {
        var text = "# HELP \(name) \(ExpositionText.escapedHelp(help))\n"
        text += "# TYPE \(name) \(kind.rawValue)\n"
        for (labels, member) in members.sorted(by: { $0.key < $1.key }) {
            switch member {
            case .counter(let counter):
                text += ExpositionText.sample(name, labels, counter.value)
            case .gauge(let gauge):
                text += ExpositionText.sample(name, labels, gauge.value)
            case .histogram(let histogram):
                text += renderedHistogram(histogram, labels)
            }
        }
        return text
    }

    private func renderedHistogram(_ histogram: Histogram, _ labels: LabelSet) -> String {
        let snapshot = histogram.snapshot
        var text = ""
        var cumulative = 0

        for (bound, bucketCount) in zip(histogram.upperBounds, snapshot.bucketCounts) {
            cumulative += bucketCount
            let bucketLabels = labels.appending("le", ExpositionText.value(bound))
            text += ExpositionText.sample(name + "_bucket", bucketLabels, Double(cumulative))
        }

        let everything = labels.appending("le", "+Inf")
        text += ExpositionText.sample(name + "_bucket", everything, Double(snapshot.count))
        text += ExpositionText.sample(name + "_sum", labels, snapshot.sum)
        text += ExpositionText.sample(name + "_count", labels, Double(snapshot.count))
        return text
    }
}
