import Foundation

/// A command that failed, with what it printed (never a password: the bench passes none on
/// command lines it reports).
struct CommandFailure: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var output: String

    var description: String { "\(command) exited with \(status): \(output.suffix(400))" }
}

/// Runs a command to completion and returns its standard output; standard error is kept for
/// the failure message.
@discardableResult
func runCommand(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()

    // Read before waiting, so a chatty command cannot fill the pipe and stall.
    let printed = output.fileHandleForReading.readDataToEndOfFile()
    let complained = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()

    let text = String(decoding: printed, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        let name = ([executable] + arguments.prefix(3)).joined(separator: " ")
        throw CommandFailure(
            command: name, status: process.terminationStatus, output: text + String(decoding: complained, as: UTF8.self)
        )
    }
    return text
}

/// Progress for the person running the bench, on standard error (the table goes to standard output).
func say(_ text: String) {
    FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
}
