import Foundation

/// Deploy/dev/smtp-sink.py on a free port with its own mail directory, stopped on deinit.
final class SMTPSink {
    let port: Int
    let mailDirectory: URL
    private let process: Process

    struct Received {
        var envelope: [String: Any]
        var eml: [UInt8]
        var mailFrom: String? { envelope["mail_from"] as? String }
        var rcptTos: [String] { envelope["rcpt_tos"] as? [String] ?? [] }
        var mailOptions: [String] { envelope["mail_options"] as? [String] ?? [] }
        var connection: Int? { envelope["connection"] as? Int }
    }

    init(_ options: [String] = []) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        mailDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("mail-sink-\(UUID().uuidString)")

        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments =
            [
                root.appendingPathComponent("Deploy/dev/smtp-sink.py").path, "--port", "0", "--mail-dir",
                mailDirectory.path,
            ]
            + options
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()

        var line = Data()
        while !line.contains(0x0A) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let text = String(data: line, encoding: .utf8), text.hasPrefix("listening on "),
            let port = Int(text.dropFirst("listening on ".count).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw SinkDidNotStart()
        }
        self.port = port
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: mailDirectory)
    }

    var url: String { "smtp://127.0.0.1:\(port)" }

    /// The accepted messages, in the order the sink numbered them.
    func received() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: mailDirectory.path)
        let numbers = names.compactMap { $0.hasSuffix(".json") ? Int($0.dropLast(5)) : nil }.sorted()
        return try numbers.map { number in
            let json = try Data(contentsOf: mailDirectory.appendingPathComponent("\(number).json"))
            let eml = try Data(contentsOf: mailDirectory.appendingPathComponent("\(number).eml"))
            let envelope = try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
            return Received(envelope: envelope, eml: Array(eml))
        }
    }

    struct SinkDidNotStart: Error {}
}
