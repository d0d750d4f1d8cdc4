import AMQP
import Foundation
import MailroomCore
import MailroomWorker
import MariaDB
import Templates

/// `mailroomctl status [--json]`: the queues (depth, consumers, publish and deliver rates, from
/// RabbitMQ's management API), the emails per status with the oldest of each (from MariaDB),
/// and the parked messages per parking queue. One source failing does not hide the other: what
/// could be read is printed, the failure goes to stderr, and the exit status is 1.
enum StatusCommand {
    static let usage = """
          mailroomctl status [--json]                 queues (depth, consumers, rates), emails per status, parked messages
        """

    struct Report: Encodable {
        struct Queue: Encodable {
            var name: String
            /// work, delay or parking
            var kind: String
            var messages: Int
            var ready: Int
            var unacknowledged: Int
            var consumers: Int
            var publishRate: Double
            var deliverRate: Double
        }

        struct Emails: Encodable {
            var status: String
            var count: Int
            var oldestID: Int64
            var oldestCreatedAt: Date
            var longestUntouchedSeconds: Double
        }

        struct Parked: Encodable {
            var queue: String
            var messages: Int
        }

        var virtualHost: String
        var queues: [Queue] = []
        var emails: [Emails] = []
        var parked: [Parked] = []
        var errors: [String] = []
    }

    static func run(_ arguments: [String], configuration: MailroomConfiguration) throws -> Int32 {
        let json = arguments.contains("--json")
        if let unknown = arguments.first(where: { $0 != "--json" }) {
            throw UsageError(message: "status: unknown argument '\(unknown)'")
        }

        let amqp = try AMQPConfiguration(url: configuration.amqpURL)
        var report = Report(virtualHost: amqp.virtualHost)
        do {
            let queues = try ManagementAPI(amqp: amqp).mailroomQueues()
            report.queues = queues.map(entry).sorted(by: displayOrder)
            report.parked = queues.filter { kind(of: $0.name) == "parking" }.map {
                Report.Parked(queue: $0.name, messages: $0.messages)
            }
        } catch {
            report.errors.append("broker: \(error)")
        }
        do {
            let database = try DatabaseConnection(configuration: DatabaseConfiguration(url: configuration.databaseURL))
            defer { database.close() }
            report.emails = try EmailStatusSummary.load(database).rows.map {
                Report.Emails(
                    status: $0.status, count: $0.count, oldestID: $0.oldestID, oldestCreatedAt: $0.oldestCreatedAt,
                    longestUntouchedSeconds: $0.longestUntouched)
            }
        } catch {
            report.errors.append("database: \(error)")
        }

        print(json ? try encoded(report) : text(report), terminator: "")
        for error in report.errors {
            FileHandle.standardError.write(Data("mailroomctl status: \(error)\n".utf8))
        }
        return report.errors.isEmpty ? 0 : 1
    }

    private static func entry(_ queue: ManagementAPI.Queue) -> Report.Queue {
        Report.Queue(
            name: queue.name, kind: kind(of: queue.name), messages: queue.messages, ready: queue.ready,
            unacknowledged: queue.unacknowledged, consumers: queue.consumers, publishRate: queue.publishRate,
            deliverRate: queue.deliverRate)
    }

    /// Work queues, then delay queues from the shortest delay, then parking queues.
    private static func displayOrder(_ left: Report.Queue, _ right: Report.Queue) -> Bool {
        let kinds = ["work", "delay", "parking"]
        func key(_ queue: Report.Queue) -> (Int, Double, String) {
            let delay = DurationText.parse(String(queue.name.dropFirst(Topology.delayExchange.count + 1)))
            return (kinds.firstIndex(of: queue.kind) ?? kinds.count, delay?.seconds ?? 0, queue.name)
        }
        return key(left) < key(right)
    }

    static func kind(of queue: String) -> String {
        if WorkQueue.allCases.contains(where: { $0.rawValue == queue }) { return "work" }
        if WorkQueue.allCases.contains(where: { $0.parkingQueue == queue }) { return "parking" }
        return queue.hasPrefix(Topology.delayExchange + ".") ? "delay" : "other"
    }

    static func encoded(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    static func text(_ report: Report) -> String {
        var lines = ["Queues (virtual host \(report.virtualHost)):"]
        lines.append(row(["queue", "kind", "messages", "ready", "unacked", "consumers", "publish/s", "deliver/s"]))
        for queue in report.queues {
            lines.append(
                row([
                    queue.name, queue.kind, "\(queue.messages)", "\(queue.ready)", "\(queue.unacknowledged)",
                    "\(queue.consumers)", rate(queue.publishRate), rate(queue.deliverRate),
                ]))
        }

        let emailWidths = [10, 9, 11, 22]
        lines += [
            "", "Emails:", row(["status", "count", "oldest id", "oldest created", "longest untouched"], emailWidths),
        ]
        let formatter = ISO8601DateFormatter()
        for emails in report.emails {
            lines.append(
                row(
                    [
                        emails.status, "\(emails.count)", "\(emails.oldestID)",
                        formatter.string(from: emails.oldestCreatedAt),
                        age(emails.longestUntouchedSeconds),
                    ], emailWidths))
        }

        lines += ["", "Parked messages (see: mailroomctl dead list):"]
        for parked in report.parked {
            lines.append(row([parked.queue, "\(parked.messages)"]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The cells padded to these widths (a longer cell pushes the rest right).
    private static func row(_ cells: [String], _ widths: [Int] = [26, 9, 10, 7, 9, 11, 11]) -> String {
        zip(cells, widths + Array(repeating: 0, count: max(0, cells.count - widths.count)))
            .map { cell, width in cell.padding(toLength: max(width, cell.count + 1), withPad: " ", startingAt: 0) }
            .joined().trimmingCharacters(in: .whitespaces)
    }

    private static func rate(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    /// `45s`, `12m 3s`, `5h 2m`, `3d 4h`.
    static func age(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        switch whole {
        case ..<60: return "\(whole)s"
        case ..<3600: return "\(whole / 60)m \(whole % 60)s"
        case ..<86_400: return "\(whole / 3600)h \(whole % 3600 / 60)m"
        default: return "\(whole / 86_400)d \(whole % 86_400 / 3600)h"
        }
    }
}
