import Testing

@testable import Templates

@Suite struct MustacheReferencedNamesTests {
    @Test func namesOfVariablesSectionsAndDynamicPartialsAreListed() throws {
        let template = try MustacheTemplate(
            """
            Hi {{user.name}}, {{{signature}}} {{&footer}}
            {{#orders}}{{id}}{{.}}{{/orders}}{{^orders}}none{{/orders}}
            {{! comment }}{{>static}}{{>*kind}}
            {{<layout}}{{$title}}{{heading}}{{/title}}{{/layout}}
            """
        )

        let expected: Set<String> = ["user.name", "signature", "footer", "orders", "id", "kind", "heading"]
        #expect(template.referencedNames == expected)
        #expect(template.referencedPartials == ["static", "layout"])
    }

    @Test func namesAfterADelimiterChangeAreFound() throws {
        let template = try MustacheTemplate("{{=<% %>=}}<% token %> {{notATag}}")

        #expect(template.referencedNames == ["token"])
    }
}
