import Synchronization

/// Counts observations, such as durations in seconds, into buckets. Thread-safe.
///
/// Renders one cumulative `_bucket{le="…"}` sample per upper bound plus `le="+Inf"`, then
/// `_sum` and `_count`.
public final class Histogram: Sendable {
    struct Snapshot {
        /// Observations at or below each bound in `upperBounds`, not yet cumulative.
        var bucketCounts: [Int]
        var count = 0
        var sum = 0.0
    }

    /// Finite bounds, sorted and without duplicates; `+Inf` is implied.
    let upperBounds: [Double]
    private let state: Mutex<Snapshot>

    init(buckets: [Double]) {
        upperBounds = Array(Set(buckets.filter(\.isFinite))).sorted()
        state = Mutex(Snapshot(bucketCounts: Array(repeating: 0, count: upperBounds.count)))
    }

    /// Records one observation. NaN is ignored, as it would turn the sum into NaN for good.
    public func observe(_ seconds: Double) {
        guard !seconds.isNaN else { return }
        let bucket = upperBounds.firstIndex { seconds <= $0 }

        state.withLock { snapshot in
            if let bucket { snapshot.bucketCounts[bucket] += 1 }
            snapshot.count += 1
            snapshot.sum += seconds
        }
    }

    public var count: Int {
        state.withLock { $0.count }
    }

    public var sum: Double {
        state.withLock { $0.sum }
    }

    /// Buckets, sum and count read together, so that `+Inf` always equals `_count`.
    var snapshot: Snapshot {
        state.withLock { $0 }
    }
}
