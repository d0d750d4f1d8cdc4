import Dispatch
import Foundation
import Synchronization

/// Set once SIGTERM or SIGINT arrives; consumers check it between messages and while waiting.
public final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)

    public init() {}

    public var isSet: Bool { stopped.load(ordering: .acquiring) }

    public func set() { stopped.store(true, ordering: .releasing) }

    /// Sleeps up to `duration`, waking early when stopped.
    public func sleep(_ duration: Duration) {
        let deadline = ContinuousClock.now + duration
        while !isSet, ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// Routes SIGTERM and SIGINT to this signal. Keep the returned sources alive.
    public func installHandlers(onSignal: @escaping @Sendable (Int32) -> Void) -> [DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                set()
                onSignal(number)
            }
            source.resume()
            return source
        }
    }
}
