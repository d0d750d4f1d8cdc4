import Foundation
import Synchronization

/// How much a process logs; `MAILROOM_LOG_LEVEL`.
public enum LogLevel: String, Sendable, Comparable {
    case debug, info, warning, error

    private var rank: Int {
        switch self {
        case .debug: 0
        case .info: 1
        case .warning: 2
        case .error: 3
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// Writes one JSON object per line on stderr: time, level, worker, message, and metadata under
/// the stable keys of `LogKey`. Data goes in metadata, never pasted into the message. Callers
/// must not pass tokens, passwords or message bodies: nothing here can tell them apart.
public struct Logger: Sendable {
    public var worker: String
    public var level: LogLevel
    public var metadata: [String: String]

    public init(worker: String, level: LogLevel = .info, metadata: [String: String] = [:]) {
        self.worker = worker
        self.level = level
        self.metadata = metadata
    }

    /// A logger that adds these fields to every line.
    public func with(_ extra: [String: String]) -> Logger {
        var copy = self
        copy.metadata.merge(extra) { _, new in new }
        return copy
    }

    public func debug(_ message: String, _ fields: [String: String] = [:]) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [String: String] = [:]) { log(.info, message, fields) }
    public func warning(_ message: String, _ fields: [String: String] = [:]) { log(.warning, message, fields) }
    public func error(_ message: String, _ fields: [String: String] = [:]) { log(.error, message, fields) }

    public func log(_ lineLevel: LogLevel, _ message: String, _ fields: [String: String]) {
        guard lineLevel >= level else { return }

        var object: [String: String] = metadata.merging(fields) { _, new in new }
        object["time"] = LogClock.now()
        object["level"] = lineLevel.rawValue
        object["worker"] = worker
        object["message"] = message

        LogOutput.write(LogLine.encode(object))
    }
}

/// The metadata keys every process uses, kept in one place.
public enum LogKey {
    public static let referenceID = "reference_id"
    public static let emailID = "email_id"
    public static let eventID = "event_id"
    public static let correlationID = "correlation_id"
    public static let template = "template"
    public static let queue = "queue"
    public static let routingKey = "routing_key"
    public static let attempt = "attempt"
    public static let reason = "reason"
    public static let errorKind = "error_kind"
    public static let error = "error"
    public static let provider = "provider"
    public static let consumer = "consumer"
}

/// Serialises whole lines so lines from several consumer threads never interleave.
enum LogOutput {
    private static let lock = Mutex(())

    static func write(_ line: [UInt8]) {
        lock.withLock { _ in
            line.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return }
                _ = Foundation.write(2, base, bytes.count)
            }
        }
    }
}

enum LogClock {
    /// ISO 8601 in UTC with milliseconds, e.g. `2026-12-03T18:39:24.123Z`.
    static func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var parts = tm()
        var seconds = time.tv_sec
        gmtime_r(&seconds, &parts)
        // Zero-padded by hand: String(format:) is slow, and this runs for every line.
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let year = padded(Int(parts.tm_year) + 1900, 4)
        let date = "\(year)-\(padded(Int(parts.tm_mon) + 1, 2))-\(padded(Int(parts.tm_mday), 2))"
        let clock = "\(padded(Int(parts.tm_hour), 2)):\(padded(Int(parts.tm_min), 2)):\(padded(Int(parts.tm_sec), 2))"
        return "\(date)T\(clock).\(padded(time.tv_nsec / 1_000_000, 3))Z"
    }
}
