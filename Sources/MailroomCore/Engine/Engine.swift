import Foundation
import Templates

/// The seed's engine: for each email of a reference, checks that every field its template
/// requires is cached and fresh; asks the owning provider for what is missing, at most once
/// per timeout and a bounded number of times; and decides which emails are ready and which
/// must fail. A pure function of the loaded state, so it is tested without servers.
public enum Engine {
    public static func decide(_ input: EngineInput) -> EngineDecision {
        var decision = EngineDecision()
        var verdicts: [ProviderKey: KeyVerdict] = [:]
        let columnsByProvider = requiredColumns(of: input.template)

        for email in input.emails where email.status == .pending {
            var outcome = EmailOutcome.ready(stale: [])

            for provider in columnsByProvider.keys.sorted() {
                guard let key = key(of: provider, for: email, input: input) else {
                    outcome.merge(.failed(missingLookupKey(provider, template: input.template)))
                    continue
                }
                let providerKey = ProviderKey(provider: provider, key: key)
                let verdict =
                    verdicts[providerKey]
                    ?? evaluate(providerKey, columns: columnsByProvider[provider] ?? [], input: input)
                verdicts[providerKey] = verdict
                outcome.merge(verdict, key: providerKey)
            }

            record(outcome, for: email.id, into: &decision)
        }

        for (key, verdict) in verdicts.sorted(by: { $0.key.description < $1.key.description }) {
            switch verdict {
            case .request(let attempt, let previous):
                decision.requests.append(PlannedRequest(key: key, attempt: attempt, previous: previous))
                decision.waitingFor.insert(key)
            case .wait: decision.waitingFor.insert(key)
            case .satisfied(stale: true): decision.exhausted.insert(key)
            case .failed(let failure) where failure.reason == "provider_silent": decision.exhausted.insert(key)
            case .satisfied, .failed: break
            }
        }
        return decision
    }

    /// Provider → the columns this template needs from it.
    static func requiredColumns(of template: TemplateDefinition) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for field in template.neededFields { result[field.provider, default: []].insert(field.column) }
        return result
    }

    private static func key(of provider: String, for email: EmailSnapshot, input: EngineInput) -> String? {
        if provider == input.template.recipientProvider { return email.recipient }
        return input.lookupKeys[provider] ?? nil
    }

    private static func missingLookupKey(_ provider: String, template: TemplateDefinition) -> EmailFailure {
        let field = template.lookups[provider] ?? provider
        return EmailFailure(reason: "missing_field", detail: "the event lacks '\(field)', the key of \(provider)")
    }

    private static func record(_ outcome: EmailOutcome, for emailID: Int64, into decision: inout EngineDecision) {
        switch outcome {
        case .ready(let stale):
            decision.ready.append(emailID)
            if !stale.isEmpty { decision.readyWithStaleData[emailID] = stale }
        case .failed(let failure): decision.failed[emailID] = failure
        case .waiting: break
        }
    }
}
