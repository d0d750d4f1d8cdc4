import Foundation

/// The results as Markdown tables: throughput and cost, latency, where the CPU went, the
/// machine's own limits, and the issue's targets beside what was measured.
struct MarkdownReport {
    var machine: MachineDescription
    var command: String
    var settings: String
    var load: (start: String, end: String)
    var results: [PhaseResult]
    var baselines: [Baselines.Figure]

    func render() -> String {
        var out: [String] = []
        out.append("### Mailroom benchmark, \(ISO8601DateFormatter().string(from: Date()))")
        out.append("")
        out += machine.lines.map { "- \($0)" }
        out.append("- command: `\(command)`; \(settings)")
        out.append("- load average at start \(load.start), at end \(load.end)")
        out += throughput() + latency() + cpuShares() + limits() + targets() + problems()
        return out.joined(separator: "\n") + "\n"
    }

    private func throughput() -> [String] {
        let rows = results.filter(\.phase.isBacklog)
        guard !rows.isEmpty else { return [] }
        var out = [
            "", "#### Throughput: a backlog of events drained, publish to SMTP acceptance", "",
            "| mix | copies | emails | emails/s | CPU s / 1,000 emails (ingest, engine, sender) | peak RSS MiB (ingest, engine, sender) | broker publishes / deliveries per email | DB statements / commits per email | lost | duplicated |",
            "| --- | ---: | ---: | ---: | --- | --- | --- | --- | ---: | ---: |",
        ]
        for result in rows {
            let perThousand = result.workers.map {
                format(result.sent > 0 ? $0.cpuSeconds * 1000 / Double(result.sent) : 0, 2)
            }
            let memory = result.workers.map { format($0.peakResidentMiB, 1) }
            out.append(
                "| \(result.phase.mix.rawValue) | \(result.phase.copies) | \(result.sent) | **\(format(result.emailsPerSecond, 0))** "
                    + "| \(perThousand.joined(separator: " / ")) | \(memory.joined(separator: " / ")) "
                    + "| \(perEmail(result.broker["publish"], result)) / \(perEmail(result.broker["deliver_get"], result)) "
                    + "| \(perEmail(Int(result.database.statements), result)) / \(perEmail(Int(result.database.commits), result))"
                    + (result.database.perUser ? "" : " (server-wide)")
                    + " | \(result.lost) | \(result.duplicated) |")
        }
        return out
    }

    private func latency() -> [String] {
        let rows = results.filter { !$0.phase.isBacklog }
        guard !rows.isEmpty else { return [] }
        var out = [
            "", "#### Latency: publish to SMTP acceptance (ms), events offered at a fixed rate", "",
            "| mix | copies | offered | emails | p50 | p95 | p99 | max | CPU s / 1,000 emails (ingest, engine, sender) | peak RSS MiB (ingest, engine, sender) | lost | duplicated |",
            "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |",
        ]
        for result in rows {
            guard case .rate(let rate, let label) = result.phase.load else { continue }
            let summary = result.latency
            let perThousand = result.workers.map {
                format(result.sent > 0 ? $0.cpuSeconds * 1000 / Double(result.sent) : 0, 2)
            }
            let memory = result.workers.map { format($0.peakResidentMiB, 1) }
            out.append(
                "| \(result.phase.mix.rawValue) | \(result.phase.copies) | \(format(rate, 0))/s (\(label)) | \(result.sent) "
                    + "| \(format(summary?.p50, 0)) | \(format(summary?.p95, 0)) | **\(format(summary?.p99, 0))** "
                    + "| \(format(summary?.max, 0)) | \(perThousand.joined(separator: " / ")) | \(memory.joined(separator: " / ")) "
                    + "| \(result.lost) | \(result.duplicated) |")
        }
        return out
    }

