import MailroomCore

/// Notices a database outage while a consumer is idle. Without it, a consumer whose database
/// went away would look ready until a message failed.
///
/// Between messages, at most every `interval`, the consumer's own thread pings its handler's
/// database (connections are single-threaded, so never from the HTTP thread); when the ping
/// fails it tries one reconnect. The outcome feeds `/readyz`.
struct DatabaseWatch {
    /// How often an idle consumer checks its database. Default: 5 seconds.
    var interval: Duration = .seconds(5)
    private(set) var isReachable = true
    private var lastCheck = ContinuousClock.now

    /// Checks when the interval has passed; returns the new state when it changed.
    mutating func checkIfDue(_ handler: MessageHandler) -> Bool? {
        guard ContinuousClock.now - lastCheck >= interval else { return nil }
        return record(reachable: handler.databaseAnswers() || (try? handler.reconnect()) != nil)
    }

    /// Records what the consumer learnt otherwise (a failed message, a reconnect); returns the
    /// new state when it changed.
    @discardableResult
    mutating func record(reachable: Bool) -> Bool? {
        lastCheck = .now
        defer { isReachable = reachable }
        return reachable == isReachable ? nil : reachable
    }
}
