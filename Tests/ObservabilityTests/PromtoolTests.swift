import Foundation
import Testing

@testable import Observability

/// Checks the rendered text with Prometheus' own parser and linter, `promtool check metrics`
/// (Debian package `prometheus`). A missing promtool fails the test rather than skipping it.
@Suite struct PromtoolTests {
    private static let promtool = "/usr/bin/promtool"

    @Test func promtoolAcceptsRenderedMetricsWithoutComplaint() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.promtool),
            "promtool is missing: apt-get install prometheus")
        let registry = MetricsRegistry()
        let oddLabels = ["odd": "a\\b\"c\nd"]
        registry.counter("jobs_total", help: "Jobs \"done\"\\\nhandled.", labels: oddLabels).increment()
        registry.counter("jobs_total", help: "", labels: ["odd": ""]).increment(by: 2.5)
        registry.gauge("queue_depth_messages", help: "Depth.", labels: ["queue": "mailroom.send"]).set(-3)
        let latency = registry.histogram(
            "send_duration_seconds", help: "Send time.", labels: ["transport": "smtp"],
            buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
        latency.observe(0.003)
        latency.observe(42)

        let (status, output) = try check(registry.render())

        #expect(status == 0, "promtool said: \(output)")
        #expect(output.isEmpty, "promtool said: \(output)")
    }

    @Test func promtoolReallyRejectsBrokenText() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.promtool))

        let (status, _) = try check("broken{ 1\n")

        #expect(status != 0)
    }

    /// Runs `promtool check metrics` with `text` on its standard input.
    private func check(_ text: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.promtool)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output

        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let said = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()

        return (process.terminationStatus, String(decoding: said, as: UTF8.self))
    }
}