    /// CPU per email of each party, and what that allows when the pipeline has the machine to
    /// itself: on a shared machine the measured rate depends on the others' load, this less so.
    private func cpuShares() -> [String] {
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        var out = [
            "", "#### CPU per email, and the ceiling it sets on this machine", "",
            "| phase | copies | Mailroom workers | RabbitMQ, the phase's part | MariaDB, the phase's part | stand-ins (user service, smtp-sink, publisher) | all | ceiling on \(Int(cores)) idle CPUs | other load | idle |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for result in results {
            let capacity = result.otherCPU["machine capacity"] ?? 0
            guard capacity > 0, result.sent > 0 else { continue }
            let workers = result.workers.reduce(0) { $0 + $1.cpuSeconds }
            // The servers are shared: count the part of their CPU that matches the phase's share
            // of their traffic (messages; statements).
            let broker = (result.otherCPU["RabbitMQ"] ?? 0) * (result.brokerShare ?? 1)
            let database = (result.otherCPU["MariaDB"] ?? 0) * (result.databaseShare ?? 1)
            let standIns = ["user-service", "smtp-sink", "bench (publisher)"].reduce(0) {
                $0 + (result.otherCPU[$1] ?? 0)
            }
            let all = workers + broker + database + standIns
            let busy = result.otherCPU["machine busy"] ?? 0
            var milliseconds = [workers, broker, database, standIns, all].map {
                format(1000 * $0 / Double(result.sent), 2) + " ms"
            }
            milliseconds[1] += " (\(share(result.brokerShare)) of its traffic)"
            milliseconds[2] += " (\(share(result.databaseShare)) of its statements)"
            let ceiling = all > 0 ? cores * Double(result.sent) / all : 0
            out.append(
                "| \(result.phase.title) | \(result.phase.copies) | " + milliseconds.joined(separator: " | ")
                    + " | \(format(ceiling, 0))/s | \(format(100 * max(0, busy - all) / capacity, 0)) % "
                    + "| \(format(100 * (capacity - busy) / capacity, 0)) % |")
        }
        return out
    }

    private func share(_ value: Double?) -> String {
        value.map { format(100 * $0, 0) + " %" } ?? "all"
    }

    private func limits() -> [String] {
        guard !baselines.isEmpty else { return [] }
        var out = [
            "", "#### This machine's limits, measured in the same run", "", "| what | per second |", "| --- | ---: |",
        ]
        out += baselines.map { "| \($0.what) | \(format($0.perSecond, 0)) |" }
        return out
    }

    private func targets() -> [String] {
        func best(_ mix: UserMix) -> Double? {
            results.filter { $0.phase.isBacklog && $0.phase.mix == mix && $0.phase.copies == 1 }.map(\.emailsPerSecond)
                .max()
        }
        let p99 = results.first { result in
            guard case .rate(_, let label) = result.phase.load else { return false }
            return label == "fixed" && result.phase.copies == 1
        }?.latency?.p99
        let memory = results.flatMap(\.workers).map(\.peakResidentMiB).max()
        let lost = results.reduce(0) { $0 + $1.lost }
        let duplicated = results.reduce(0) { $0 + $1.duplicated }
        func verdict(_ met: Bool?) -> String { met.map { $0 ? "met" : "**missed**" } ?? "not measured" }

        return [
            "", "#### The issue's targets (one copy of each worker)", "", "| target | measured | |",
            "| --- | ---: | --- |",
            "| ≥ 800 emails/s, new users | \(format(best(.new), 0)) | \(verdict(best(.new).map { $0 >= 800 })) |",
            "| ≥ 1,500 emails/s, returning users | \(format(best(.returning), 0)) | \(verdict(best(.returning).map { $0 >= 1500 })) |",
            "| p99 < 250 ms at the fixed rate | \(format(p99, 0)) ms | \(verdict(p99.map { $0 < 250 })) |",
            "| each worker < 50 MB resident | \(format(memory, 1)) MiB | \(verdict(memory.map { $0 * 1.048576 < 50 })) |",
            "| 0 lost, 0 duplicated | \(lost) lost, \(duplicated) duplicated | \(verdict(lost == 0 && duplicated == 0)) |",
        ]
    }

    private func problems() -> [String] {
        let listed = results.flatMap { result in
            result.problems.map { "- \(result.phase.title), \(result.phase.copies) copies: \($0)" }
        }
        let unreadable = results.filter { $0.sink.unreadable > 0 }.map {
            "- \($0.phase.title): \($0.sink.unreadable) received messages without a bench token"
        }
        guard !(listed + unreadable).isEmpty else { return [] }
        return ["", "#### Problems seen", ""] + listed + unreadable
    }

    private func perEmail(_ count: Int?, _ result: PhaseResult) -> String {
        guard let count, result.sent > 0 else { return "–" }
        return format(Double(count) / Double(result.sent), 1)
    }

    private func format(_ value: Double?, _ digits: Int) -> String {
        guard let value, value.isFinite else { return "–" }
        if digits == 0 {
            let rounded = Int(value.rounded())
            let digits = String(abs(rounded))
            guard digits.count > 4 else { return String(rounded) }
            var grouped = ""
            for (offset, character) in digits.enumerated() {
                if offset > 0, (digits.count - offset) % 3 == 0 { grouped.append(",") }
                grouped.append(character)
            }
            return (rounded < 0 ? "-" : "") + grouped
        }
        return String(format: "%.\(digits)f", value)
    }
}
