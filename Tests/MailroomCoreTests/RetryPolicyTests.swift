import MailroomCore
import Testing

struct RetryPolicyTests {
    let policy = RetryPolicy(
        delays: [.seconds(1), .seconds(5), .seconds(30), .seconds(120), .seconds(600)], maxAttempts: 8)

    @Test func permanentFailuresAreParkedAtOnce() {
        var random = SeededRandom(seed: 1)
        #expect(policy.decide(after: .permanent, attempts: 1, using: &random) == .park)
    }

    @Test func transientFailuresRetryUntilTheLastAttemptThenPark() {
        var random = SeededRandom(seed: 2)
        for attempts in 1..<8 {
            guard case .retry = policy.decide(after: .transient, attempts: attempts, using: &random) else {
                Issue.record("attempt \(attempts) should be retried")
                continue
            }
        }
        #expect(policy.decide(after: .transient, attempts: 8, using: &random) == .park)
        #expect(policy.decide(after: .transient, attempts: 9, using: &random) == .park)
    }

    @Test func theFirstRetryAlwaysWaitsTheShortestDelay() {
        var random = SeededRandom(seed: 3)
        for _ in 0..<50 {
            #expect(policy.decide(after: .transient, attempts: 1, using: &random) == .retry(after: .seconds(1)))
        }
    }

    @Test func laterRetriesWaitTheScheduledDelayOrItsShorterNeighbour() {
        #expect(policy.candidates(afterAttempt: 2) == [.seconds(5), .seconds(1)])
        #expect(policy.candidates(afterAttempt: 5) == [.seconds(600), .seconds(120)])
        // Past the end of the list the last delay repeats, still jittered with its neighbour.
        #expect(policy.candidates(afterAttempt: 7) == [.seconds(600), .seconds(120)])

        var random = SeededRandom(seed: 4)
        let chosen = Set((0..<200).map { _ in policy.delay(afterAttempt: 3, using: &random) })
        #expect(chosen == [.seconds(30), .seconds(5)], "both neighbours are used, nothing else")
    }

    @Test func jitterNeverWaitsLongerThanTheSchedule() {
        var random = SeededRandom(seed: 5)
        for attempt in 1...10 {
            let scheduled = policy.candidates(afterAttempt: attempt)[0]
            for _ in 0..<20 {
                #expect(policy.delay(afterAttempt: attempt, using: &random) <= scheduled)
            }
        }
    }

    @Test func aSingleDelayOrEqualNeighboursMeanNoJitter() {
        #expect(RetryPolicy(delays: [.seconds(3)], maxAttempts: 4).candidates(afterAttempt: 3) == [.seconds(3)])
        #expect(
            RetryPolicy(delays: [.seconds(2), .seconds(2)], maxAttempts: 4).candidates(afterAttempt: 2) == [.seconds(2)]
        )
    }
}

/// SplitMix64, so the random choices of a test are the same on every run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
