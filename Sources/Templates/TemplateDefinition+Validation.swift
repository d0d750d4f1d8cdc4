extension TemplateDefinition {
    /// Checks the template against the providers: every provider it names exists, every field it
    /// requires or addresses with is a column some provider fills (by answering, or because this
    /// template stores it from the event).
    func validate(against providers: [String: ProviderDefinition], file: String) throws {
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

        let needed = requiredFields + [addressField] + (nameField.map { [$0] } ?? [])
        for path in needed {
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
    }
}
