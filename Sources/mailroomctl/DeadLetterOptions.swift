import MailroomCore
import MailroomWorker

/// The words after `mailroomctl dead VERB`: an optional message ID, `--queue`, `--reason`, and
/// the flags `--all`, `--json`, `--full` (which, unlike other options, take no value).
struct DeadLetterOptions {
    /// The parking queues to read, in order.
    var queues: [String] = WorkQueue.allCases.map(\.parkingQueue)
    var reason: String?
    var id: String?
    var all = false
    var json = false
    var full = false

    init(_ words: [String]) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            switch word {
            case "--all": all = true
            case "--json": json = true
            case "--full": full = true
            case "--queue", "--reason":
                guard index < words.count else { throw UsageError(message: "\(word) needs a value") }
                let value = words[index]
                index += 1
                if word == "--queue" { queues = [try Self.parkingQueue(named: value)] } else { reason = value }
            case _ where word.hasPrefix("--"):
                throw UsageError(message: "unknown option \(word)")
            default:
                guard id == nil else { throw UsageError(message: "one message ID at a time ('\(word)' is extra)") }
                id = word
            }
        }
    }

    /// `ingest`, `mailroom.ingest` and `mailroom.ingest.dead` all name the ingest parking queue.
    static func parkingQueue(named name: String) throws -> String {
        let queue = WorkQueue.allCases.first { queue in
            [queue.rawValue, queue.parkingQueue, String(queue.rawValue.dropFirst("mailroom.".count))].contains(name)
        }
        guard let queue else {
            throw UsageError(message: "unknown queue '\(name)': use ingest, engine, send or a parking queue's name")
        }
        return queue.parkingQueue
    }

    func matches(_ message: ParkedMessage) -> Bool {
        (id == nil || id == message.id) && (reason == nil || reason == message.reason)
    }

    /// The work queue a parking queue belongs to, for a message whose headers name none.
    /// Every queue scanned is one of `WorkQueue`'s parking queues, so the fallback is never used.
    func workQueue(parking queue: String) -> WorkQueue {
        WorkQueue.allCases.first { $0.parkingQueue == queue } ?? .ingest
    }

    /// Replay and purge act on one ID or, explicitly, on everything the filters select.
    func requireSelection(_ verb: String) throws {
        switch (id, all) {
        case (nil, false): throw UsageError(message: "dead \(verb) needs a message ID or --all")
        case (.some, true): throw UsageError(message: "dead \(verb) takes a message ID or --all, not both")
        default: return
        }
    }

    /// Prints how many messages a command acted on; none for a given ID is an error.
    func report(_ count: Int, _ verb: String) throws {
        guard count > 0 || id == nil else { throw nothingFound() }
        print("\(verb) \(count) message\(count == 1 ? "" : "s")")
    }

    func nothingFound() -> UsageError {
        let filter = reason.map { " with reason '\($0)'" } ?? ""
        return UsageError(
            message: "no parked message '\(id ?? "")'\(filter) in \(queues.joined(separator: ", "))")
    }
}
