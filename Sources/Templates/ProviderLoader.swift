import Foundation

/// Reads `providers.json`: an object of provider name → definition.
enum ProviderLoader {
    static func load(file: String, environment: [String: String]) throws -> [String: ProviderDefinition] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CatalogueError(file: file, problem: "missing or unreadable")
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CatalogueError(file: file, problem: "must be a JSON object of providers")
        }

        var providers: [String: ProviderDefinition] = [:]
        for (name, raw) in root {
            guard let object = raw as? [String: Any] else {
                throw CatalogueError(file: file, field: name, problem: "must be an object")
            }
            providers[name] = try definition(name: name, object: object, file: file, environment: environment)
        }
        return providers
    }

    private static func definition(
        name: String, object: [String: Any], file: String, environment: [String: String]
    ) throws -> ProviderDefinition {
        let reader = try ManifestReader(
            file: file, path: name, object: object,
            allowedKeys: ["table", "keyColumn", "columns", "request", "response", "ttlSeconds", "ttlVariable"])
        guard let request = try reader.nested("request", allowedKeys: ["event", "keyField"]) else {
            throw CatalogueError(file: file, field: "\(name).request", problem: "required")
        }
        guard
            let response = try reader.nested(
                "response", allowedKeys: ["event", "keyField", "errorField", "fields"])
        else {
            throw CatalogueError(file: file, field: "\(name).response", problem: "required")
        }

        let table = try reader.string("table")
        let keyColumn = try reader.string("keyColumn")
        let columns = try reader.stringList("columns")
        for identifier in [table, keyColumn] + columns where !SQLIdentifier.isValid(identifier) {
            throw CatalogueError(file: file, field: name, problem: "'\(identifier)' is not a plain SQL name")
        }

        let fields = try response.stringMap("fields")
        for column in fields.values where !columns.contains(column) {
            throw CatalogueError(
                file: file, field: "\(name).response.fields", problem: "column '\(column)' is not in columns")
        }

        var timeToLive = Duration.seconds(1800)
        if let seconds = reader.object["ttlSeconds"] {
            guard let value = seconds as? Int, value > 0 else {
                throw CatalogueError(file: file, field: "\(name).ttlSeconds", problem: "must be a positive integer")
            }
            timeToLive = .seconds(value)
        }
        let variable = try reader.optionalString("ttlVariable")
        if let variable, let text = environment[variable], !text.isEmpty {
            guard let override = DurationText.parse(text) else {
                throw CatalogueError(file: variable, problem: "'\(text)' is not a duration such as 30m or 90s")
            }
            timeToLive = override
        }

        return ProviderDefinition(
            name: name, table: table, keyColumn: keyColumn, columns: columns,
            requestEvent: try request.string("event"), requestKeyField: try request.string("keyField"),
            responseEvent: try response.string("event"), responseKeyField: try response.string("keyField"),
            responseErrorField: try response.optionalString("errorField"), responseFields: fields,
            timeToLive: timeToLive, timeToLiveVariable: variable)
    }
}

/// Names that may be pasted into SQL: letters, digits and underscores, not starting with a digit.
public enum SQLIdentifier {
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !name.isEmpty, name.count <= 64 else { return false }
        guard first == "_" || (first.isASCII && CharacterSet.letters.contains(first)) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || CharacterSet.alphanumerics.contains($0)) }
    }
}
