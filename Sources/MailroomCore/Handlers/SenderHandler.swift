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

    public init(
        database: DatabaseConnection, transport: MailTransport, catalogue: Catalogue, settings: Settings, logger: Logger
    ) {
        self.database = database
        self.transport = transport
        self.catalogue = catalogue
        self.settings = settings
        self.logger = logger
    }

    public func reconnect() throws { try database.reconnect() }

    public func handle(_ message: InboundMessage, keepAlive: () -> Void) throws -> [OutboundMessage] {
        let emailID = try JobBody.id("emailId", in: message)
        let store = EmailStore(database: database)
        let log = logger.with([LogKey.emailID: String(emailID)])

        let claimed: ClaimedEmail
        switch try store.claim(emailID, lease: settings.lease, messageID: messageID) {
        case .claimed(let email): claimed = email
        case .refused(let refusal):
            log.info("send job skipped", [LogKey.reason: "\(refusal)"])
            return []
        }

        let composed = try compose(claimed, store: store)
        let envelope = MailEnvelope(sender: settings.from.bareAddress, recipients: [composed.recipient])
        do {
            // The transport holds the callback only for the duration of this send.
            _ = try withoutActuallyEscaping(keepAlive) { progress in
                try transport.send(composed.bytes, envelope: envelope, progress: progress)
            }
        } catch let error as MailTransportError {
            try recordFailure(error, of: claimed, store: store)
        }

        try recordSent(claimed.id, address: composed.recipient.address, store: store)
        log.info(
            "email sent",
            [LogKey.referenceID: String(claimed.reference.id), LogKey.attempt: String(claimed.attempts)])
        return []
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
            try store.markFailed(email.id, reason: failure.reason, detail: failure.detail)
            throw failure
        }
    }

    private func recordFailure(_ error: MailTransportError, of email: ClaimedEmail, store: EmailStore) throws -> Never {
        let reason = error.replyCode.map { "smtp_\($0)" } ?? "smtp_unavailable"
        let detail = [error.enhancedCode, error.message].compactMap { $0 }.joined(separator: " ")

        if error.kind == .permanent {
            try store.markFailed(email.id, reason: reason, detail: detail)
            throw MailroomFailure.permanent(reason, detail)
        }
        if email.attempts >= settings.maxAttempts {
            try store.markFailed(email.id, reason: reason, detail: "gave up after \(email.attempts) attempts: \(detail)")
            throw MailroomFailure.permanent("attempts_exhausted", "\(reason) \(detail)")
        }
        try store.releaseForRetry(email.id, reason: reason, detail: detail)
        throw MailroomFailure.transient(reason, detail)
    }

    /// The server accepted the message: record it, trying hard, because a lost record means
    /// the sweeper may send the email again after the lease.
    private func recordSent(_ emailID: Int64, address: String, store: EmailStore) throws {
        var attempt = 0
        while true {
            do {
                try store.markSent(emailID, address: address)
                return
            } catch let error as DatabaseError where error.requiresReconnect && attempt < 5 {
                attempt += 1
                logger.warning("database lost while recording a sent email; retrying", [LogKey.emailID: String(emailID)])
                Thread.sleep(forTimeInterval: Double(attempt))
                try? database.reconnect()
            }
        }
    }

    /// The Message-ID is derived from the email's id, so a rare duplicate is recognisable.
    private func messageID(for emailID: Int64) -> String {
        "mailroom.email-\(emailID)@\(settings.from.domain)"
    }
}
