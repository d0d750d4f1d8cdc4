import Foundation

/// Writes each message into a directory as `<Message-ID>.eml` (unsafe characters replaced),
/// atomically, so a reader never sees half a file. The same Message-ID overwrites the same
/// file, so a message sent twice leaves one file.
public final class FileTransport: MailTransport {
    private let directory: URL

    public init(directory: String) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        } catch {
            throw MailTransportConfigurationError(reason: "cannot create the mail directory \(directory)")
        }
    }

    public func send(_ message: [UInt8], envelope: MailEnvelope, progress: (() -> Void)?) throws -> MailDeliveryReceipt
    {
        let name = Self.fileName(forMessageID: MessageHeaders.messageID(in: message))
        let file = directory.appendingPathComponent(name)
        do {
            try Data(message).write(to: file, options: .atomic)
        } catch {
            throw MailTransportError(
                kind: .transient, message: "cannot write \(file.path): \(error.localizedDescription)")
        }
        return MailDeliveryReceipt(response: "written to \(file.path)")
    }

    public func close() {}

    /// Letters, digits and `.-_@+` are kept; anything else becomes `_`.
    static func fileName(forMessageID id: String?) -> String {
        guard let id, !id.isEmpty else { return "\(UUID().uuidString).eml" }
        let kept = id.unicodeScalars.map { scalar -> Character in
            let isSafe =
                scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || ".-_@+".unicodeScalars.contains(scalar))
            return isSafe ? Character(scalar) : "_"
        }
        let name = String(kept)
        return (name.hasPrefix(".") ? "_" + name.dropFirst() : name) + ".eml"
    }
}
