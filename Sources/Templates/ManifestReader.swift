import Foundation

/// Reads one JSON object of a manifest strictly: every key must be known, every value of the
/// expected type, and each complaint names the file and the field.
struct ManifestReader {
    let file: String
    let path: String
    let object: [String: Any]

    init(file: String, path: String = "", object: [String: Any], allowedKeys: Set<String>) throws {
        self.file = file
        self.path = path
        self.object = object

        for key in object.keys.sorted() where !allowedKeys.contains(key) {
            throw CatalogueError(file: file, field: qualified(key), problem: "unknown field")
        }
    }

    static func load(file: String, allowedKeys: Set<String>) throws -> ManifestReader {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CatalogueError(file: file, problem: "missing or unreadable")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw CatalogueError(file: file, problem: "not valid JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw CatalogueError(file: file, problem: "must be a JSON object")
        }
        return try ManifestReader(file: file, object: object, allowedKeys: allowedKeys)
    }

    func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else {
            throw CatalogueError(file: file, field: qualified(key), problem: "required")
        }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let raw = object[key] else { return nil }
        guard let value = raw as? String, !value.isEmpty else {
            throw CatalogueError(file: file, field: qualified(key), problem: "must be a non-empty string")
        }
        return value
    }

    func stringList(_ key: String) throws -> [String] {
        guard let raw = object[key] else { return [] }
        guard let values = raw as? [String] else {
            throw CatalogueError(file: file, field: qualified(key), problem: "must be a list of strings")
        }
        return values
    }

    func stringMap(_ key: String) throws -> [String: String] {
        guard let raw = object[key] else { return [:] }
        guard let values = raw as? [String: String] else {
            throw CatalogueError(file: file, field: qualified(key), problem: "must map names to strings")
        }
        return values
    }

    func nested(_ key: String, allowedKeys: Set<String>) throws -> ManifestReader? {
        guard let raw = object[key] else { return nil }
        guard let value = raw as? [String: Any] else {
            throw CatalogueError(file: file, field: qualified(key), problem: "must be an object")
        }
        return try ManifestReader(file: file, path: qualified(key), object: value, allowedKeys: allowedKeys)
    }

    func nestedList(_ key: String, allowedKeys: Set<String>) throws -> [ManifestReader] {
        guard let raw = object[key] else { return [] }
        guard let values = raw as? [[String: Any]] else {
            throw CatalogueError(file: file, field: qualified(key), problem: "must be a list of objects")
        }
        return try values.enumerated().map { index, value in
            try ManifestReader(
                file: file, path: "\(qualified(key))[\(index)]", object: value, allowedKeys: allowedKeys)
        }
    }
}
