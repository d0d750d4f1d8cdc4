import Foundation

/// What postfix's smtp-sink received, from its dump folder (`-d DIR/%H%M%S.`: one file per
/// mail transaction): how many messages, and how many distinct events and emails they were.
/// Each bench event carries a unique access token (`tok<index>x`) that the template prints,
/// and the Message-ID is derived from the email's id.
struct MailSinkDump {
    var directory: String

    struct Tally {
        var messages = 0
        var distinctTokens = 0
        var distinctMessageIDs = 0
        /// Messages whose token could not be found (a template change would show here).
        var unreadable = 0
    }

    func tally() -> Tally {
        var tally = Tally()
        var tokens = Set<String>()
        var messageIDs = Set<String>()
        for file in files() {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            tally.messages += 1
            if let token = Self.value(in: text, after: "access code is ", until: "x") {
                tokens.insert(token)
            } else {
                tally.unreadable += 1
            }
            if let id = Self.value(in: text, after: "Message-ID: <", until: ">") { messageIDs.insert(id) }
        }
        tally.distinctTokens = tokens.count
        tally.distinctMessageIDs = messageIDs.count
        return tally
    }

    private func files() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let name = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(path)
            }
        }
        return found
    }

    private static func value(in text: String, after marker: String, until end: Character) -> String? {
        guard let start = text.range(of: marker)?.upperBound else { return nil }
        guard let stop = text[start...].firstIndex(of: end) else { return nil }
        return String(text[start..<stop])
    }
}
