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

    public func handle(_ message: InboundMessage, keepAlive: () -> Void) throws -> [OutboundMessage] {
        let emailID = try JobBody.id("emailId", in: message)
        let store = EmailStore(database: database)
        let log = logger.with([LogKey.emailID: String(emailID)])

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

        try recordSent(claimed.id, address: recipient.address, store: store, until: leaseEnds, keepAlive: keepAlive)
        metrics.emailSent(template: claimed.reference.template)
        log.info(
            "email sent",
            [
                LogKey.referenceID: String(claimed.reference.id), LogKey.attempt: String(claimed.attempts),
                LogKey.template: claimed.reference.template,
            ])
        return []
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
        let reason = error.replyCode.map { "smtp_\($0)" } ?? "smtp_unavailable"
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

    /// The server accepted the message: record it, trying until the database is back or the
    /// lease is nearly over, since once the lease has run out the sweeper has the email sent
    /// again. Keeps the broker connection alive while it waits.
    private func recordSent(
        _ emailID: Int64, address: String, store: EmailStore, until leaseEnds: ContinuousClock.Instant,
        keepAlive: () -> Void
    ) throws {
        var pause = Duration.milliseconds(500)
        while true {
            do {
                try store.markSent(emailID, address: address)
                return
            } catch let error as DatabaseError where error.requiresReconnect && .now + pause < leaseEnds {
                logger.warning(
                    "database lost while recording a sent email; retrying",
                    [LogKey.emailID: String(emailID), "retry_in": DurationText.format(pause)])
                let resume = ContinuousClock.now + pause
                while ContinuousClock.now < resume {
                    keepAlive()
                    Thread.sleep(forTimeInterval: 0.2)
                }
                try? database.reconnect()
                pause = min(pause * 2, .seconds(10))
            }
        }
    }

    /// The Message-ID is derived from the email's id, so a rare duplicate is recognisable.
    private func messageID(for emailID: Int64) -> String {
        "mailroom.email-\(emailID)@\(settings.from.domain)"
    }
}
