import Foundation
import Testing

@testable import Observability

@Suite struct MetricsConcurrencyTests {
    /// Runs `body` on `count` threads at once and waits for all of them.
    private func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for thread in 0..<count {
            group.enter()
            Thread {
                body(thread)
                group.leave()
            }.start()
        }
        group.wait()
    }

    @Test func incrementsFromEightThreadsAddUpExactly() {
        let registry = MetricsRegistry()

        // Every thread also looks its metrics up again now and then, racing the registration.
        onThreads(8) { _ in
            for batch in 0..<100 {
                let hits = registry.counter("hits_total", help: "Hits.", labels: ["shard": "\(batch % 2)"])
                let level = registry.gauge("level", help: "Level.")
                let work = registry.histogram("work_seconds", help: "Work.", buckets: [0.5])
                for _ in 0..<100 {
                    hits.increment()
                    level.increment(by: 2)
                    level.decrement()
                    work.observe(0.25)
                }
            }
        }

        let shards = ["0", "1"].map { registry.counter("hits_total", help: "", labels: ["shard": $0]).value }
        #expect(shards == [40_000, 40_000])
        #expect(registry.gauge("level", help: "").value == 80_000)
        #expect(registry.histogram("work_seconds", help: "", buckets: []).count == 80_000)
        #expect(registry.render().contains(#"work_seconds_bucket{le="0.5"} 80000"#))
    }

    @Test func renderingWhileUpdatingNeverBreaksHistogramTotals() {
        let registry = MetricsRegistry()
        let histogram = registry.histogram("t_seconds", help: "T.", buckets: [1])

        // Threads 0-3 observe while threads 4 and 5 render.
        onThreads(6) { thread in
            guard thread >= 4 else {
                for _ in 0..<5_000 { histogram.observe(2) }
                return
            }
            for _ in 0..<200 {
                let text = registry.render()
                let lines = text.split(separator: "\n")
                let infinity = lines.first { $0.hasPrefix(#"t_seconds_bucket{le="+Inf"}"#) }
                let count = lines.first { $0.hasPrefix("t_seconds_count") }
                #expect(infinity?.split(separator: " ").last == count?.split(separator: " ").last)
            }
        }

        #expect(histogram.count == 20_000)
    }
}
