import Synchronization

/// A value that only goes up, such as the number of messages handled. Thread-safe.
public final class Counter: Sendable {
    private let total = Mutex<Double>(0)

    init() {}

    /// Adds `amount`. A negative or NaN amount is ignored: a counter never goes down.
    public func increment(by amount: Double = 1) {
        guard amount >= 0 else { return }
        total.withLock { $0 += amount }
    }

    public var value: Double {
        total.withLock { $0 }
    }
}
