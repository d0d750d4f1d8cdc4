import Foundation

/// Who the events are for: users Mailroom has never seen (each email needs a userFetchInfo
/// round trip to the user service) or users whose data is cached and fresh.
enum UserMix: String {
    case new = "new users"
    case returning = "returning users"
}

/// One measured run on a fresh site.
struct Phase {
    enum Load {
        /// All events published before the workers start; measures how fast they drain it.
        case backlog
        /// Events published at this many per second while the workers run; measures latency.
        case rate(Double, label: String)
    }

    var mix: UserMix
    var copies: Int
    var events: Int
    var load: Load

    var title: String {
        switch load {
        case .backlog: "\(mix.rawValue), backlog of \(events)"
        case .rate(let rate, let label): "\(mix.rawValue), \(Int(rate.rounded())) events/s (\(label))"
        }
    }

    var isBacklog: Bool {
        if case .backlog = load { return true }
        return false
    }
}

/// Percentiles of publish-to-SMTP-acceptance times, in milliseconds.
struct LatencySummary {
    var p50: Double
    var p95: Double
    var p99: Double
    var max: Double

    /// Nearest-rank percentiles; nil for no samples.
    init?(milliseconds samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        func rank(_ fraction: Double) -> Double {
            sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))]
        }
        p50 = rank(0.50)
        p95 = rank(0.95)
        p99 = rank(0.99)
        self.max = sorted[sorted.count - 1]
    }
}

/// CPU and memory of the copies of one worker kind during a phase.
struct WorkerCost {
    var kind: String
    var cpuSeconds: Double
    /// The largest VmHWM among the copies.
    var peakResidentMiB: Double
}

/// Everything measured in one phase.
struct PhaseResult {
    var phase: Phase
    var published: Int
    var publishSeconds: Double
    var problems: [String]
    var statuses: [String: Int]
    /// From the workers' start (backlog) or the first publish (rate) to the last SMTP acceptance.
    var seconds: Double
    var latency: LatencySummary?
    var workers: [WorkerCost]
    /// CPU seconds during the phase of everything else: broker, database, stand-ins, the bench, the machine.
    var otherCPU: [String: Double]
    var wallSeconds: Double
    var broker: [String: Int]
    var database: DatabaseStatistics.Counts
    var sink: MailSinkDump.Tally
    /// The phase's share of all the broker's messages and of all the database's statements
    /// while it ran (the servers are shared with whatever else runs on the machine).
    var brokerShare: Double?
    var databaseShare: Double?

    var sent: Int { statuses["sent", default: 0] }
    var emailsPerSecond: Double { seconds > 0 ? Double(sent) / seconds : 0 }
    var lost: Int { max(0, published - sink.distinctTokens) }
    var duplicated: Int { sink.messages - sink.distinctTokens }
}
