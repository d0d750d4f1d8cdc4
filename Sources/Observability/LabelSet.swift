/// A metric's labels with sanitised names, kept sorted by name so that equal sets compare
/// equal and samples render in a stable order.
///
/// If two names sanitise to the same one (`a-b` and `a_b`), the value of the one that sorts
/// last before sanitising wins.
struct LabelSet: Hashable, Comparable, Sendable {
    struct Label: Hashable, Sendable {
        var name: String
        var value: String
    }

    private(set) var labels: [Label]

    init(_ dictionary: [String: String]) {
        var byName: [String: String] = [:]
        for (name, value) in dictionary.sorted(by: { $0.key < $1.key }) {
            byName[PrometheusName.label(name)] = value
        }
        labels = byName.map { Label(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
    }

    /// This set with one more label at the end, as histograms add `le` to each bucket.
    func appending(_ name: String, _ value: String) -> LabelSet {
        var copy = self
        copy.labels.append(Label(name: name, value: value))
        return copy
    }

    /// Renames a label that would clash with one the format reserves (`le` on histograms).
    func renaming(_ reserved: String, to replacement: String) -> LabelSet {
        var copy = self
        copy.labels = labels.map { label in
            label.name == reserved ? Label(name: replacement, value: label.value) : label
        }
        copy.labels.sort { $0.name < $1.name }
        return copy
    }

    static func < (lhs: LabelSet, rhs: LabelSet) -> Bool {
        for (left, right) in zip(lhs.labels, rhs.labels) where left != right {
            return left.name != right.name ? left.name < right.name : left.value < right.value
        }
        return lhs.labels.count < rhs.labels.count
    }

    /// `{a="1",b="2"}`, or nothing at all when there are no labels.
    var rendered: String {
        guard !labels.isEmpty else { return "" }
        let pairs = labels.map { "\($0.name)=\"\(ExpositionText.escapedLabelValue($0.value))\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }
}
