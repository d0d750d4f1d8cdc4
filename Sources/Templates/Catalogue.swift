import Foundation

/// Every template and provider Mailroom knows, loaded once at start from the templates folder
/// (`providers.json` plus one folder per template) and checked as a whole: a worker that
/// cannot load it stops with a message naming the file and the field.
public struct Catalogue: Sendable {
    public var providers: [String: ProviderDefinition]
    public var templates: [String: TemplateDefinition]

    public init(providers: [String: ProviderDefinition], templates: [String: TemplateDefinition]) {
        self.providers = providers
        self.templates = templates
    }

    /// Loads and validates the folder. `environment` supplies provider TTL overrides.
    public static func load(directory: String, environment: [String: String] = [:]) throws -> Catalogue {
        let providers = try ProviderLoader.load(
            file: "\(directory)/providers.json", environment: environment)

        var templates: [String: TemplateDefinition] = [:]
        for name in try templateFolders(in: directory) {
            let template = try TemplateLoader.load(directory: "\(directory)/\(name)", name: name)
            try template.validate(against: providers, directory: "\(directory)/\(name)")
            templates[name] = template
        }
        guard !templates.isEmpty else {
            throw CatalogueError(file: directory, problem: "holds no template folder")
        }
        return Catalogue(providers: providers, templates: templates)
    }

    private static func templateFolders(in directory: String) throws -> [String] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw CatalogueError(file: directory, problem: "missing or unreadable")
        }
        return entries.sorted().filter { entry in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: "\(directory)/\(entry)", isDirectory: &isDirectory)
            return exists && isDirectory.boolValue && !entry.hasPrefix(".")
        }
    }

    /// The templates a trigger event starts, in name order.
    public func templates(triggeredBy event: String) -> [TemplateDefinition] {
        templates.values.filter { $0.trigger == event }.sorted { $0.name < $1.name }
    }

    /// The provider whose answers arrive under this routing key.
    public func provider(answeringWith event: String) -> ProviderDefinition? {
        providers.values.first { $0.responseEvent == event }
    }

    /// Every routing key the ingest queue must receive: triggers and provider answers.
    public var ingestRoutingKeys: [String] {
        let keys = Set(templates.values.map(\.trigger)).union(providers.values.map(\.responseEvent))
        return keys.sorted()
    }
}
