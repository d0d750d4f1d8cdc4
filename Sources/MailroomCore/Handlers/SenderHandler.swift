import Foundation
import Mail
import MariaDB
import Templates

/// `mailroom-sender`: claims an email, renders its template, composes the MIME message, hands it
/// to the transport and records the outcome. A job for an email already sent, failed, not yet
/// ready or leased by another sender is acknowledged and skipped.
public final class SenderHandler: MessageHandler {
    /// What the sender needs besides its connections.
    public struct Settings: Sendable {
        public var from: MailAddress
        public var lease: Duration
        public var maxAttempts: Int

        public init(from: MailAddress, lease: Duration, maxAttempts: Int) {
            self.from = from
            self.lease = lease
            self.maxAttempts = maxAttempts
        }
    }

    private let database: DatabaseConnection
    private let transport: MailTransport
    private let catalogue: Catalogue
    private let settings: Settings
    private let logger: Logger
    private let metrics: DeliveryMetrics
    /// The email this sender claimed and could not finish because the database went away
    /// before the server accepted it; the same job, handled again while the lease lasts,
    /// carries on under this claim.
    private var interrupted: (email: ClaimedEmail, leaseEnds: ContinuousClock.Instant)?
    /// An email the server accepted whose record the database lost. It is recorded before
    /// anything else this sender does, and never sent again by this sender.
    private var unrecorded: (email: ClaimedEmail, address: String)?

    public init(
        database: DatabaseConnection, transport: MailTransport, catalogue: Catalogue, settings: Settings,
        logger: Logger, metrics: DeliveryMetrics = DeliveryMetrics()
    ) {
        self.database = database
        self.transport = transport
        self.catalogue = catalogue
        self.settings = settings
        self.logger = logger
        self.metrics = metrics
    }

    public func reconnect() throws { try database.reconnect() }

    public func databaseAnswers() -> Bool { database.ping() }

    public func crashLedger() -> CrashLedger? { CrashLedger(database: database) }

    public func handle(_ message: InboundMessage, keepAlive: () -> Void) throws -> [OutboundMessage] {
        let emailID = try JobBody.id("emailId", in: message)
        let store = EmailStore(database: database)
        let log = logger.with([LogKey.emailID: String(emailID)])
        if let accepted = unrecorded {
            try recordSent(accepted.email, address: accepted.address, log: logger)
            if accepted.email.id == emailID { return [] }
        }

        let claimed: ClaimedEmail
        let leaseEnds: ContinuousClock.Instant
        if let held = interrupted, held.email.id == emailID, ContinuousClock.now < held.leaseEnds {
            // This sender's own claim, from before the database went away: carry on under it
            // rather than find the email leased (by itself) until the lease ends.
            (claimed, leaseEnds) = held
        } else {
            switch try store.claim(emailID, lease: settings.lease, messageID: messageID) {
            case .claimed(let email): claimed = email
            case .refused(let refusal):
                log.info("send job skipped", [LogKey.reason: "\(refusal)"])
                return []
            }
            // Measured after the claim committed, so a little later than the lease's real end.
            leaseEnds = ContinuousClock.now + settings.lease - .seconds(1)
        }

        interrupted = (claimed, leaseEnds)
        let recipient: MailAddress
        do {
            recipient = try deliver(claimed, store: store, keepAlive: keepAlive)
            interrupted = nil
        } catch let error as DatabaseError where error.requiresReconnect {
            // Nothing was accepted: the claim stays this sender's for the retry.
            throw error
        } catch {
            interrupted = nil
            throw error
        }

        try recordSent(claimed, address: recipient.address, log: logger)
        return []
    }

