import Foundation

/// One email as the sender hands it to the composer: plain values, not yet encoded.
public struct MailMessage: Sendable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var subject: String
    public var textBody: String
    /// When present, the message is `multipart/alternative` with the text part first.
    public var htmlBody: String?
    /// Without angle brackets, e.g. `email-42.mailroom@example.com`.
    public var messageID: String
    public var date: Date

    public init(
        from: MailAddress,
        to: [MailAddress],
        subject: String,
        textBody: String,
        htmlBody: String? = nil,
        messageID: String,
        date: Date
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.messageID = messageID
        self.date = date
    }
}
