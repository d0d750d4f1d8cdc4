/// The headers Mailroom adds to a message it retries, parks or replays, so an operator can see
/// why and replay it to where it came from. `mailroomctl dead` reads them.
public enum MessageHeader {
    /// Failed attempts so far (an integer); absent on a message never tried, reset by a replay.
    public static let attempts = "x-mailroom-attempts"
    /// The routing key the message first arrived with (for ingest, the event name), kept because
    /// retries and replays travel under the queue's name instead.
    public static let routingKey = "x-mailroom-routing-key"
    /// The work queue the message belongs to, e.g. `mailroom.send`.
    public static let originalQueue = "x-mailroom-original-queue"
    /// The last failure's short stable code (`invalid_json`, `smtp_550`, `attempts_exhausted`).
    public static let reason = "x-mailroom-reason"
    /// `transient` or `permanent`.
    public static let errorKind = "x-mailroom-error-kind"
    /// The last failure in words, at most 1,000 characters; never a body, token or password.
    public static let detail = "x-mailroom-detail"
    /// When the first failure of this cycle happened (a timestamp); a replay starts a new cycle.
    public static let firstFailure = "x-mailroom-first-failure"
    /// When the last failure happened (a timestamp).
    public static let lastFailure = "x-mailroom-last-failure"
    /// When `mailroomctl dead replay` put the message back (a timestamp).
    public static let replayedAt = "x-mailroom-replayed-at"
    /// The reason the message had been parked with before its last replay.
    public static let replayedReason = "x-mailroom-replayed-reason"

    /// The broker's own dead-lettering history: an array of tables, newest first.
    public static let death = "x-death"
    /// How often a quorum queue delivered the message before (set by the broker).
    public static let deliveryCount = "x-delivery-count"

    /// What one failure cycle wrote; a replay removes them so the next cycle starts clean.
    static let failureCycle = [attempts, reason, errorKind, detail, firstFailure, lastFailure]
}
