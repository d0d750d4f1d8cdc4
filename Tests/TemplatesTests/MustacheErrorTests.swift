import Testing

@testable import Templates

@Suite struct MustacheErrorTests {
    private func parseError(_ source: String) -> MustacheError? {
        do {
            _ = try MustacheTemplate(source)
            return nil
        } catch {
            return error as? MustacheError
        }
    }

    @Test func unclosedSectionIsReportedWhereItOpens() throws {
        let error = try #require(parseError("Hello\n  {{#items}}\n{{name}}\n"))

        #expect(error.line == 2)
        #expect(error.column == 3)
        #expect(error.message.contains("items"))
    }

    @Test func mismatchedClosingTagIsReportedWhereItCloses() throws {
        let error = try #require(parseError("{{#user}}\nÅsa {{/users}}"))

        #expect(error.line == 2)
        #expect(error.column == 5)
        #expect(error.description.contains("\"users\" does not match \"user\""))
    }

    @Test func unclosedTagIsAnError() throws {
        let error = try #require(parseError("a\nb {{name"))

        #expect((error.line, error.column) == (2, 3))
    }

    @Test func strayClosingTagIsAnError() {
        #expect(parseError("{{/user}}") != nil)
    }

    @Test func malformedDelimiterChangeIsAnError() {
        #expect(parseError("{{=<%=}}") != nil)
    }

    @Test func emptyAndSpacedNamesAreErrors() {
        #expect(parseError("{{}}") != nil)
        #expect(parseError("{{first name}}") != nil)
    }
}
