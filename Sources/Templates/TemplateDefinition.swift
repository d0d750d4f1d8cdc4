/// One kind of email, loaded from `Deploy/templates/<name>/`: which event triggers it, how the
/// event's fields become the reference, its recipients and stored data, what it requires, and
/// its Mustache parts.
public struct TemplateDefinition: Sendable {
    public var name: String
    /// The routing key of the external event that creates a reference for this template.
    public var trigger: String
    /// Reference column → event field (e.g. `user_id` ← `userId`).
    public var referenceColumns: [String: String]
    /// The event field holding the recipients' keys (a string or an array of strings).
    public var recipientsField: String
    /// The provider that knows the recipients (their keys are its keys).
    public var recipientProvider: String
    /// Other providers, each keyed by an event field (e.g. `customer` ← `customerId`).
    public var lookups: [String: String]
    /// Data the event carries, written to a provider's cache table.
    public var stores: [StoreRule]
    /// Where the recipient's address and display name come from (`provider.column`).
    public var addressField: FieldPath
    public var nameField: FieldPath?
    /// Every provider field that must be present before the email may go out.
    public var requiredFields: [FieldPath]
    /// Fields the trigger event must carry (`event.<field>` in `requires`): an event without
    /// one of them is refused at ingest with `missing_field`, and nothing is written.
    public var requiredEventFields: [String]
    public var subject: MustacheTemplate
    public var textBody: MustacheTemplate
    public var htmlBody: MustacheTemplate?
    public var partials: [String: MustacheTemplate]

    /// Data carried by the trigger event into a provider's table.
    public struct StoreRule: Sendable {
        public var provider: String
        public var keyField: String
        /// Column → event field.
        public var columns: [String: String]
    }
}

/// A `provider.column` reference such as `user.email`.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public var provider: String
    public var column: String

    public init(provider: String, column: String) {
        self.provider = provider
        self.column = column
    }

    /// Parses `provider.column`; nil when the text is not of that form.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(provider: String(parts[0]), column: String(parts[1]))
    }

    public var description: String { "\(provider).\(column)" }
}

extension TemplateDefinition {
    /// The name under which templates read the trigger event's data, as in `event.amount`.
    public static let eventRoot = "event"

    /// Every provider the template needs, with the event field that keys it (nil for the
    /// recipients' provider, which is keyed by each email's recipient).
    public var providersUsed: [String: String?] {
        var result: [String: String?] = [recipientProvider: nil]
        for (provider, field) in lookups { result[provider] = field }
        return result
    }
}
