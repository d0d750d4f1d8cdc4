import Foundation
import MailroomCore
import Templates
import Testing

/// The engine's decisions, from loaded state alone.
struct EngineTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = RequestPolicy(timeout: .seconds(30), maxAttempts: 3)

    static func catalogue() throws -> Catalogue {
        try Catalogue.load(directory: CatalogueTests.templatesDirectory)
    }

    static func input(
        emails: [EmailSnapshot] = [EmailSnapshot(id: 1, recipient: "u-1", status: .pending)],
        records: [ProviderKey: CachedRecord] = [:], requests: [ProviderKey: ProviderRequestState] = [:]
    ) throws -> EngineInput {
        let catalogue = try catalogue()
        let template = try #require(catalogue.templates["auth-access-token"])
        return EngineInput(
            template: template, providers: catalogue.providers, emails: emails, lookupKeys: [:], records: records,
            requests: requests, now: now, policy: policy)
    }

    static let user1 = ProviderKey(provider: "user", key: "u-1")
    static let complete = ["name": "Ada", "email": "ada@example.com"]

    @Test func freshCompleteDataMakesTheEmailReady() throws {
        let records = [Self.user1: CachedRecord(values: Self.complete, fetchedAt: Self.now.addingTimeInterval(-60))]
        let decision = Engine.decide(try Self.input(records: records))

        #expect(decision.ready == [1])
        #expect(decision.requests.isEmpty)
        #expect(decision.failed.isEmpty)
    }

    @Test func missingDataIsRequestedOnceAndTheEmailWaits() throws {
        let emails = [
            EmailSnapshot(id: 1, recipient: "u-1", status: .pending),
            EmailSnapshot(id: 2, recipient: "u-2", status: .pending),
            EmailSnapshot(id: 3, recipient: "u-3", status: .sent),
        ]
        let records = [Self.user1: CachedRecord(values: ["access_token": "123456"])]
        let decision = Engine.decide(try Self.input(emails: emails, records: records))

        #expect(decision.ready.isEmpty)
        #expect(decision.requests.map(\.key.key) == ["u-1", "u-2"])
        #expect(decision.requests.allSatisfy { $0.attempt == 1 })
        #expect(decision.waitingFor == [Self.user1, ProviderKey(provider: "user", key: "u-2")])
    }

    @Test func aPendingRequestWithinTheTimeoutIsNotRepeated() throws {
        let requests = [
            Self.user1: ProviderRequestState(
                status: .pending, attempts: 1, requestedAt: Self.now.addingTimeInterval(-10))
        ]
        let decision = Engine.decide(try Self.input(requests: requests))

        #expect(decision.requests.isEmpty)
        #expect(decision.ready.isEmpty && decision.failed.isEmpty)
        #expect(decision.waitingFor == [Self.user1])
    }

    @Test func aTimedOutRequestIsRepeatedUntilTheMaximumThenFails() throws {
        let timedOut = Self.now.addingTimeInterval(-31)
        let second = Engine.decide(
            try Self.input(requests: [
                Self.user1: ProviderRequestState(status: .pending, attempts: 2, requestedAt: timedOut)
            ]))
        #expect(second.requests.map(\.attempt) == [3])

        let last = Engine.decide(
            try Self.input(requests: [
                Self.user1: ProviderRequestState(status: .pending, attempts: 3, requestedAt: timedOut)
            ]))
        #expect(last.requests.isEmpty)
        #expect(last.failed[1]?.reason == "provider_silent")
        #expect(last.exhausted == [Self.user1])
    }

    @Test func staleDataIsUsedWhenTheProviderStaysSilent() throws {
        let records = [Self.user1: CachedRecord(values: Self.complete, fetchedAt: Self.now.addingTimeInterval(-7200))]
        let requests = [
            Self.user1: ProviderRequestState(
                status: .pending, attempts: 3, requestedAt: Self.now.addingTimeInterval(-40))
        ]
        let decision = Engine.decide(try Self.input(records: records, requests: requests))

        #expect(decision.ready == [1])
        #expect(decision.readyWithStaleData[1] == [Self.user1])
    }

    @Test func staleDataStartsANewCycleOfRequests() throws {
        let records = [Self.user1: CachedRecord(values: Self.complete, fetchedAt: Self.now.addingTimeInterval(-7200))]
        let requests = [
            Self.user1: ProviderRequestState(
                status: .answered, attempts: 1, requestedAt: Self.now.addingTimeInterval(-7200), correlationID: "c-1")
        ]
        let decision = Engine.decide(try Self.input(records: records, requests: requests))

        #expect(decision.ready.isEmpty)
        #expect(decision.requests.count == 1)
        #expect(decision.requests.first?.attempt == 1)
        #expect(decision.requests.first?.previous?.correlationID == "c-1")
    }

    @Test func notFoundFailsTheEmailWithoutAskingAgain() throws {
        let records = [
            Self.user1: CachedRecord(values: [:], fetchedAt: Self.now.addingTimeInterval(-5), fetchError: "not_found")
        ]
        let decision = Engine.decide(try Self.input(records: records))

        #expect(decision.failed[1]?.reason == "user_not_found")
        #expect(decision.requests.isEmpty)
    }

    @Test func anAnswerLackingARequiredFieldFailsInsteadOfAskingAgain() throws {
        let records = [Self.user1: CachedRecord(values: ["name": "Ada"], fetchedAt: Self.now.addingTimeInterval(-5))]
        let decision = Engine.decide(try Self.input(records: records))

        #expect(decision.failed[1]?.reason == "incomplete_answer")
        #expect(decision.failed[1]?.detail.contains("email") == true)
        #expect(decision.requests.isEmpty)
    }
}
