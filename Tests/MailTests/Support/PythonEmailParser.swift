import Foundation

/// What Python's `email` package (policy.default) makes of a message: an independent reader.
struct ParsedMessage: Decodable {
    struct Mailbox: Decodable, Equatable {
        var name: String
        var address: String
    }

    struct Part: Decodable {
        var type: String
        var transferEncoding: String
        /// The decoded content, base64 in the JSON.
        var content: Data
    }

    var headerNames: [String]
    var from: [Mailbox]
    var to: [Mailbox]
    var subject: String?
    var parts: [Part]
    var defects: [String]

    func count(of header: String) -> Int {
        headerNames.filter { $0.lowercased() == header.lowercased() }.count
    }
}

enum PythonEmailParser {
    private static let script = #"""
        import base64, json, sys
        from email import policy
        from email.parser import BytesParser

        msg = BytesParser(policy=policy.default).parsebytes(sys.stdin.buffer.read())
        defects = [repr(d) for d in msg.defects]

        def mailboxes(name):
            found = []
            for header in msg.get_all(name, []):
                defects.extend(repr(d) for d in header.defects)
                found += [{"name": a.display_name, "address": a.addr_spec} for a in header.addresses]
            return found

        parts = []
        for part in msg.walk():
            defects.extend(repr(d) for d in part.defects)
            if part.is_multipart():
                continue
            parts.append({
                "type": part.get_content_type(),
                "transferEncoding": str(part.get("Content-Transfer-Encoding", "")),
                "content": base64.b64encode(part.get_payload(decode=True)).decode(),
            })

        subject = msg["Subject"]
        if subject is not None:
            defects.extend(repr(d) for d in subject.defects)
        print(json.dumps({
            "headerNames": list(msg.keys()), "from": mailboxes("From"), "to": mailboxes("To"),
            "subject": None if subject is None else str(subject), "parts": parts, "defects": defects,
        }))
        """#

    static func parse(_ message: [UInt8]) throws -> ParsedMessage {
        let output = try runPython(script, input: Data(message))
        return try JSONDecoder().decode(ParsedMessage.self, from: output)
    }

    static func runPython(_ script: String, input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()

        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonFailed(status: process.terminationStatus)
        }
        return output
    }

    struct PythonFailed: Error {
        var status: Int32
    }
}
