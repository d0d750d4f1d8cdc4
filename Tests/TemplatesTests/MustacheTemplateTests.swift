import Foundation
import Testing

@testable import Templates

@Suite struct MustacheTemplateTests {
    static let tricky: MustacheValue = ["company": "O'Brien & \"Sons\" <Ltd>"]

    @Test func plainTextModeWritesValuesExactlyAsGiven() throws {
        let subject = try MustacheTemplate("Order for {{company}}")

        #expect(subject.render(Self.tricky, escaping: .none) == "Order for O'Brien & \"Sons\" <Ltd>")
    }

    @Test func htmlModeEscapesValues() throws {
        let body = try MustacheTemplate("<p>{{company}}</p>")

        #expect(body.render(Self.tricky, escaping: .html) == "<p>O&#39;Brien &amp; &quot;Sons&quot; &lt;Ltd&gt;</p>")
    }

    @Test func tripleMustacheAndAmpersandStayRawInHTMLMode() throws {
        let context: MustacheValue = ["fragment": "<b>O'Brien & \"Sons\"</b>"]
        let body = try MustacheTemplate("{{{fragment}}}|{{&fragment}}")

        #expect(body.render(context, escaping: .html) == "<b>O'Brien & \"Sons\"</b>|<b>O'Brien & \"Sons\"</b>")
    }

    @Test func partialsRenderInTheCallersEscapingMode() throws {
        let partials = ["name": try MustacheTemplate("{{company}}")]
        let template = try MustacheTemplate("Dear {{>name}}")

        #expect(template.render(Self.tricky, partials: partials, escaping: .none) == "Dear O'Brien & \"Sons\" <Ltd>")
        #expect(template.render(Self.tricky, partials: partials).contains("&amp;"))
    }

    @Test func oneTemplateRendersManyContexts() throws {
        let template = try MustacheTemplate("{{#items}}{{name}}: {{qty}}\n{{/items}}{{^items}}nothing{{/items}}")

        #expect(
            template.render(["items": [["name": "pen", "qty": 2], ["name": "ink", "qty": 1.5]]]) == "pen: 2\nink: 1.5\n"
        )
        #expect(template.render(["items": []]) == "nothing")
        #expect(template.render(.null) == "nothing")
    }

    @Test func selfIncludingPartialStopsAtTheDepthLimit() throws {
        let partials = ["loop": try MustacheTemplate("x{{>loop}}")]
        let output = try MustacheTemplate("{{>loop}}").render(.null, partials: partials)

        #expect(output == String(repeating: "x", count: MustacheTemplate.maximumPartialDepth))
    }
}
