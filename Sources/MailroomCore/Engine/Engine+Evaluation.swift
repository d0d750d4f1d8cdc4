import Foundation
import Templates

/// What the engine concluded about one provider key.
enum KeyVerdict: Equatable {
    case satisfied(stale: Bool)
    case failed(EmailFailure)
    case request(attempt: Int, previous: ProviderRequestState?)
    case wait
}

/// What one email's keys add up to: any failure fails it, any missing key makes it wait.
enum EmailOutcome {
    case ready(stale: [ProviderKey])
    case waiting
    case failed(EmailFailure)

    mutating func merge(_ verdict: KeyVerdict, key: ProviderKey) {
        switch (self, verdict) {
        case (.failed, _): return
        case (_, .failed(let failure)): self = .failed(failure)
        case (_, .request), (_, .wait): self = .waiting
        case (.ready(let stale), .satisfied(stale: true)): self = .ready(stale: stale + [key])
        case (.ready, .satisfied), (.waiting, .satisfied): return
        }
    }

    mutating func merge(_ outcome: EmailOutcome) {
        if case .failed = self { return }
        self = outcome
    }
}

extension Engine {
    static func evaluate(_ key: ProviderKey, columns: Set<String>, input: EngineInput) -> KeyVerdict {
        guard let provider = input.providers[key.provider] else {
            return .failed(EmailFailure(reason: "unknown_provider", detail: "no provider named '\(key.provider)'"))
        }
        let record = input.records[key]
        let fresh = record?.fetchedAt.map { input.now.timeIntervalSince($0) < provider.timeToLive.seconds } ?? false

        if let record, fresh {
            if let error = record.fetchError {
                return .failed(
                    EmailFailure(
                        reason: "\(key.provider)_\(error)",
                        detail: "the \(key.provider) service answered '\(error)' for this key"))
            }
            let missing = columns.subtracting(record.values.keys).sorted()
            guard missing.isEmpty else {
                return .failed(
                    EmailFailure(
                        reason: "incomplete_answer",
                        detail: "the \(key.provider) service's answer lacks \(missing.joined(separator: ", "))"))
            }
            return .satisfied(stale: false)
        }

        // The provider's answer may not be needed at all: the trigger may have stored every
        // column this template requires (and the provider answers none of them).
        if let record, columns.isSubset(of: record.values.keys), columns.isDisjoint(with: provider.answeredColumns) {
            return .satisfied(stale: false)
        }

        return decideRequest(key, record: record, columns: columns, input: input)
    }

    private static func decideRequest(
        _ key: ProviderKey, record: CachedRecord?, columns: Set<String>, input: EngineInput
    ) -> KeyVerdict {
        guard let request = input.requests[key] else { return .request(attempt: 1, previous: nil) }

        let sinceRequest = input.now.timeIntervalSince(request.requestedAt)
        let timeout = input.policy.timeout.seconds
        switch request.status {
        case .answered:
            // The answer went stale: a new cycle of requests.
            return .request(attempt: 1, previous: request)
        case .exhausted where sinceRequest >= timeout * Double(input.policy.maxAttempts):
            // Long enough after giving up: try a new cycle rather than fail every new email.
            return .request(attempt: 1, previous: request)
        case .pending where sinceRequest < timeout:
            return .wait
        case .pending where request.attempts < input.policy.maxAttempts:
            return .request(attempt: request.attempts + 1, previous: request)
        case .pending, .exhausted:
            let stale = record.map { columns.isSubset(of: $0.values.keys) && $0.fetchError == nil } ?? false
            if stale { return .satisfied(stale: true) }
            return .failed(
                EmailFailure(
                    reason: "provider_silent",
                    detail: "the \(key.provider) service did not answer \(request.attempts) requests"))
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
