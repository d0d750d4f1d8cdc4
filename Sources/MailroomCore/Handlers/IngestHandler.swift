import Foundation
import MariaDB
import Templates

/// `mailroom-ingest`: turns a trigger event into a reference, its emails and stored data, and a
/// provider's answer into cached data; then asks the engine to look at each reference touched.
/// Idempotent on the event id: a duplicate changes nothing and only re-asks the engine.
public final class IngestHandler: MessageHandler {
    private let database: DatabaseConnection
    private let catalogue: Catalogue
    private let logger: Logger
    private let metrics: DeliveryMetrics

    public init(
        database: DatabaseConnection, catalogue: Catalogue, logger: Logger, metrics: DeliveryMetrics = DeliveryMetrics()
    ) {
        self.database = database
        self.catalogue = catalogue
        self.logger = logger
        self.metrics = metrics
    }

    public func reconnect() throws { try database.reconnect() }

    public func databaseAnswers() -> Bool { database.ping() }

    public func crashLedger() -> CrashLedger? { CrashLedger(database: database) }

    public func handle(_ message: InboundMessage, keepAlive: () -> Void) throws -> [OutboundMessage] {
        let event = try ExternalEvent(message)
        if let provider = catalogue.provider(answeringWith: event.name) {
            return try storeAnswer(event, from: provider)
        }

        let templates = catalogue.templates(triggeredBy: event.name)
        guard !templates.isEmpty else {
            throw MailroomFailure.permanent("unknown_event", "no template or provider listens to '\(event.name)'")
        }
        return try templates.map { try createReference(for: $0, from: event) }
    }

    private func createReference(
        for template: TemplateDefinition, from event: ExternalEvent
    ) throws -> OutboundMessage {
        // Read everything from the event before writing, so bad input writes nothing.
        let recipients = try event.data.stringList(template.recipientsField)
        for field in template.requiredEventFields { _ = try event.data.scalar(field) }
        var columns: [String: String?] = [:]
        for (column, field) in template.referenceColumns { columns[column] = try event.data.optionalScalar(field) }
        let stored = try template.stores.map { rule in
            var values: [String: String] = [:]
            for (column, field) in rule.columns { values[column] = try event.data.optionalScalar(field) }
            return (rule.provider, try event.data.string(rule.keyField), values)
        }

        let references = ReferenceStore(database: database)
        let (referenceID, isNew) = try database.transaction { () throws -> (Int64, Bool) in
            guard let id = try references.insertReference(template: template, event: event, columns: columns) else {
                guard let existing = try references.existingReference(eventID: event.id, template: template.name) else {
                    throw MailroomFailure.transient("reference_vanished", "a duplicate event's reference is missing")
                }
                return (existing, false)
            }
            try references.insertEmails(referenceID: id, recipients: recipients)
            for (providerName, key, values) in stored {
                guard let provider = catalogue.providers[providerName] else { continue }
                try references.store(values, key: key, in: provider)
            }
            return (id, true)
        }

        let fields = [
            LogKey.eventID: event.id, LogKey.referenceID: String(referenceID), LogKey.template: template.name,
        ]
        if isNew {
            logger.info("reference created", fields.merging(["recipients": String(recipients.count)]) { old, _ in old })
        } else {
            logger.info("duplicate event ignored", fields)
        }
        return .engineJob(referenceID: referenceID)
    }

    private func storeAnswer(_ event: ExternalEvent, from provider: ProviderDefinition) throws -> [OutboundMessage] {
        let key = try event.data.string(provider.responseKeyField)
        let error = try provider.responseErrorField.flatMap { try event.data.optionalScalar($0) }
        var values: [String: String?] = [:]
        for (field, column) in provider.responseFields { values[column] = try event.data.optionalScalar(field) }

        // Only an answer to a request this service made may change cached data: anything else
        // could replace a user's address with another one.
        guard let correlationID = event.correlationID, !correlationID.isEmpty else {
            throw MailroomFailure.permanent(
                "unsolicited_answer", "a \(event.name) without a correlation_id answers no request of ours")
        }
        let fields = [
            LogKey.provider: provider.name, LogKey.eventID: event.id, LogKey.correlationID: correlationID,
        ]
        var outcome = error
        let waiting: [Int64]
        do {
            waiting = try store(values, error: error, key: key, provider: provider, correlationID: correlationID)
        } catch let rejected as DatabaseError where rejected.kind == .rejectedValue {
            // A value the cache cannot hold (a name, or the error text, longer than its
            // column): the answer counts as an error, so the emails that wait for it fail with
            // that reason at once rather than ask again until the provider seems silent. The
            // values are not logged.
            outcome = Self.invalidAnswer
            logger.warning(
                "answer not storable; recorded as \(Self.invalidAnswer)",
                fields.merging([LogKey.error: rejected.message]) { old, _ in old })
            waiting = try store(
                [:], error: Self.invalidAnswer, key: key, provider: provider, correlationID: correlationID)
        }

        logger.info("provider answered", fields.merging([LogKey.reason: outcome ?? ""]) { old, _ in old })
        metrics.providerAnswered(provider: provider.name, outcome: outcome ?? "ok")
        return waiting.map { OutboundMessage.engineJob(referenceID: $0) }
    }

    /// What an answer whose values the database refuses is recorded as; the engine fails the
    /// emails waiting for it with `<provider>_invalid_answer`.
    static let invalidAnswer = "invalid_answer"

    /// Stores an answer to a request this service made, in one transaction; returns the
    /// references waiting for it.
    private func store(
        _ values: [String: String?], error: String?, key: String, provider: ProviderDefinition,
        correlationID: String
    ) throws -> [Int64] {
        try database.transaction { () throws -> [Int64] in
            let store = ProviderStore(database: database)
            guard try store.hasRequest(provider: provider.name, key: key, correlationID: correlationID) else {
                throw MailroomFailure.permanent(
                    "unsolicited_answer",
                    "no request to \(provider.name) for key '\(key)' has the correlation_id '\(correlationID)' "
                        + "(unknown, or a late answer to a request asked again since)")
            }
            return try store.storeAnswer(values, error: error, key: key, provider: provider)
        }
    }
}
