import Foundation

/// RabbitMQ's management HTTP API through curl: virtual hosts for the phases, and the
/// message counts the broker keeps per virtual host.
struct ManagementAPI {
    var baseURL: String
    var user: String
    var password: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func createVirtualHost(_ name: String) throws {
        try call("PUT", "/api/vhosts/\(name)")
        try call(
            "PUT", "/api/permissions/\(name)/\(user)", body: #"{"configure":".*","write":".*","read":".*"}"#)
    }

    /// Tries a few times: a busy broker can time the request out.
    func deleteVirtualHost(_ name: String) {
        for attempt in 1...3 {
            if (try? call("DELETE", "/api/vhosts/\(name)")) != nil { return }
            Thread.sleep(forTimeInterval: Double(attempt))
        }
        say("could not delete the virtual host \(name); run.sh removes what is left when it ends")
    }

    /// `message_stats` of a virtual host: publish, confirm, deliver_get, ack, redeliver, …
    /// The broker refreshes them every collect_statistics_interval (5 s by default).
    func messageStatistics(of virtualHost: String) throws -> [String: Int] {
        let text = try call("GET", "/api/vhosts/\(virtualHost)")
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Failure(description: "the management API answered something that is not JSON for \(virtualHost)")
        }
        let stats = object["message_stats"] as? [String: Any] ?? [:]
        return stats.compactMapValues { $0 as? Int }
    }

    /// Messages published plus delivered in the whole broker so far (every virtual host), to
    /// tell how much of the broker's work during a phase was the phase's own.
    func brokerTraffic() throws -> Int {
        let text = try call("GET", "/api/overview")
        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let stats = object?["message_stats"] as? [String: Any] ?? [:]
        return (stats["publish"] as? Int ?? 0) + (stats["deliver_get"] as? Int ?? 0)
    }

    @discardableResult
    private func call(_ method: String, _ path: String, body: String? = nil) throws -> String {
        // The credentials go through a curl config on stdin, never on a command line.
        var arguments = ["-sS", "--fail", "-X", method, "-K", "-", baseURL + path]
        if let body { arguments += ["-H", "content-type: application/json", "--data", body] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data("user = \"\(user):\(password)\"\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description:
                    "management API \(method) \(path): \(complaint.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return text
    }
}