    /// Records that the server accepted the email. When the database is lost meanwhile, the
    /// acceptance is remembered and the error thrown: the consumer keeps the job until the
    /// database is back and hands it here again, and then only the record is written, since
    /// sending again would be a duplicate. (Were the record never written, the sweeper would
    /// have the email sent again once the lease ran out.)
    private func recordSent(_ email: ClaimedEmail, address: String, log: Logger) throws {
        let fields = [
            LogKey.emailID: String(email.id), LogKey.referenceID: String(email.reference.id),
            LogKey.attempt: String(email.attempts), LogKey.template: email.reference.template,
        ]
        do {
            try EmailStore(database: database).markSent(email.id, address: address)
            unrecorded = nil
        } catch let error as DatabaseError where error.requiresReconnect {
            unrecorded = (email, address)
            log.warning("database lost while recording a sent email; recording it once it is back", fields)
            throw error
        }
        metrics.emailSent(template: email.reference.template)
        log.info("email sent", fields)
    }

    /// Renders, composes and hands the message to the transport; returns the recipient once
    /// the server accepted it. A failure is recorded on the email before it is thrown.
    private func deliver(_ claimed: ClaimedEmail, store: EmailStore, keepAlive: () -> Void) throws -> MailAddress {
        let composed = try compose(claimed, store: store)
        let envelope = MailEnvelope(sender: settings.from.bareAddress, recipients: [composed.recipient])
        let started = ContinuousClock.now
        do {
            // The transport holds the callback only for the duration of this send.
            _ = try withoutActuallyEscaping(keepAlive) { progress in
                try transport.send(composed.bytes, envelope: envelope, progress: progress)
            }
            metrics.smtpSend(seconds: (ContinuousClock.now - started).seconds, outcome: "accepted")
        } catch let error as MailTransportError {
            metrics.smtpSend(seconds: (ContinuousClock.now - started).seconds, outcome: "\(error.kind)")
            try recordFailure(error, of: claimed, store: store)
        }
        return composed.recipient
    }

    /// Renders and composes; a problem with the data fails the email for good.
    private func compose(_ email: ClaimedEmail, store: EmailStore) throws -> (bytes: [UInt8], recipient: MailAddress) {
        do {
            guard let template = catalogue.templates[email.reference.template] else {
                throw MailroomFailure.permanent("unknown_template", "no template named '\(email.reference.template)'")
            }
            let context = try RenderContext.load(
                for: email, template: template, providers: catalogue.providers, database: database)
            let rendered = try RenderedEmail(template: template, context: context)
            let message = MailMessage(
                from: settings.from, to: [rendered.recipient], subject: rendered.subject, textBody: rendered.text,
                htmlBody: rendered.html, messageID: messageID(for: email.id), date: Date())
            return (MessageComposer.compose(message), rendered.recipient)
        } catch let failure as MailroomFailure where failure.kind == .permanent {
            if try store.markFailed(email.id, reason: failure.reason, detail: failure.detail) {
                metrics.emailFailed(template: email.reference.template, reason: failure.reason)
            }
            throw failure
        }
    }

    private func recordFailure(_ error: MailTransportError, of email: ClaimedEmail, store: EmailStore) throws -> Never {
        let reason = error.replyCode.map { "smtp_\($0)" } ?? error.cause ?? "smtp_unavailable"
        let detail = [error.enhancedCode, error.message].compactMap { $0 }.joined(separator: " ")

        if error.kind == .permanent {
            if try store.markFailed(email.id, reason: reason, detail: detail) {
                metrics.emailFailed(template: email.reference.template, reason: reason)
            }
            throw MailroomFailure.permanent(reason, detail)
        }
        if email.attempts >= settings.maxAttempts {
            let gaveUp = "gave up after \(email.attempts) attempts: \(detail)"
            if try store.markFailed(email.id, reason: reason, detail: gaveUp) {
                metrics.emailFailed(template: email.reference.template, reason: reason)
            }
            throw MailroomFailure.permanent("attempts_exhausted", "\(reason) \(detail)")
        }
        try store.releaseForRetry(email.id, reason: reason, detail: detail)
        throw MailroomFailure.transient(reason, detail)
    }

    /// The Message-ID is derived from the email's id, so a rare duplicate is recognisable.
    private func messageID(for emailID: Int64) -> String {
        "mailroom.email-\(emailID)@\(settings.from.domain)"
    }
}
