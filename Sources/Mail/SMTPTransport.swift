import CCurl
import Foundation

/// Delivers over SMTP through libcurl, keeping one connection open across messages.
///
/// `smtp://[user:pass@]host:port` upgrades with STARTTLS when the server offers it (and
/// otherwise, including for AUTH, goes on in clear); `smtps://` is TLS from the start. Peers
/// are verified. AUTH happens when the URL has a user and password. libcurl does the SMTP
/// dot-stuffing. A silent server is given up on after `timeout`.
///
/// Not thread-safe: it owns a curl easy handle, which one thread at a time may use.
public final class SMTPTransport: MailTransport {
    private let url: String
    private let usesImplicitTLS: Bool
    private let timeoutSeconds: Int
    private let conversation = SMTPConversation()
    private var openHandle: CurlEasyHandle?

    /// - Parameter timeout: how long to wait for a connection, and for a server that says
    ///   and accepts nothing. Default: 60 seconds.
    public init(url: String, timeout: Duration = .seconds(60)) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "smtp" || scheme == "smtps", let host = components.host, !host.isEmpty
        else {
            throw MailTransportConfigurationError(reason: "the SMTP URL must be smtp://host:port or smtps://host:port")
        }

        self.url = url
        self.usesImplicitTLS = scheme == "smtps"
        self.timeoutSeconds = max(1, Int(timeout.components.seconds))
        self.openHandle = try makeHandle()
    }

    /// The handle, made again after `close()`; libcurl keeps its connection inside it.
    private func handle() throws -> CurlEasyHandle {
        if let openHandle { return openHandle }
        let handle = try makeHandle()
        openHandle = handle
        return handle
    }

    private func makeHandle() throws -> CurlEasyHandle {
        let curl = try CurlEasyHandle()
        try curl.attach(conversation)
        try curl.set(CURLOPT_URL, url)
        try curl.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try curl.set(CURLOPT_NOSIGNAL, 1)

        let tls = usesImplicitTLS ? CURLUSESSL_ALL : CURLUSESSL_TRY
        try curl.set(CURLOPT_USE_SSL, Int(tls.rawValue))
        try curl.set(CURLOPT_SSL_VERIFYPEER, 1)
        try curl.set(CURLOPT_SSL_VERIFYHOST, 2)

        // A server that waits before it answers sends nothing: below 1 byte a second for the
        // whole timeout, or no reply within it, ends the transfer.
        try curl.set(CURLOPT_CONNECTTIMEOUT, timeoutSeconds)
        try curl.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, timeoutSeconds)
        try curl.set(CURLOPT_LOW_SPEED_LIMIT, 1)
        try curl.set(CURLOPT_LOW_SPEED_TIME, timeoutSeconds)
        return curl
    }

    public func send(_ message: [UInt8], envelope: MailEnvelope, progress: (() -> Void)?) throws -> MailDeliveryReceipt
    {
        if envelope.recipients.isEmpty {
            throw MailTransportError(
                kind: .permanent, message: "the envelope has no recipients", cause: "no_recipients")
        }
        if envelope.requiresSMTPUTF8 {
            try requireSMTPUTF8(progress: progress)
        }

        let curl = try asTransportError(handle)
        conversation.begin(message: message, progress: progress)
        defer { conversation.end() }

        let recipients = CurlStringList(envelope.recipients.map { "<\($0.address)>" })
        try asTransportError {
            try curl.set(CURLOPT_CUSTOMREQUEST, nil as String?)
            try curl.set(CURLOPT_MAIL_FROM, "<\(envelope.sender.address)>")
            try curl.set(CURLOPT_MAIL_RCPT, list: recipients)
            try curl.set(CURLOPT_INFILESIZE_LARGE, largeValue: Int64(message.count))
            try curl.set(CURLOPT_UPLOAD, 1)
        }

        // libcurl reads the recipient list during the transfer: it must live until the end.
        let outcome = withExtendedLifetime(recipients) { curl.perform() }
        try asTransportError { try curl.set(CURLOPT_MAIL_RCPT, list: nil as CurlStringList?) }

        if outcome.code != CURLE_OK {
            throw SMTPFailure.classify(reply: conversation.lastReply, curlMessage: outcome.message)
        }
        return MailDeliveryReceipt(replyCode: conversation.lastReply?.code, response: conversation.lastReply?.line)
    }

    /// A UTF-8 local part may go only to a server whose EHLO offered SMTPUTF8 (RFC 6531):
    /// libcurl 7.88 adds the SMTPUTF8 parameter when it is offered but sends the UTF-8
    /// address anyway when it is not, so the check is made here. Before the first
    /// connection a NOOP opens one, and the EHLO reply is read from libcurl's debug output.
    private func requireSMTPUTF8(progress: (() -> Void)?) throws {
        if conversation.offersSMTPUTF8 == nil {
            let curl = try asTransportError(handle)
            conversation.begin(message: [], progress: progress)
            defer { conversation.end() }

            try asTransportError {
                try curl.set(CURLOPT_UPLOAD, 0)
                try curl.set(CURLOPT_MAIL_RCPT, list: nil)
                try curl.set(CURLOPT_CUSTOMREQUEST, "NOOP")
            }
            let outcome = curl.perform()
            if outcome.code != CURLE_OK {
                throw SMTPFailure.classify(reply: conversation.lastReply, curlMessage: outcome.message)
            }
        }

        if conversation.offersSMTPUTF8 != true {
            throw MailTransportError(
                kind: .permanent,
                message: "the address has a UTF-8 local part and the server does not offer SMTPUTF8",
                cause: "smtputf8_unsupported"
            )
        }
    }

    /// libcurl refuses an option only when it lacks a feature; that is not the message's
    /// fault, so the message may be tried again once the setup is fixed.
    private func asTransportError<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as MailTransportConfigurationError {
            throw MailTransportError(kind: .transient, message: error.reason)
        }
    }

    /// Ends the connection (libcurl says QUIT when its handle goes); the next send opens a new one.
    public func close() {
        openHandle = nil
        conversation.forgetServer()
    }
}
