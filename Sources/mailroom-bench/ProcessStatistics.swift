import Foundation

/// What /proc says about one process: CPU time so far and peak resident memory.
struct ProcessSample {
    var cpuSeconds: Double
    /// VmHWM: the most memory the process has held resident, in MiB.
    var peakResidentMiB: Double
}

enum ProcessStatistics {
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// utime + stime and VmHWM of a live process; nil once it is gone.
    static func sample(_ pid: Int32) -> ProcessSample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let closing = stat.lastIndex(of: ")")
        else { return nil }

        // Fields after the command name: state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: closing)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let peak =
            status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Double($0) } } ?? 0
        return ProcessSample(cpuSeconds: (user + system) / ticksPerSecond, peakResidentMiB: peak / 1024)
    }

    /// Every process whose command name is `name` (e.g. beam.smp, mariadbd).
    static func pids(named name: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            return comm.trimmingCharacters(in: .whitespacesAndNewlines) == name
        }
    }

    /// CPU seconds of the whole machine: busy (everything but idle and iowait) and total.
    static func machine() -> (busy: Double, total: Double) {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first
        else { return (0, 0) }
        let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
        guard ticks.count == 8 else { return (0, 0) }
        let total = ticks.reduce(0, +)
        let idle = ticks[3] + ticks[4]
        return ((total - idle) / ticksPerSecond, total / ticksPerSecond)
    }
}
