/// What becomes of a message after a failed attempt: back through a delay queue, or parked.
///
/// Delays come from a fixed set of queues, each with a queue-wide TTL (`MAILROOM_RETRY_DELAYS`),
/// so a delay can only be one of the configured values. The n-th failure is scheduled on the
/// n-th delay, and every failure past the end of the list on the last one.
///
/// Jitter, chosen from neighbouring queues: from the second retry on, each retry waits either
/// its scheduled delay or the next shorter configured one, with even odds. A burst that failed
/// together (an SMTP server away for a minute) thus comes back in two waves instead of one.
/// Only the shorter neighbour is used, so the longest a message can wait before it is parked
/// stays exactly what the configuration says; the expected wait is shorter. The first retry is
/// never jittered: it is the shortest delay already. A finer spread would need per-message TTLs
/// in a shared queue, which expire only at the queue's head (see `Topology`), so none is tried.
///
/// The load on the SMTP server or the database cannot pile up behind a synchronised wave anyway:
/// consumers pull at most `MAILROOM_CONCURRENCY × MAILROOM_PREFETCH` messages per process.
public struct RetryPolicy: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        /// Publish to the delay queue of this duration; it comes back to its queue afterwards.
        case retry(after: Duration)
        /// Publish to the parking queue, where an operator decides.
        case park
    }

    /// The configured delays, in the order given; never empty.
    public var delays: [Duration]
    /// Attempts in all, the first included, before a transient failure is parked.
    public var maxAttempts: Int

    /// `delays` must not be empty (the configuration guarantees it); an empty list is read as `[1s]`.
    public init(delays: [Duration], maxAttempts: Int) {
        self.delays = delays.isEmpty ? [.seconds(1)] : delays
        self.maxAttempts = max(maxAttempts, 1)
    }

    /// Decides after attempt number `attempts` (1 for the first) failed with `kind`.
    public func decide<Random: RandomNumberGenerator>(
        after kind: MailroomFailure.Kind, attempts: Int, using random: inout Random
    ) -> Decision {
        guard kind == .transient, attempts < maxAttempts else { return .park }
        return .retry(after: delay(afterAttempt: attempts, using: &random))
    }

    public func decide(after kind: MailroomFailure.Kind, attempts: Int) -> Decision {
        var random = SystemRandomNumberGenerator()
        return decide(after: kind, attempts: attempts, using: &random)
    }

    /// The delays the retry after `attempt` failures may wait: the scheduled one, and from the
    /// second retry on its shorter neighbour when that differs.
    public func candidates(afterAttempt attempt: Int) -> [Duration] {
        let index = min(max(attempt - 1, 0), delays.count - 1)
        let scheduled = delays[index]
        guard index > 0, delays[index - 1] < scheduled else { return [scheduled] }
        return [scheduled, delays[index - 1]]
    }

    /// One of `candidates(afterAttempt:)`, with even odds.
    public func delay<Random: RandomNumberGenerator>(afterAttempt attempt: Int, using random: inout Random)
        -> Duration
    {
        let choices = candidates(afterAttempt: attempt)
        return choices[Int.random(in: 0..<choices.count, using: &random)]
    }
}
