import Foundation
import Mail
import MariaDB
import Templates

/// What a template renders: `event` (the trigger's data), `reference`, `email`, and one object
/// per provider the template uses, holding that provider's cached columns for this email.
struct RenderContext {
    var value: MustacheValue
    var providerValues: [String: [String: String]]

    static func load(
        for email: ClaimedEmail, template: TemplateDefinition, providers: [String: ProviderDefinition],
        database: DatabaseConnection
    ) throws -> RenderContext {
        let store = ProviderStore(database: database)
        var providerValues: [String: [String: String]] = [:]
        for (name, field) in template.providersUsed {
            guard let provider = providers[name] else { continue }
            let key = field == nil ? email.recipient : try? email.reference.payload.optionalScalar(field ?? "")
            guard let key else { continue }
            let records = try store.records(of: provider, keys: [key])
            providerValues[name] = records[ProviderKey(provider: name, key: key)]?.values ?? [:]
        }

        var object: [String: MustacheValue] = [
            "event": MustacheValue(json: email.reference.payload.values),
            "reference": .object(["id": .int(email.reference.id), "template": .string(template.name)]),
            "email": .object(["id": .int(email.id)]),
        ]
        for (name, values) in providerValues {
            object[name] = .object(values.mapValues { .string($0) })
        }
        return RenderContext(value: .object(object), providerValues: providerValues)
    }

    func field(_ path: FieldPath) -> String? { providerValues[path.provider]?[path.column] }
}

/// The rendered parts of one email. Subject and text are not escaped; HTML is.
struct RenderedEmail {
    var recipient: MailAddress
    var subject: String
    var text: String
    var html: String?

    init(template: TemplateDefinition, context: RenderContext) throws {
        guard let address = context.field(template.addressField) else {
            throw MailroomFailure.permanent("missing_field", "no value for \(template.addressField)")
        }
        do {
            // The name comes from another service: the composer turns any CR, LF or NUL in it
            // into a space, so it is set after the address is checked rather than refused.
            recipient = try MailAddress(address)
            recipient.displayName = template.nameField.flatMap(context.field)
        } catch let error as MailAddressError {
            throw MailroomFailure.permanent("invalid_address", error.reason)
        }

        let partials = template.partials
        subject = template.subject.render(context.value, partials: partials, escaping: .none)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        text = template.textBody.render(context.value, partials: partials, escaping: .none)
        html = template.htmlBody?.render(context.value, partials: partials, escaping: .html)
    }
}
