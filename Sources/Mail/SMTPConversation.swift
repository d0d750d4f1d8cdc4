/// What libcurl's callbacks read and record for one `SMTPTransport`: the message being
/// uploaded, the progress hook, and the replies the server sent.
///
/// Used only by the thread that runs the transfer (libcurl calls back on that same thread).
final class SMTPConversation {
    /// Whether the server's last EHLO offered SMTPUTF8; nil before the first connection.
    private(set) var offersSMTPUTF8: Bool?

    /// The last complete reply of the current transfer, nil until the server says something.
    private(set) var lastReply: SMTPReply?

    private var reader = SMTPReplyReader()
    private var message: [UInt8] = []
    private var uploaded = 0
    private var progress: (() -> Void)?

    func begin(message: [UInt8], progress: (() -> Void)?) {
        self.message = message
        self.uploaded = 0
        self.progress = progress
        self.lastReply = nil
        self.reader = SMTPReplyReader()
    }

    /// Called when the connection is closed on purpose: the next server may offer other things.
    func forgetServer() {
        offersSMTPUTF8 = nil
    }

    func end() {
        message = []
        progress = nil
    }

    /// Copies the next piece of the message into libcurl's buffer; 0 means the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, message.count - uploaded)
        guard count > 0 else { return 0 }

        message.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[uploaded..<(uploaded + count)]))
        }
        uploaded += count
        return count
    }

    func reportProgress() {
        progress?()
    }

    /// Lines the server sent. A greeting (220, also after STARTTLS) starts a new session
    /// whose EHLO reply tells again what the server offers.
    func received(_ octets: UnsafeBufferPointer<UInt8>) {
        for (reply, lines) in reader.feed(octets) {
            if reply.code == 220 {
                offersSMTPUTF8 = false
            } else if reply.code == 250 && lines.contains(where: { $0.uppercased() == "SMTPUTF8" }) {
                offersSMTPUTF8 = true
            }
            lastReply = reply
        }
    }
}
