import Foundation
import Testing

/// What a worker does with a broken template folder, and the render preview.
struct StartupTests {
    @Test func aBrokenTemplateFolderStopsTheWorkerNamingFileAndField() throws {
        let directory = NSTemporaryDirectory() + "broken-templates-\(UUID().uuidString)"
        let source = URL(fileURLWithPath: packageRoot + "/Deploy/templates").resolvingSymlinksInPath().path
        try FileManager.default.copyItem(atPath: source, toPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let manifest = "\(directory)/invoice-issued/manifest.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "\"customer.name\"", with: "\"customer.vat_number\"")
            .write(toFile: manifest, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Sandbox.binDirectory + "/mailroom-engine")
        process.environment = ["MAILROOM_TEMPLATES_DIR": directory, "MAILROOM_HTTP_PORT": "0"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus != 0)
        #expect(output.contains("invoice-issued/manifest.json"))
        #expect(output.contains("customer.vat_number"))
    }

    @Test func renderPrintsTheMessageATemplateWouldSend() throws {
        let data = NSTemporaryDirectory() + "render-\(UUID().uuidString).json"
        let context = [
            #""event": {"invoiceId": "inv-77", "amount": "120.00 EUR"}"#,
            #""user": {"name": "Müller, Jörg", "email": "jorg@example.com"}"#,
            #""customer": {"name": "O'Brien & \"Sons\" <Ltd>"}"#,
        ]
        try "{\(context.joined(separator: ", "))}".write(toFile: data, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: data) }

        var environment = ProcessInfo.processInfo.environment
        environment["MAILROOM_TEMPLATES_DIR"] = packageRoot + "/Deploy/templates"
        let message = try shell(
            Sandbox.binDirectory + "/mailroomctl", ["render", "invoice-issued", "--data", data],
            environment: environment)
        let file = NSTemporaryDirectory() + "render-\(UUID().uuidString).eml"
        try message.write(toFile: file, atomically: true, encoding: .utf8)
        try "{}".write(toFile: String(file.dropLast(4)) + ".json", atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(atPath: file)
            try? FileManager.default.removeItem(atPath: String(file.dropLast(4)) + ".json")
        }

        let parsed = try ParsedMail(file: file)
        #expect(parsed.subject == "Invoice inv-77 for O'Brien & \"Sons\" <Ltd>", "subjects are not escaped")
        #expect(parsed.toName == "Müller, Jörg")
        #expect(parsed.text.contains("O'Brien & \"Sons\" <Ltd> has a new invoice"))
        #expect(parsed.html?.contains("O&#39;Brien &amp; &quot;Sons&quot; &lt;Ltd&gt;") == true)

        // The same data given inline, as `publish --data` takes it, renders the same message
        // but for the Date header and the MIME boundary.
        let inline = try shell(
            Sandbox.binDirectory + "/mailroomctl",
            ["render", "invoice-issued", "--data", try String(contentsOfFile: data, encoding: .utf8)],
            environment: environment)
        let stable = { (text: String) in
            text.split(separator: "\n").filter { !$0.hasPrefix("Date:") && !$0.contains("=_mailroom_") }
        }
        #expect(stable(inline) == stable(message))
    }
}
