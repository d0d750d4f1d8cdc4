import Synchronization

/// Whether each consumer is ready: connected to the broker, consuming, and its handler's
/// database answering. `/readyz` reports ready when all are.
public final class Readiness: Sendable {
    private let states: Mutex<[Bool]>

    init(consumers: Int) {
        states = Mutex(Array(repeating: false, count: consumers))
    }

    func set(consumer index: Int, ready: Bool) {
        states.withLock { $0[index] = ready }
    }

    public var isReady: Bool { states.withLock { $0.allSatisfy { $0 } } }

    /// How many consumers are ready, and how many there are.
    public var counts: (ready: Int, total: Int) {
        states.withLock { states in (states.filter { $0 }.count, states.count) }
    }
}
