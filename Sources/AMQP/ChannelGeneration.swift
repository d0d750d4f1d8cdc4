import Foundation

/// Hands out channel generations that are unique across every connection in the process, so a
/// delivery can never be mistaken for one of another channel or another connection.
enum ChannelGeneration {
    private static let lock = NSLock()
    // Safe: only read and written while holding `lock`.
    nonisolated(unsafe) private static var last = 0

    static func next() -> Int {
        lock.withLock {
            last += 1
            return last
        }
    }
}
