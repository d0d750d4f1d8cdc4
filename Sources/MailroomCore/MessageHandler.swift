/// What a worker does with each message of its queue. One handler per consumer thread, with
/// its own database connection; it is never called from two threads at once.
public protocol MessageHandler: AnyObject {
    /// Handles one message and commits its database work; returns what to publish afterwards.
    /// Throws `MailroomFailure` to say whether a retry can help; any other error counts as
    /// transient. `keepAlive` must be called often during a long blocking step.
    func handle(_ message: InboundMessage, keepAlive: () -> Void) throws -> [OutboundMessage]

    /// Drops and remakes the database connection after it was lost.
    func reconnect() throws

    /// Whether the database connection answers a ping now; never reconnects. The consumer
    /// calls it between messages, on its own thread, so `/readyz` sees a database outage
    /// even when no message arrives.
    func databaseAnswers() -> Bool

    /// Where the consumer counts the unfinished takes of messages handed back after a crash;
    /// nil turns the count off (the broker's delivery limit alone then parks a poison message).
    func crashLedger() -> CrashLedger?
}

extension MessageHandler {
    /// For handlers without a database.
    public func databaseAnswers() -> Bool { true }

    /// For handlers without a database.
    public func crashLedger() -> CrashLedger? { nil }
}
