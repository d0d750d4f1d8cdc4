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
        tracker.startGroup()
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

    @Test func aGroupIsAckedOnlyOnceEveryPublishInItIsConfirmedInAnyOrder() {
        var tracker = ConfirmTracker()
        tracker.startGroup()
        let first = tracker.published()
        let second = tracker.published()
        let third = tracker.published()

        tracker.acked(tag: third, multiple: false)
        #expect(tracker.outcome == nil)
        tracker.acked(tag: first, multiple: false)
        #expect(tracker.outcome == nil)
        tracker.acked(tag: second, multiple: false)
        #expect(tracker.outcome == .acked)
    }

    @Test func oneMultipleAckSettlesTheWholeGroup() {
        var tracker = ConfirmTracker()
        tracker.startGroup()
        _ = tracker.published()
        _ = tracker.published()
        let last = tracker.published()

        tracker.acked(tag: last - 1, multiple: true)
        #expect(tracker.outcome == nil)
        tracker.acked(tag: last, multiple: true)
        #expect(tracker.outcome == .acked)
    }

    @Test func oneRefusalFailsTheGroupAtOnce() {
        var tracker = ConfirmTracker()
        tracker.startGroup()
        let first = tracker.published()
        _ = tracker.published()

        tracker.nacked(tag: first, multiple: false)

        #expect(tracker.outcome == .nacked)
    }

    @Test func aReturnInsideAGroupFailsTheGroup() {
        var tracker = ConfirmTracker()
        tracker.startGroup()
        let first = tracker.published()
        let second = tracker.published()

        tracker.acked(tag: first, multiple: false)
        tracker.returned(code: 312, text: "NO_ROUTE")
        tracker.acked(tag: second, multiple: false)

        #expect(tracker.outcome == .returned(code: 312, text: "NO_ROUTE"))
    }

    @Test func aNewGroupForgetsTheRefusalOfTheLastOne() {
        var tracker = ConfirmTracker()
        tracker.startGroup()
        tracker.nacked(tag: tracker.published(), multiple: false)
        #expect(tracker.outcome == .nacked)

        tracker.startGroup()
        tracker.acked(tag: tracker.published(), multiple: false)

        #expect(tracker.outcome == .acked)
    }
}
