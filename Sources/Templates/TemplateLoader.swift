import Foundation

/// Reads one template folder: `manifest.json`, `subject.mustache`, `text.mustache`, an optional
/// `html.mustache`, and optional partials under `partials/<name>.mustache`.
enum TemplateLoader {
    static let manifestKeys: Set<String> = [
        "trigger", "reference", "recipients", "lookups", "store", "to", "requires", "description",
    ]

    static func load(directory: String, name: String) throws -> TemplateDefinition {
        let file = "\(directory)/manifest.json"
        let manifest = try ManifestReader.load(file: file, allowedKeys: manifestKeys)

        guard let recipients = try manifest.nested("recipients", allowedKeys: ["field", "provider"]) else {
            throw CatalogueError(file: file, field: "recipients", problem: "required")
        }
        guard let to = try manifest.nested("to", allowedKeys: ["address", "name"]) else {
            throw CatalogueError(file: file, field: "to", problem: "required")
        }
        let stores = try manifest.nestedList("store", allowedKeys: ["provider", "keyField", "columns"]).map {
            TemplateDefinition.StoreRule(
                provider: try $0.string("provider"), keyField: try $0.string("keyField"),
                columns: try $0.stringMap("columns"))
        }
        let referenceColumns = try manifest.stringMap("reference")
        for column in referenceColumns.keys where !SQLIdentifier.isValid(column) {
            throw CatalogueError(file: file, field: "reference", problem: "'\(column)' is not a plain SQL name")
        }

        let requires = try manifest.stringList("requires")
        let eventPrefix = TemplateDefinition.eventRoot + "."
        let requiredEventFields = requires.filter { $0.hasPrefix(eventPrefix) }.map {
            String($0.dropFirst(eventPrefix.count))
        }
        for field in requiredEventFields where field.isEmpty || field.contains(".") {
            throw CatalogueError(
                file: file, field: "requires", problem: "'event.\(field)' is not of the form event.field")
        }

        return TemplateDefinition(
            name: name,
            trigger: try manifest.string("trigger"),
            referenceColumns: referenceColumns,
            recipientsField: try recipients.string("field"),
            recipientProvider: try recipients.string("provider"),
            lookups: try manifest.stringMap("lookups"),
            stores: stores,
            addressField: try fieldPath(to.string("address"), file: file, field: "to.address"),
            nameField: try to.optionalString("name").map { try fieldPath($0, file: file, field: "to.name") },
            requiredFields: try requires.filter { !$0.hasPrefix(eventPrefix) }.map {
                try fieldPath($0, file: file, field: "requires")
            },
            requiredEventFields: requiredEventFields,
            subject: try requiredPart(directory, "subject.mustache"),
            textBody: try requiredPart(directory, "text.mustache"),
            htmlBody: try part(directory, "html.mustache", required: false),
            partials: try partials(in: "\(directory)/partials"))
    }

    private static func fieldPath(_ text: String, file: String, field: String) throws -> FieldPath {
        guard let path = FieldPath(text) else {
            throw CatalogueError(file: file, field: field, problem: "'\(text)' is not of the form provider.column")
        }
        return path
    }

    private static func requiredPart(_ directory: String, _ name: String) throws -> MustacheTemplate {
        guard let template = try part(directory, name, required: true) else {
            throw CatalogueError(file: "\(directory)/\(name)", problem: "missing")
        }
        return template
    }

    private static func part(_ directory: String, _ name: String, required: Bool) throws -> MustacheTemplate? {
        let file = "\(directory)/\(name)"
        guard let data = FileManager.default.contents(atPath: file) else {
            if required { throw CatalogueError(file: file, problem: "missing") }
            return nil
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw CatalogueError(file: file, problem: "not UTF-8 text")
        }
        do {
            return try MustacheTemplate(source)
        } catch let error as MustacheError {
            throw CatalogueError(file: file, problem: "line \(error.line), column \(error.column): \(error.message)")
        }
    }

    private static func partials(in directory: String) throws -> [String: MustacheTemplate] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [:] }
        var partials: [String: MustacheTemplate] = [:]
        for entry in entries where entry.hasSuffix(".mustache") {
            partials[String(entry.dropLast(".mustache".count))] = try requiredPart(directory, entry)
        }
        return partials
    }
}
