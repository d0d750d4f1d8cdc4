import Foundation
import Testing

@testable import Templates

/// Runs every case of the official Mustache specification in `shared/mustache-spec/`, which sits
/// beside the package folder (`MAILROOM_MUSTACHE_SPEC_DIR` names another folder).
@Suite struct MustacheSpecTests {
    static let specFiles = [
        "comments", "delimiters", "interpolation", "inverted", "partials", "sections",
        "~dynamic-names", "~inheritance",
    ]

    static var specDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["MAILROOM_MUSTACHE_SPEC_DIR"] {
            return URL(fileURLWithPath: directory)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TemplatesTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // the package
            .deletingLastPathComponent()
            .appendingPathComponent("shared/mustache-spec")
    }

    @Test(arguments: specFiles)
    func specFilePasses(_ file: String) throws {
        let url = Self.specDirectory.appendingPathComponent("\(file).json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        let cases = try #require((json as? [String: Any])?["tests"] as? [[String: Any]], "no tests in \(url.path)")
        #expect(!cases.isEmpty)

        for specCase in cases {
            let name = "\(file).json: \(specCase["name"] as? String ?? "?")"
            let template = try #require(specCase["template"] as? String, "\(name): no template")
            let expected = try #require(specCase["expected"] as? String, "\(name): no expected output")
            let partialSources = specCase["partials"] as? [String: String] ?? [:]

            do {
                let partials = try partialSources.mapValues { try MustacheTemplate($0) }
                let output = try MustacheTemplate(template).render(
                    MustacheValue(json: specCase["data"] ?? NSNull()), partials: partials)
                #expect(output == expected, "\(name)")
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }
}
