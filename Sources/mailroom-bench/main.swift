import AMQP
import Foundation

// mailroom-bench: `run` measures Mailroom end to end and prints Markdown; `user-service` is
// the fast user-service stand-in that `run` starts for each phase.

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty || arguments.contains("--help") || arguments.contains("-h") {
    print(BenchOptions.usage)
    exit(arguments.isEmpty ? 2 : 0)
}

do {
    switch arguments[0] {
    case "run":
        // Interrupted: take the workers and stand-ins down too; run.sh removes the sites.
        let interruptions = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                ChildProcess.terminateAll()
                exit(130)
            }
            source.resume()
            return source
        }
        defer { withExtendedLifetime(interruptions) {} }
        let options = try BenchOptions(arguments: Array(arguments.dropFirst()))
        let name =
            ProcessInfo.processInfo.environment["MAILROOM_BENCH_NAME"]
            ?? "mailroom_bench_\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let outcome = try BenchRun(options: options, runName: name).run()
        print(outcome.report, terminator: "")
        // A lost or duplicated email fails the run (never a speed: see the README).
        if !outcome.exactlyOnce {
            say("some events were lost or delivered twice: see the tables")
            exit(3)
        }
    case "user-service":
        var threads = 2
        if let index = arguments.firstIndex(of: "--threads"), index + 1 < arguments.count {
            threads = Int(arguments[index + 1]) ?? threads
        }
        let url = ProcessInfo.processInfo.environment["MAILROOM_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/%2F"
        let exchange = ProcessInfo.processInfo.environment["MAILROOM_EVENTS_EXCHANGE"] ?? "events"
        let standIn = UserServiceStandIn(amqp: try AMQPConfiguration(url: url), exchange: exchange, threads: threads)
        exit(standIn.run())
    default:
        throw BenchOptions.Problem(description: "unknown command \(arguments[0]); see --help")
    }
} catch {
    say("\(error)")
    exit(1)
}
