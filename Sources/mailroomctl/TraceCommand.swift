import Foundation
import MailroomCore
import MariaDB
import Templates

/// `mailroomctl trace <reference id | event id> [--json]`: the life of one reference in order
/// (see `ReferenceTrace`). An event id that made references for several templates shows each.
enum TraceCommand {
    static let usage = """
          mailroomctl trace REFERENCE_ID|EVENT_ID [--json]
                                                      the life of one reference: event, rows, requests, answers, outcomes
        """

    static func run(_ arguments: [String], configuration: MailroomConfiguration) throws -> Int32 {
        let words = arguments.filter { $0 != "--json" }
        guard words.count == 1, let identifier = words.first else {
            throw UsageError(message: "trace needs one REFERENCE_ID or EVENT_ID")
        }

        // Without the catalogue the trace still works, only less precisely (see providerKeys).
        let catalogue = try? Catalogue.load(
            directory: configuration.templatesDirectory, environment: ProcessInfo.processInfo.environment)
        let database = try DatabaseConnection(configuration: DatabaseConfiguration(url: configuration.databaseURL))
        defer { database.close() }
        let traces = try ReferenceTrace.load(identifier, database: database, catalogue: catalogue)

        guard !traces.isEmpty else {
            FileHandle.standardError.write(
                Data("mailroomctl trace: no reference with id or event id '\(identifier)'\n".utf8))
            return 1
        }
        print(arguments.contains("--json") ? try json(traces) : text(traces), terminator: "")
        return 0
    }

    static func json(_ traces: [ReferenceTrace]) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timeFormat.format(date))
        }
        return String(decoding: try encoder.encode(["references": traces]), as: UTF8.self) + "\n"
    }

    static func text(_ traces: [ReferenceTrace]) -> String {
        var lines: [String] = []
        for trace in traces {
            if !lines.isEmpty { lines.append("") }
            lines.append("Reference \(trace.referenceID) (template \(trace.template), event \(trace.eventID))")
            for step in trace.steps {
                let details = step.details.sorted { $0.key < $1.key }.map { key, value in
                    value.contains(" ") ? "\(key)=\"\(value)\"" : "\(key)=\(value)"
                }
                lines.append(
                    timeFormat.format(step.time) + "  " + step.step.padding(toLength: 16, withPad: " ", startingAt: 0)
                        + details.joined(separator: " "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// UTC with milliseconds, as in the logs.
    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
