import Foundation
import Mail
import Templates

/// Renders a template with data from a file, as `mailroomctl render` shows it: the exact message
/// the sender would hand to the transport. The data is the render context itself: `event`
/// (the trigger's fields) and one object per provider (`user`, `customer`, …).
public enum TemplatePreview {
    public static func render(
        _ template: TemplateDefinition, data: [String: Any], from: MailAddress, date: Date = Date()
    ) throws -> [UInt8] {
        var providerValues: [String: [String: String]] = [:]
        for (name, _) in template.providersUsed {
            guard let object = data[name] as? [String: Any] else { continue }
            providerValues[name] = object.compactMapValues { $0 as? String }
        }
        let context = RenderContext(value: MustacheValue(json: data), providerValues: providerValues)

        let rendered = try RenderedEmail(template: template, context: context)
        let message = MailMessage(
            from: from, to: [rendered.recipient], subject: rendered.subject, textBody: rendered.text,
            htmlBody: rendered.html, messageID: "preview@\(from.domain)", date: date)
        return MessageComposer.compose(message)
    }
}
