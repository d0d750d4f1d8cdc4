import Foundation

/// This machine's own limits, measured in the same run so Mailroom's figures read as ratios:
/// the broker (Deploy/bench/amqp-baseline.c: persistent, confirmed publish and acked consume
/// on one queue) and MariaDB (mariadb-slap: single-row autocommitted inserts, a commit each,
/// flushed to disk as the server is configured).
struct Baselines {
    struct Figure {
        var what: String
        var perSecond: Double
    }

    var options: BenchOptions
    var runName: String

    func measure() -> [Figure] {
        var figures: [Figure] = []
        if let program = options.amqpBaseline {
            figures += broker(program)
        } else {
            say("no --amqp-baseline program: the broker baseline is skipped")
        }
        figures += database()
        return figures
    }

    private func broker(_ program: String) -> [Figure] {
        let virtualHost = runName + "_broker"
        do {
            try options.management.createVirtualHost(virtualHost)
        } catch {
            say("broker baseline skipped: \(error)")
            return []
        }
        defer { options.management.deleteVirtualHost(virtualHost) }

        let url = URLComponents(string: options.amqpBaseURL)
        let cases: [(type: String, window: Int, messages: Int)] = [
            ("quorum", 1, 5_000), ("quorum", 256, 50_000), ("classic", 256, 50_000),
        ]
        return cases.compactMap { item in
            say("broker baseline: \(item.type) queue, \(item.window) unconfirmed at most")
            let arguments = [
                url?.host ?? "127.0.0.1", String(url?.port ?? 5672), url?.user ?? "guest", url?.password ?? "guest",
                virtualHost, item.type, String(item.messages), String(item.window),
            ]
            guard let text = try? runCommand(program, arguments),
                let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                let rate = object["per_second"] as? Double
            else {
                say("broker baseline \(item.type)/\(item.window) failed")
                return nil
            }
            let pattern = item.window == 1 ? "each publish awaits its confirm" : "up to \(item.window) unconfirmed"
            return Figure(
                what: "RabbitMQ: persistent publish + confirm + acked consume, one \(item.type) queue, \(pattern)",
                perSecond: rate)
        }
    }

    private func database() -> [Figure] {
        let url = URLComponents(string: options.adminDatabaseBaseURL)
        var environment = ProcessInfo.processInfo.environment
        environment["MYSQL_PWD"] = url?.password ?? ""
        return [1, 4, 16].compactMap { clients in
            say("database baseline: \(clients) client(s)")
            let queries = 8_000 * min(clients, 4)
            let arguments = [
                "--host=\(url?.host ?? "127.0.0.1")", "--port=\(url?.port ?? 3306)",
                "--user=\(url?.user ?? "mailroom")",
                "--create-schema=\(runName)_slap", "--concurrency=\(clients)", "--iterations=1",
                "--number-of-queries=\(queries)",
                "--create=CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64), v VARCHAR(255)) ENGINE=InnoDB",
                "--query=INSERT INTO t (k, v) VALUES ('bench-user', 'a value of a few dozen bytes, like a user name')",
            ]
            guard let text = try? runCommand("/usr/bin/mariadb-slap", arguments, environment: environment),
                let line = text.split(separator: "\n").first(where: { $0.contains("to run all queries") }),
                let seconds = line.split(separator: ":").last?.split(separator: " ").first.flatMap({ Double($0) }),
                seconds > 0
            else {
                say("database baseline with \(clients) client(s) failed")
                return nil
            }
            return Figure(
                what: "MariaDB: single-row INSERT, autocommit, \(clients) client\(clients == 1 ? "" : "s")",
                perSecond: Double(queries) / seconds)
        }
    }
}
