import Foundation

/// The bench's command line: `mailroom-bench run [--events N] [--copies 1,2] …` (see `usage`).
struct BenchOptions {
    static let usage = """
        mailroom-bench: Mailroom's end-to-end benchmark on the local services.

        Usage: mailroom-bench run [options]      (Deploy/bench/run.sh builds and calls this)
               mailroom-bench user-service       (the user-service stand-in; started by run)

          --events N          events per throughput phase (default 20000)
          --copies 1,2        copies of each worker to measure with (default 1,2)
          --rate R            offered events/s of the fixed-rate latency phase (default 300)
          --rate-seconds S    length of each latency phase (default 30)
          --only LIST         phases to run: throughput,latency,baselines (default all three)
          --bin DIR           release executables (default: this executable's folder)
          --amqp-baseline P   the compiled Deploy/bench/amqp-baseline.c (baseline skipped without it)
          --work-dir DIR      logs of every phase (default /tmp/mailroom-bench)
          --keep              keep the phases' virtual hosts, databases and mail dumps

        Environment: MAILROOM_BENCH_AMQP (amqp://mailroom:mailroom@127.0.0.1:5672/),
        MAILROOM_BENCH_DB_ADMIN (mariadb://mailroom:mailroom@127.0.0.1:3306/), MAILROOM_BENCH_DB_WORKER
        (mariadb://mailroom_bench:mailroom_bench@127.0.0.1:3306/), MAILROOM_BENCH_MANAGEMENT
        (http://127.0.0.1:15672); MAILROOM_CONCURRENCY and MAILROOM_PREFETCH reach the workers.
        """

    var events = 20_000
    var copies = [1, 2]
    var rate = 300.0
    var rateSeconds = 30.0
    var phases: Set<String> = ["throughput", "latency", "baselines"]
    var binDirectory: String
    var amqpBaseline: String?
    var workDirectory = "/tmp/mailroom-bench"
    var keep = false

    var packageRoot = FileManager.default.currentDirectoryPath
    var amqpBaseURL: String
    var adminDatabaseBaseURL: String
    var workerDatabaseBaseURL: String
    var management: ManagementAPI
    var smtpSink: String
    var publisherThreads = 4
    var userServiceThreads = 2

    /// The admin connection's URL to a database that exists (for CREATE DATABASE).
    var adminServerURL: String { adminDatabaseBaseURL + "mailroom" }

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    init(arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        amqpBaseURL = environment["MAILROOM_BENCH_AMQP"] ?? "amqp://mailroom:mailroom@127.0.0.1:5672/"
        adminDatabaseBaseURL = environment["MAILROOM_BENCH_DB_ADMIN"] ?? "mariadb://mailroom:mailroom@127.0.0.1:3306/"
        workerDatabaseBaseURL =
            environment["MAILROOM_BENCH_DB_WORKER"] ?? "mariadb://mailroom_bench:mailroom_bench@127.0.0.1:3306/"
        management = ManagementAPI(
            baseURL: environment["MAILROOM_BENCH_MANAGEMENT"] ?? "http://127.0.0.1:15672", user: "mailroom",
            password: "mailroom")
        smtpSink =
            ["/usr/sbin/smtp-sink", "/usr/lib/postfix/sbin/smtp-sink"].first {
                FileManager.default.isExecutableFile(atPath: $0)
            } ?? "/usr/sbin/smtp-sink"

        var index = 0
        func value() throws -> String {
            index += 1
            guard index < arguments.count else { throw Problem(description: "\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--events": events = try Self.number(try value(), "--events")
            case "--copies": copies = try value().split(separator: ",").map { try Self.number(String($0), "--copies") }
            case "--rate": rate = Double(try Self.number(try value(), "--rate"))
            case "--rate-seconds": rateSeconds = Double(try Self.number(try value(), "--rate-seconds"))
            case "--only": phases = Set(try value().split(separator: ",").map(String.init))
            case "--bin": binDirectory = try value()
            case "--amqp-baseline": amqpBaseline = try value()
            case "--work-dir": workDirectory = try value()
            case "--keep": keep = true
            default: throw Problem(description: "unknown option \(arguments[index]); see --help")
            }
            index += 1
        }
    }

    private static func number(_ text: String, _ option: String) throws -> Int {
        guard let number = Int(text), number > 0 else {
            throw Problem(description: "\(option) needs a positive number")
        }
        return number
    }
}
