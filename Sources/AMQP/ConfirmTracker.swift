/// Publisher-confirm bookkeeping for one channel: which publish is awaited and what the broker
/// said about it. A value type with no I/O, so its decisions are tested without a broker.
///
/// The broker numbers published messages 1, 2, 3, … per channel and confirms them in order,
/// a basic.return always coming before the basic.ack of the same message.
struct ConfirmTracker {
    enum Outcome: Equatable {
        case acked
        case nacked
        case returned(code: UInt16, text: String)
    }

    private(set) var nextTag: UInt64 = 1
    private var awaitedTag: UInt64?
    private var pendingReturn: (code: UInt16, text: String)?
    /// The verdict on the awaited publish, once the broker gave it.
    private(set) var outcome: Outcome?

    /// Records a publish and returns its sequence number; any earlier publish still awaited is
    /// abandoned (its late confirm is ignored).
    mutating func published() -> UInt64 {
        let tag = nextTag
        nextTag += 1
        awaitedTag = tag
        pendingReturn = nil
        outcome = nil
        return tag
    }

    /// A basic.return: the next confirm is for a message the broker could not route.
    ///
    /// Shortcoming: returns carry no sequence number. After a publish timed out, a single
    /// `multiple` ack covering both the abandoned message (returned) and the awaited one would
    /// report the awaited one as returned too. It errs towards an error, never towards success.
    mutating func returned(code: UInt16, text: String) {
        guard awaitedTag != nil else { return }
        pendingReturn = (code, text)
    }

    mutating func acked(tag: UInt64, multiple: Bool) {
        let verdict = pendingReturn.map { Outcome.returned(code: $0.code, text: $0.text) } ?? .acked
        settle(tag: tag, multiple: multiple, verdict: verdict)
    }

    mutating func nacked(tag: UInt64, multiple: Bool) {
        settle(tag: tag, multiple: multiple, verdict: .nacked)
    }

    private mutating func settle(tag: UInt64, multiple: Bool, verdict: Outcome) {
        guard let awaited = awaitedTag else { return }

        if tag == awaited || (multiple && tag > awaited) {
            outcome = verdict
            awaitedTag = nil
            pendingReturn = nil
        } else if tag < awaited {
            // A late confirm of an abandoned publish: its return, if any, was not ours.
            pendingReturn = nil
        }
    }
}
