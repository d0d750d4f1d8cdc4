import Foundation
import MariaDB

/// The machine and the versions the figures were measured with, for the report's header.
struct MachineDescription {
    var lines: [String] = []

    init(options: BenchOptions) {
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let kernel =
            (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        let debian =
            (try? String(contentsOfFile: "/etc/debian_version", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        lines.append(
            "\(ProcessInfo.processInfo.activeProcessorCount) CPUs (\(model)), "
                + String(format: "%.0f GiB memory", memory) + ", Debian \(debian), Linux \(kernel)")

        var versions: [String] = []
        if let toolchain = ProcessInfo.processInfo.environment["MAILROOM_BENCH_TOOLCHAIN"] {
            versions.append(toolchain)
        }
        if let database = try? DatabaseConnection(configuration: DatabaseConfiguration(url: options.adminServerURL)) {
            let rows = try? database.query(
                """
                SELECT VERSION() AS v, @@innodb_flush_log_at_trx_commit AS f, @@log_bin AS b,
                       @@innodb_buffer_pool_size DIV 1048576 AS p
                """)
            if let row = rows?.first {
                versions.append(
                    "MariaDB \((try? row.string("v")) ?? "?") (innodb_flush_log_at_trx_commit="
                        + "\((try? row.int("f")) ?? -1), binary log \((try? row.int("b")) == 1 ? "on" : "off"), "
                        + "buffer pool \((try? row.int("p")) ?? 0) MiB)")
            }
            database.close()
        }
        if let overview = try? runCommand(
            "/usr/bin/dpkg-query", ["-W", "-f=${Package} ${Version}; ", "rabbitmq-server", "librabbitmq4", "libcurl4"])
        {
            versions.append("packages: " + overview.trimmingCharacters(in: CharacterSet(charactersIn: "; ")))
        }
        lines.append(versions.joined(separator: "; "))
    }

    /// The load average, to say how busy the shared machine was.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
