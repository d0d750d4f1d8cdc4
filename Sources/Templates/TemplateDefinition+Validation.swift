extension TemplateDefinition {
    /// Checks the template against the providers: every provider it names exists, every field it
    /// requires or addresses with is a column some provider fills (by answering, or because this
    /// template stores it from the event), and every value its parts print unconditionally is
    /// one of those, so no email goes out with a blank where a value belongs. `directory` is the
    /// template's folder, named in the errors.
    func validate(against providers: [String: ProviderDefinition], directory: String) throws {
        let file = "\(directory)/manifest.json"
        for (provider, _) in providersUsed where providers[provider] == nil {
            throw CatalogueError(file: file, field: "recipients/lookups", problem: "unknown provider '\(provider)'")
        }
        for rule in stores {
            guard let provider = providers[rule.provider] else {
                throw CatalogueError(file: file, field: "store", problem: "unknown provider '\(rule.provider)'")
            }
            for column in rule.columns.keys where !provider.columns.contains(column) {
                throw CatalogueError(
                    file: file, field: "store", problem: "provider '\(provider.name)' has no column '\(column)'")
            }
        }

        for path in neededFields {
            guard providersUsed[path.provider] != nil, let provider = providers[path.provider] else {
                throw CatalogueError(
                    file: file, field: "requires",
                    problem: "'\(path)' names a provider this template neither sends to nor looks up")
            }
            let storedHere = stores.contains { $0.provider == path.provider && $0.columns[path.column] != nil }
            guard provider.answeredColumns.contains(path.column) || storedHere else {
                throw CatalogueError(file: file, field: "requires", problem: "no provider supplies '\(path)'")
            }
        }

        try validatePrintedNames(directory: directory)
    }

    /// The provider fields an email waits for: the required ones, the address and the name.
    public var neededFields: [FieldPath] {
        requiredFields + [addressField] + (nameField.map { [$0] } ?? [])
    }

    /// Names every render context has, whatever the event and the providers say.
    static let alwaysPresentNames: Set<String> = ["reference.id", "reference.template", "email.id"]

    /// A value printed outside any section must be guaranteed: required (of the event or of a
    /// provider) or always present. Anything else is refused with the part and the name.
    private func validatePrintedNames(directory: String) throws {
        let guaranteed = Set(neededFields.map(\.description))
            .union(requiredEventFields.map { "\(Self.eventRoot).\($0)" })
            .union(Self.alwaysPresentNames)
        var parts = [("subject.mustache", subject), ("text.mustache", textBody)]
        if let htmlBody { parts.append(("html.mustache", htmlBody)) }

        for (part, template) in parts {
            for name in template.unconditionalNames(partials: partials).sorted() {
                let components = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                // `event.items.0` is guaranteed when `event.items` is required.
                let head = components.prefix(2).joined(separator: ".")
                guard !guaranteed.contains(name), !guaranteed.contains(head) else { continue }

                let root = components[0]
                let problem =
                    root == Self.eventRoot || providersUsed[root] != nil
                    ? "prints '\(name)' outside any section, but the manifest's requires does not list it: "
                        + "add it there, or print it inside {{#\(name)}}…{{/\(name)}}"
                    : "prints '\(name)', which no template data holds (known: event.*, reference.*, email.*, "
                        + providersUsed.keys.sorted().map { "\($0).*" }.joined(separator: ", ") + ")"
                throw CatalogueError(file: "\(directory)/\(part)", field: name, problem: problem)
            }
        }
    }
}
