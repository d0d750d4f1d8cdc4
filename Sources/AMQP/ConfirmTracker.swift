/// Publisher-confirm bookkeeping for one channel: which publishes are awaited together (a
/// group) and what the broker said about them. A value type with no I/O, so its decisions are
/// tested without a broker.
///
/// The broker numbers published messages 1, 2, 3, … per channel. It may confirm them out of
/// order and several at once (`multiple`), but a basic.return always comes before the
/// basic.ack of the same message.
struct ConfirmTracker {
    enum Outcome: Equatable {
        case acked
        case nacked
        case returned(code: UInt16, text: String)
    }

    private(set) var nextTag: UInt64 = 1
    /// Publishes of the current group the broker has not confirmed yet.
    private var unconfirmed: Set<UInt64> = []
    private var pendingReturn: (code: UInt16, text: String)?
    /// The first refusal in the current group; one is enough to fail the group.
    private var refusal: Outcome?

    /// The verdict on the current group: `.acked` once the broker confirmed every publish in
    /// it, a refusal as soon as one came, nil while some are still unconfirmed.
    var outcome: Outcome? {
        if let refusal { return refusal }
        return unconfirmed.isEmpty ? .acked : nil
    }

    /// Starts a new group; publishes of an earlier group still unconfirmed are abandoned (their
    /// late confirms are ignored).
    mutating func startGroup() {
        unconfirmed.removeAll(keepingCapacity: true)
        pendingReturn = nil
        refusal = nil
    }

    /// Records a publish in the current group and returns its sequence number.
    mutating func published() -> UInt64 {
        let tag = nextTag
        nextTag += 1
        unconfirmed.insert(tag)
        return tag
    }

    /// A basic.return: the next confirm is for a message the broker could not route.
    ///
    /// Shortcoming: returns carry no sequence number. When a `multiple` confirm covers several
    /// publishes of a group, or an abandoned publish and the current group, the returned message
    /// cannot be told apart, and the whole group counts as returned. It errs towards an error,
    /// never towards success.
    mutating func returned(code: UInt16, text: String) {
        guard !unconfirmed.isEmpty else { return }
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
        let covered = multiple ? unconfirmed.filter { $0 <= tag } : unconfirmed.intersection([tag])
        pendingReturn = nil
        // A late confirm of an abandoned publish: its return, if any, was not ours.
        guard !covered.isEmpty else { return }

        unconfirmed.subtract(covered)
        if verdict != .acked, refusal == nil {
            refusal = verdict
        }
    }
}
