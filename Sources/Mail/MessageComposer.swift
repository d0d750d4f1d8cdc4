import Foundation

/// Turns a `MailMessage` into the octets of an RFC 5322 / MIME message.
///
/// Headers are folded at 78 characters where possible and never pass 998; non-ASCII text in
/// headers becomes RFC 2047 encoded words; bodies are normalised to CRLF and sent as 7bit
/// only when every line is short ASCII, otherwise as quoted-printable or base64. Dots at the
/// start of lines are left alone: SMTP dot-stuffing is the transport's job (libcurl does it).
public enum MessageComposer {
    /// The message as it goes on the wire: CRLF line ends, no line over 998 octets (76 in
    /// QP/base64).
    public static func compose(_ message: MailMessage) -> [UInt8] {
        var header = HeaderWriter()
        header.addRaw("Date", RFC5322Date.format(message.date))
        header.addMailboxes("From", [message.from])
        if !message.to.isEmpty {
            header.addMailboxes("To", message.to)
        }
        header.addUnstructured("Subject", message.subject)
        header.addRaw("Message-ID", "<\(safeMessageID(message.messageID))>")
        header.addRaw("MIME-Version", "1.0")

        let text = BodyEncoder.encode(message.textBody)
        guard let htmlBody = message.htmlBody else {
            header.addRaw("Content-Type", "text/plain; charset=utf-8")
            header.addRaw("Content-Transfer-Encoding", text.transferEncoding)
            return header.octets + crlf + text.octets
        }

        let html = BodyEncoder.encode(htmlBody)
        let boundary = Boundary.make(avoiding: [text.octets, html.octets])
        header.addRaw("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")

        var wire = header.octets + crlf
        for (part, type) in [(text, "text/plain"), (html, "text/html")] {
            wire += Array("--\(boundary)\r\n".utf8)
            wire += Array("Content-Type: \(type); charset=utf-8\r\n".utf8)
            wire += Array("Content-Transfer-Encoding: \(part.transferEncoding)\r\n\r\n".utf8)
            wire += part.octets + crlf
        }
        wire += Array("--\(boundary)--\r\n".utf8)
        return wire
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    /// Keeps a Message-ID on one line and inside its angle brackets whatever it was given.
    private static func safeMessageID(_ id: String) -> String {
        String(
            String.UnicodeScalarView(
                id.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F && $0 != "<" && $0 != ">" }))
    }
}
