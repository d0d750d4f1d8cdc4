import Foundation
import Templates

/// Reads settings from the process environment once, at start. A secret may instead come from
/// a file named by the same variable with `_FILE` appended (`MAILROOM_DATABASE_URL_FILE`).
public struct Environment: Sendable {
    public var values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The variable's value, or the trimmed content of the file named by `NAME_FILE`.
    public func string(_ name: String) throws(ConfigurationError) -> String? {
        if let value = values[name], !value.isEmpty { return value }
        guard let path = values["\(name)_FILE"], !path.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigurationError(variable: "\(name)_FILE", problem: "cannot read the file it names")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func string(_ name: String, default fallback: String) throws(ConfigurationError) -> String {
        try string(name) ?? fallback
    }

    public func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigurationError)
        -> Int
    {
        guard let text = try string(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                variable: name,
                problem: "'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    public func duration(_ name: String, default fallback: Duration) throws(ConfigurationError) -> Duration {
        guard let text = try string(name) else { return fallback }
        guard let value = DurationText.parse(text) else {
            throw ConfigurationError(variable: name, problem: "'\(text)' is not a duration such as 500ms, 30s or 2m")
        }
        return value
    }

    public func durations(_ name: String, default fallback: [Duration]) throws(ConfigurationError) -> [Duration] {
        guard let text = try string(name) else { return fallback }
        var result: [Duration] = []
        for part in text.split(separator: ",") {
            guard let value = DurationText.parse(String(part)), value > .zero else {
                throw ConfigurationError(variable: name, problem: "'\(part)' is not a positive duration")
            }
            result.append(value)
        }
        guard !result.isEmpty else { throw ConfigurationError(variable: name, problem: "lists no delay") }
        return result
    }
}

/// A setting that is missing or malformed; names the variable, never its value when secret.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var variable: String
    public var problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable): \(problem)" }
}
