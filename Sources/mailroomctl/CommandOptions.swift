/// `--name value` options and positional words, in order.
struct CommandOptions {
    var positional: [String] = []
    var values: [String: String] = [:]

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word.hasPrefix("--") {
                guard index + 1 < arguments.count else { throw UsageError(message: "\(word) needs a value") }
                values[String(word.dropFirst(2))] = arguments[index + 1]
                index += 2
            } else {
                positional.append(word)
                index += 1
            }
        }
    }

    func required(_ name: String) throws -> String {
        guard let value = values[name] else { throw UsageError(message: "--\(name) is required") }
        return value
    }
}

struct UsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
