import Foundation
import Synchronization

/// Runs a command and returns its standard output; throws when it exits non-zero.
@discardableResult
func shell(
    _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil
) throws -> String {
    let process = Process()
    if let environment { process.environment = environment }
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    let stdin = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(input) }
    try stdin.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw TestFailure(
            "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                + String(decoding: errorData, as: UTF8.self))
    }
    return String(decoding: data, as: UTF8.self)
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls until `condition` holds or the timeout passes; returns whether it held.
func eventually(timeout: Duration = .seconds(60), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.2)
    }
    return try condition()
}

/// The package's root, found from this file's place in it.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// A TCP port that was free a moment ago, for a worker's HTTP endpoint. Taken below the
/// kernel's ephemeral range (32768 and up), where the many client connections of a parallel
/// run take their local ports: a port picked there could be gone before the worker binds it.
/// Handed out in turn from a random start, so no two tests of one run get the same one.
func freePort() -> Int {
    while true {
        let port = nextCandidatePort.add(1, ordering: .relaxed).newValue
        if portIsFree(20_000 + port % 12_000) { return 20_000 + port % 12_000 }
    }
}

private let nextCandidatePort = Atomic<Int>(Int.random(in: 0..<12_000))

private func portIsFree(_ port: Int) -> Bool {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = INADDR_ANY
    address.sin_port = UInt16(port).bigEndian
    let length = socklen_t(MemoryLayout<sockaddr_in>.size)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) }
    } == 0
}
