import Testing

@testable import AMQP

@Suite struct ConfirmTrackerTests {
    @Test func ackOfTheAwaitedPublishConfirmsIt() {
        var tracker = ConfirmTracker()
        let tag = tracker.published()

        tracker.acked(tag: tag, multiple: false)

        #expect(tracker.outcome == .acked)
    }

    @Test func returnBeforeTheAckMakesItReturned() {
        var tracker = ConfirmTracker()
        let tag = tracker.published()

        tracker.returned(code: 312, text: "NO_ROUTE")
        tracker.acked(tag: tag, multiple: false)

        #expect(tracker.outcome == .returned(code: 312, text: "NO_ROUTE"))
    }

    @Test func nackWins() {
        var tracker = ConfirmTracker()
        let tag = tracker.published()

        tracker.nacked(tag: tag, multiple: false)

        #expect(tracker.outcome == .nacked)
    }

    @Test func lateConfirmOfAnAbandonedPublishNeitherSettlesNorTaintsTheNextOne() {
        var tracker = ConfirmTracker()
        let abandoned = tracker.published()
        let awaited = tracker.published()

        tracker.returned(code: 312, text: "NO_ROUTE")
        tracker.acked(tag: abandoned, multiple: false)
        #expect(tracker.outcome == nil)

        tracker.acked(tag: awaited, multiple: false)
        #expect(tracker.outcome == .acked)
    }

    @Test func multipleAckCoveringTheAwaitedPublishSettlesIt() {
        var tracker = ConfirmTracker()
        _ = tracker.published()
        let awaited = tracker.published()

        tracker.acked(tag: awaited + 1, multiple: true)

        #expect(tracker.outcome == .acked)
    }

    @Test func publishStartsAfreshAndNumbersFromOne() {
        var tracker = ConfirmTracker()
        #expect(tracker.published() == 1)
        tracker.acked(tag: 1, multiple: false)

        #expect(tracker.published() == 2)
        #expect(tracker.outcome == nil)
    }
}
