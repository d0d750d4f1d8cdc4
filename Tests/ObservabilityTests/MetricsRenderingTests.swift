import Testing

@testable import Observability

@Suite struct MetricsRenderingTests {
    @Test func countersRenderHelpTypeAndSamplesSortedByLabels() {
        let registry = MetricsRegistry()
        registry.counter("jobs_total", help: "Jobs handled.", labels: ["outcome": "failed"]).increment()
        let done = registry.counter("jobs_total", help: "ignored: first help wins", labels: ["outcome": "done"])
        done.increment(by: 2)
        done.increment(by: 0.5)

        #expect(
            registry.render() == """
                # HELP jobs_total Jobs handled.
                # TYPE jobs_total counter
                jobs_total{outcome="done"} 2.5
                jobs_total{outcome="failed"} 1

                """)
    }

    @Test func sameNameAndLabelsReturnTheSameMetric() {
        let registry = MetricsRegistry()
        let first = registry.counter("a_total", help: "A.", labels: ["x": "1", "y": "2"])
        let second = registry.counter("a_total", help: "A.", labels: ["y": "2", "x": "1"])

        #expect(first === second)
        #expect(registry.gauge("g", help: "G.") === registry.gauge("g", help: "G."))
        let histogram = registry.histogram("h", help: "H.", buckets: [1])
        #expect(histogram === registry.histogram("h", help: "H.", buckets: [2]))
    }

    @Test func counterIgnoresNegativeIncrements() {
        let counter = MetricsRegistry().counter("c_total", help: "C.")
        counter.increment(by: 3)
        counter.increment(by: -1)
        counter.increment(by: .nan)

        #expect(counter.value == 3)
    }

    @Test func gaugesGoUpAndDownAndFamiliesSortByName() {
        let registry = MetricsRegistry()
        let inHand = registry.gauge("messages_in_hand", help: "Messages being handled.")
        inHand.increment(by: 5)
        inHand.decrement()
        registry.gauge("build_info", help: "Build.", labels: ["version": "1.2.3"]).set(1)
        registry.gauge("temperature", help: "Line one\nback\\slash \"quoted\".").set(-0.25)

        #expect(inHand.value == 4)
        #expect(
            registry.render() == """
                # HELP build_info Build.
                # TYPE build_info gauge
                build_info{version="1.2.3"} 1
                # HELP messages_in_hand Messages being handled.
                # TYPE messages_in_hand gauge
                messages_in_hand 4
                # HELP temperature Line one\\nback\\\\slash "quoted".
                # TYPE temperature gauge
                temperature -0.25

                """)
    }

    @Test func labelValuesEscapeBackslashQuoteAndNewline() {
        let registry = MetricsRegistry()
        let labels = ["path": #"C:\dir"#, "quote": #"say "hi""#, "text": "two\nlines"]
        registry.counter("odd_total", help: "Odd labels.", labels: labels).increment()

        #expect(
            registry.render() == #"""
                # HELP odd_total Odd labels.
                # TYPE odd_total counter
                odd_total{path="C:\\dir",quote="say \"hi\"",text="two\nlines"} 1

                """#)
    }

    @Test func histogramsRenderCumulativeBucketsInfSumAndCount() {
        let registry = MetricsRegistry()
        let latency = registry.histogram(
            "send_seconds", help: "Send time.", labels: ["transport": "smtp"], buckets: [1, 0.1, 0.5])
        for seconds in [0.05, 0.1, 0.3, 0.7, 3] {
            latency.observe(seconds)
        }

        #expect(latency.count == 5)
        #expect(latency.sum == 4.15)
        #expect(
            registry.render() == """
                # HELP send_seconds Send time.
                # TYPE send_seconds histogram
                send_seconds_bucket{transport="smtp",le="0.1"} 2
                send_seconds_bucket{transport="smtp",le="0.5"} 3
                send_seconds_bucket{transport="smtp",le="1"} 4
                send_seconds_bucket{transport="smtp",le="+Inf"} 5
                send_seconds_sum{transport="smtp"} 4.15
                send_seconds_count{transport="smtp"} 5

                """)
    }

    @Test func emptyHistogramWithoutLabelsRendersZeroes() {
        let registry = MetricsRegistry()
        _ = registry.histogram("wait_seconds", help: "Wait.", buckets: [0.005, .infinity])

        #expect(
            registry.render() == """
                # HELP wait_seconds Wait.
                # TYPE wait_seconds histogram
                wait_seconds_bucket{le="0.005"} 0
                wait_seconds_bucket{le="+Inf"} 0
                wait_seconds_sum 0
                wait_seconds_count 0

                """)
    }

    @Test func invalidNamesAreSanitisedNotFatal() {
        let registry = MetricsRegistry()
        let labels = ["1st label": "v", "ok:no": "w"]
        registry.counter("9mail-sent.total", help: "Bad name.", labels: labels).increment()

        #expect(registry.render().contains(#"_mail_sent_total{_st_label="v",ok_no="w"} 1"#))
        #expect(PrometheusName.metric("a:b_c9") == "a:b_c9")
        #expect(PrometheusName.label("a:b") == "a_b")
        #expect(PrometheusName.metric("") == "_")
    }

    @Test func nameRegisteredWithAnotherTypeKeepsTheFirstType() {
        let registry = MetricsRegistry()
        registry.counter("things", help: "Things.").increment()
        let stray = registry.gauge("things", help: "Not rendered.")
        stray.set(42)

        #expect(stray.value == 42)
        #expect(registry.render() == "# HELP things Things.\n# TYPE things counter\nthings 1\n")
    }

    @Test func histogramLabelNamedLeIsRenamed() {
        let registry = MetricsRegistry()
        registry.histogram("h_seconds", help: "H.", labels: ["le": "x"], buckets: [1]).observe(2)

        #expect(registry.render().contains(#"h_seconds_bucket{le_="x",le="+Inf"} 1"#))
    }
}
