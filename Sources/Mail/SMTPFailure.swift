/// Turns a failed libcurl transfer into a `MailTransportError`.
enum SMTPFailure {
    /// Uses the last reply the server sent in THIS transfer (never a code left over from an
    /// earlier message): 5xx is permanent, 4xx transient. With no failing reply at all the
    /// connection broke, timed out or never opened (a TLS failure included), which is
    /// transient. A refused login (535) is a 5xx like any other and so permanent.
    static func classify(reply: SMTPReply?, curlMessage: String) -> MailTransportError {
        guard let reply, reply.code >= 400 else {
            return MailTransportError(kind: .transient, message: curlMessage)
        }

        let kind: MailTransportError.Kind = reply.code >= 500 ? .permanent : .transient
        return MailTransportError(
            kind: kind, replyCode: reply.code, enhancedCode: reply.enhancedCode, message: reply.line)
    }
}
