import Foundation

/// CPU seconds spent during a phase, per process and for the whole machine, so the workers'
/// share reads beside the broker's, the database's and whatever else the machine was doing.
struct CPUAccount {
    private var before: [Int32: Double] = [:]
    private var named: [String: [Int32]] = [:]
    private var machineBefore: (busy: Double, total: Double) = (0, 0)

    /// Snapshots the broker, the database, the given helpers, the bench itself and the machine.
    mutating func begin(named helpers: [String: Int32]) {
        named = helpers.mapValues { [$0] }
        named["RabbitMQ"] = ProcessStatistics.pids(named: "beam.smp")
        named["MariaDB"] = ProcessStatistics.pids(named: "mariadbd")
        named["bench (publisher)"] = [getpid()]
        for pid in named.values.joined() { before[pid] = ProcessStatistics.sample(pid)?.cpuSeconds ?? 0 }
        machineBefore = ProcessStatistics.machine()
    }

    /// Snapshots workers that were already running when the phase began.
    mutating func beginWorkers(_ pids: [Int32]) {
        for pid in pids { before[pid] = ProcessStatistics.sample(pid)?.cpuSeconds ?? 0 }
    }

    func workerCost(kind: String, pids: [Int32]) -> WorkerCost {
        let samples = pids.map { ($0, ProcessStatistics.sample($0)) }
        let cpu = samples.reduce(0) { total, entry in total + (entry.1?.cpuSeconds ?? 0) - (before[entry.0] ?? 0) }
        let peak = samples.compactMap { $0.1?.peakResidentMiB }.max() ?? 0
        return WorkerCost(kind: kind, cpuSeconds: cpu, peakResidentMiB: peak)
    }

    /// CPU seconds since `begin` of each named process group, plus `machine busy` and `machine capacity`.
    func end() -> [String: Double] {
        var spent: [String: Double] = [:]
        for (name, pids) in named {
            spent[name] = pids.reduce(0) { $0 + (ProcessStatistics.sample($1)?.cpuSeconds ?? 0) - (before[$1] ?? 0) }
        }
        let machine = ProcessStatistics.machine()
        spent["machine busy"] = machine.busy - machineBefore.busy
        spent["machine capacity"] = machine.total - machineBefore.total
        return spent
    }
}
