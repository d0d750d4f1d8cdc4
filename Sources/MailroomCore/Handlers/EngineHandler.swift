import Foundation
import MariaDB
import Templates

/// `mailroom-engine`: loads a reference, its emails and the cached data and requests its
/// template needs, lets `Engine.decide` choose, and applies the decision in one transaction.
/// Send jobs and provider requests are published only for the state changes this engine won.
public final class EngineHandler: MessageHandler {
    private let database: DatabaseConnection
    private let catalogue: Catalogue
    private let policy: RequestPolicy
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let metrics: DeliveryMetrics

    public init(
        database: DatabaseConnection, catalogue: Catalogue, policy: RequestPolicy, logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init, metrics: DeliveryMetrics = DeliveryMetrics()
    ) {
        self.database = database
        self.catalogue = catalogue
        self.policy = policy
        self.logger = logger
        self.clock = clock
        self.metrics = metrics
    }

    public func reconnect() throws { try database.reconnect() }

    public func databaseAnswers() -> Bool { database.ping() }

    public func crashLedger() -> CrashLedger? { CrashLedger(database: database) }

    public func handle(_ message: InboundMessage, keepAlive: () -> Void) throws -> [OutboundMessage] {
        let referenceID = try JobBody.id("referenceId", in: message)
        let emails = EmailStore(database: database)
        guard let reference = try emails.reference(referenceID) else {
            throw MailroomFailure.permanent("unknown_reference", "no reference \(referenceID)")
        }
        guard let template = catalogue.templates[reference.template] else {
            throw MailroomFailure.permanent("unknown_template", "no template named '\(reference.template)'")
        }

        let snapshot = try emails.emails(of: referenceID)
        // A job handled before may have committed its decision and lost its broker connection
        // before the send jobs went out: hand the sender the ready emails again rather than
        // leave them to the sweeper. The sender skips any it has sent already.
        let seenBefore = message.redelivered || message.previousAttempts > 0
        let resent =
            seenBefore ? snapshot.filter { $0.status == .ready }.map { OutboundMessage.sendJob(emailID: $0.id) } : []
        guard snapshot.contains(where: { $0.status == .pending }) else {
            try ProviderStore(database: database).stopWaiting(referenceID: referenceID)
            return resent
        }

        let input = try loadInput(template: template, reference: reference, emails: snapshot)
        let decision = Engine.decide(input)
        return try resent + apply(decision, reference: reference, template: template, stillPending: snapshot)
    }

    private func loadInput(
        template: TemplateDefinition, reference: StoredReference, emails: [EmailSnapshot]
    ) throws -> EngineInput {
        var lookupKeys: [String: String?] = [:]
        for (provider, field) in template.lookups {
            lookupKeys[provider] = try? reference.payload.optionalScalar(field)
        }

        let providers = ProviderStore(database: database)
        var records: [ProviderKey: CachedRecord] = [:]
        var requests: [ProviderKey: ProviderRequestState] = [:]
        for (name, _) in template.providersUsed {
            guard let provider = catalogue.providers[name] else { continue }
            let keys =
                name == template.recipientProvider
                ? emails.filter { $0.status == .pending }.map(\.recipient)
                : [lookupKeys[name] ?? nil].compactMap { $0 }
            // Requests before records: an answer commits its record and closes its request
            // together, so a request seen answered guarantees its record is seen too. The
            // other order could see the old record and the closed request, and ask again.
            requests.merge(try providers.requests(of: name, keys: keys)) { _, new in new }
            records.merge(try providers.records(of: provider, keys: keys)) { _, new in new }
        }

        return EngineInput(
            template: template, providers: catalogue.providers, emails: emails, lookupKeys: lookupKeys,
            records: records, requests: requests, now: clock(), policy: policy)
    }

    private func apply(
        _ decision: EngineDecision, reference: StoredReference, template: TemplateDefinition,
        stillPending snapshot: [EmailSnapshot]
    ) throws -> [OutboundMessage] {
        let emails = EmailStore(database: database)
        let providers = ProviderStore(database: database)
        let log = logger.with([LogKey.referenceID: String(reference.id), LogKey.template: template.name])
        // Counted only once the transaction committed.
        var failedReasons: [String] = []
        var requestedProviders: [String] = []

        let outbound = try database.transaction {
            var outbound: [OutboundMessage] = []
            for emailID in decision.ready where try emails.markReady(emailID) {
                outbound.append(.sendJob(emailID: emailID))
                if let stale = decision.readyWithStaleData[emailID] {
                    log.warning(
                        "sending with stale cached data: the provider stayed silent",
                        [
                            LogKey.emailID: String(emailID),
                            LogKey.provider: stale.map(\.description).joined(separator: ","),
                        ])
                }
            }
            for (emailID, failure) in decision.failed.sorted(by: { $0.key < $1.key }) {
                if try emails.markFailed(emailID, reason: failure.reason, detail: failure.detail) {
                    failedReasons.append(failure.reason)
                }
                log.warning(
                    "email failed",
                    [LogKey.emailID: String(emailID), LogKey.reason: failure.reason, LogKey.error: failure.detail])
            }
            for key in decision.exhausted { try providers.markExhausted(key) }
            for plan in decision.requests {
                guard let message = try request(plan, providers: providers) else { continue }
                outbound.append(message)
                requestedProviders.append(plan.key.provider)
                log.info(
                    "requesting data",
                    [
                        LogKey.provider: plan.key.provider, LogKey.attempt: String(plan.attempt),
                        LogKey.correlationID: message.correlationID ?? "",
                    ])
            }

            let settled = Set(decision.ready).union(decision.failed.keys)
            if snapshot.allSatisfy({ $0.status != .pending || settled.contains($0.id) }) {
                try providers.stopWaiting(referenceID: reference.id)
            } else {
                for key in decision.waitingFor { try providers.wait(referenceID: reference.id, for: key) }
            }
            return outbound
        }
        for reason in failedReasons { metrics.emailFailed(template: template.name, reason: reason) }
        for provider in requestedProviders { metrics.providerRequested(provider: provider) }
        return outbound
    }

    /// Claims the request row and builds the request event; nil when another engine asked first.
    private func request(_ plan: PlannedRequest, providers: ProviderStore) throws -> OutboundMessage? {
        guard let provider = catalogue.providers[plan.key.provider] else { return nil }
        let correlationID = UUID().uuidString.lowercased()
        guard try providers.claimRequest(plan, correlationID: correlationID) else { return nil }

        let body = (try? JSONSerialization.data(withJSONObject: [provider.requestKeyField: plan.key.key])) ?? Data()
        return OutboundMessage(
            destination: .event(provider.requestEvent), body: Array(body), correlationID: correlationID)
    }
}
