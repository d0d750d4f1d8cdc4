import Synchronization

/// Whether each consumer is connected and consuming; `/readyz` reports ready when all are.
public final class Readiness: Sendable {
    private let states: Mutex<[Bool]>

    init(consumers: Int) {
        states = Mutex(Array(repeating: false, count: consumers))
    }

    func set(consumer index: Int, ready: Bool) {
        states.withLock { $0[index] = ready }
    }

    public var isReady: Bool { states.withLock { $0.allSatisfy { $0 } } }
}
