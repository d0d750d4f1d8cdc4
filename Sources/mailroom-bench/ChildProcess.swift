import Foundation
import Synchronization

/// A process the bench started (a worker, the SMTP sink, the user-service stand-in), its output
/// in a log file. Stopped with SIGTERM, then SIGKILL if it lingers.
final class ChildProcess {
    let label: String
    private let process = Process()

    init(label: String, executable: String, arguments: [String], environment: [String: String], logFile: String) throws
    {
        self.label = label
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        _ = ChildProcess.running.withLock { $0.insert(process.processIdentifier) }
    }

    /// Every child still running, so an interrupted bench can take them down with it.
    static let running = Mutex<Set<Int32>>([])

    /// Sends SIGTERM to every child still running (on SIGINT or SIGTERM of the bench).
    static func terminateAll() {
        for pid in running.withLock({ $0 }) { kill(pid, SIGTERM) }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// SIGTERM, a wait of up to `grace`, then SIGKILL. Returns the exit status when it stopped by itself.
    @discardableResult
    func stop(grace: TimeInterval = 10) -> Int32? {
        defer { _ = ChildProcess.running.withLock { $0.remove(process.processIdentifier) } }
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }
}
