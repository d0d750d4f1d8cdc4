/// Who the message is from and to, as told to the server (SMTP `MAIL FROM` and `RCPT TO`);
/// always bare addresses, whatever the headers say.
public struct MailEnvelope: Sendable {
    public var sender: MailAddress
    public var recipients: [MailAddress]

    public init(sender: MailAddress, recipients: [MailAddress]) {
        self.sender = sender
        self.recipients = recipients
    }

    /// Whether any address in it has a UTF-8 local part.
    var requiresSMTPUTF8: Bool {
        sender.requiresSMTPUTF8 || recipients.contains(where: \.requiresSMTPUTF8)
    }
}

/// What the server said when it took the message (for SMTP, e.g. `250 OK queued as 4F2A`).
public struct MailDeliveryReceipt: Sendable {
    public var replyCode: Int?
    public var response: String?

    public init(replyCode: Int? = nil, response: String? = nil) {
        self.replyCode = replyCode
        self.response = response
    }
}

/// Hands composed messages to whatever delivers them.
///
/// Not thread-safe: one thread only.
public protocol MailTransport: AnyObject {
    /// Delivers one message or throws `MailTransportError`.
    ///
    /// `progress` is called often (about once a second or more) while the transfer runs,
    /// including while the server is silent; the caller uses it to keep another connection
    /// alive.
    func send(_ message: [UInt8], envelope: MailEnvelope, progress: (() -> Void)?) throws -> MailDeliveryReceipt

    /// Ends any open connection; the transport may still be used afterwards.
    func close()
}

/// Why a message was not delivered, and whether trying again later can help.
public struct MailTransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Try again later: a 4xx reply, a dropped connection, a timeout, a server away.
        case transient
        /// Do not try again: a 5xx reply, or a message this server can never take.
        case permanent
    }

    public var kind: Kind
    /// The SMTP reply code of the failing step, when the server gave one in this attempt.
    public var replyCode: Int?
    /// The RFC 3463 enhanced status code from the reply text, e.g. `5.1.1`.
    public var enhancedCode: String?
    /// The server's reply text or curl's error; never the body.
    public var message: String
    /// A short name for a failure found before any reply (`smtputf8_unsupported`), for callers
    /// that classify failures; nil when the server's reply code says it.
    public var cause: String?

    public init(
        kind: Kind, replyCode: Int? = nil, enhancedCode: String? = nil, message: String, cause: String? = nil
    ) {
        self.kind = kind
        self.replyCode = replyCode
        self.enhancedCode = enhancedCode
        self.message = message
        self.cause = cause
    }

    public var description: String {
        let codes = [replyCode.map(String.init), enhancedCode].compactMap { $0 }.joined(separator: " ")
        let kindText = kind == .transient ? "transient" : "permanent"
        return codes.isEmpty
            ? "\(kindText) mail failure: \(message)" : "\(kindText) mail failure (\(codes)): \(message)"
    }
}

/// A transport that cannot be made from the configuration it was given.
public struct MailTransportConfigurationError: Error, Sendable, CustomStringConvertible {
    /// Never holds the password of the URL.
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "mail transport configuration: \(reason)" }
}
