import Foundation

extension timeval {
    /// The duration as a `timeval`; zero for negative durations.
    init(_ duration: Duration) {
        guard duration > .zero else {
            self.init(tv_sec: 0, tv_usec: 0)
            return
        }
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
