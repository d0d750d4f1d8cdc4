import Foundation

/// The whole benchmark: the machine's limits, then for each number of worker copies the two
/// throughput phases (new and returning users) and the latency phases (the fixed rate, the
/// rate the new-user phase just reached, and half of it), then the report on standard output.
struct BenchRun {
    var options: BenchOptions
    var runName: String

    /// The report, and whether every phase delivered each event exactly once.
    func run() throws -> (report: String, exactlyOnce: Bool) {
        let loadAtStart = MachineDescription.loadAverage()
        let machine = MachineDescription(options: options)
        let baselines =
            options.phases.contains("baselines") ? Baselines(options: options, runName: runName).measure() : []

        let runner = PhaseRunner(options: options, runName: runName)
        var results: [PhaseResult] = []
        var index = 0
        func measure(_ phase: Phase) throws -> PhaseResult {
            index += 1
            let result = try runner.run(phase, index: index)
            results.append(result)
            return result
        }

        let rateEvents = max(1, Int(options.rate * options.rateSeconds))
        for copies in options.copies {
            var capacity: Double?
            if options.phases.contains("throughput") {
                capacity = try measure(Phase(mix: .new, copies: copies, events: options.events, load: .backlog))
                    .emailsPerSecond
                _ = try measure(Phase(mix: .returning, copies: copies, events: options.events, load: .backlog))
            }
            if options.phases.contains("latency") {
                _ = try measure(
                    Phase(mix: .new, copies: copies, events: rateEvents, load: .rate(options.rate, label: "fixed")))
                // At the rate the backlog phase reached, and at half of it: what the pipeline adds
                // when it is not queueing.
                if let capacity, capacity > 0 {
                    for (rate, label) in [(capacity, "saturation"), (capacity / 2, "half of saturation")] {
                        let events = max(1, Int(rate * options.rateSeconds))
                        _ = try measure(
                            Phase(mix: .new, copies: copies, events: events, load: .rate(rate, label: label)))
                    }
                }
            }
        }

        let environment = ProcessInfo.processInfo.environment
        let settings =
            "workers with MAILROOM_CONCURRENCY=\(environment["MAILROOM_CONCURRENCY"] ?? "2 (default)"), "
            + "MAILROOM_PREFETCH=\(environment["MAILROOM_PREFETCH"] ?? "10 (default)"), "
            + "log level \(environment["MAILROOM_LOG_LEVEL"] ?? "info")"
        let command =
            environment["MAILROOM_BENCH_COMMAND"] ?? "mailroom-bench "
            + CommandLine.arguments.dropFirst().joined(separator: " ")
        let report = MarkdownReport(
            machine: machine, command: command, settings: settings,
            load: (loadAtStart, MachineDescription.loadAverage()), results: results, baselines: baselines
        ).render()
        return (report, results.allSatisfy { $0.lost == 0 && $0.duplicated == 0 && $0.published == $0.phase.events })
    }
}
