import Foundation
import Templates
import Testing

/// The template catalogue is loaded and checked at start; a broken folder is refused with the
/// file and the field named.
struct CatalogueTests {
    static let templatesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Deploy/templates").path

    @Test func theShippedCatalogueLoads() throws {
        let catalogue = try Catalogue.load(directory: Self.templatesDirectory)

        #expect(catalogue.templates["auth-access-token"]?.trigger == "authAccessTokenCreated")
        #expect(catalogue.ingestRoutingKeys.contains("userFetchInfoResponse"))
        #expect(catalogue.providers["user"]?.timeToLive == .seconds(1800))
    }

    @Test func theUserCacheTimeToLiveComesFromTheEnvironment() throws {
        let catalogue = try Catalogue.load(
            directory: Self.templatesDirectory, environment: ["MAILROOM_USER_CACHE_TTL": "90s"])
        #expect(catalogue.providers["user"]?.timeToLive == .seconds(90))
    }

    @Test(arguments: [
        (
            "manifest.json",
            #"{"trigger": "x", "recipients": {"field": "userId", "provider": "user"}, "#
                + #""to": {"address": "user.email"}, "colour": "red"}"#,
            "colour"
        ),
        (
            "manifest.json",
            #"{"trigger": "x", "recipients": {"field": "userId", "provider": "user"}, "#
                + #""to": {"address": "user.email"}, "requires": ["user.shoe_size"]}"#,
            "requires"
        ),
        (
            "manifest.json",
            #"{"trigger": "x", "recipients": {"field": "userId", "provider": "nobody"}, "#
                + #""to": {"address": "user.email"}}"#,
            "provider"
        ),
    ])
    func aBrokenManifestIsRefusedNamingTheFileAndField(file: String, content: String, field: String) throws {
        let directory = try copyOfCatalogue()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try content.write(toFile: "\(directory)/auth-access-token/\(file)", atomically: true, encoding: .utf8)

        let error = #expect(throws: CatalogueError.self) { try Catalogue.load(directory: directory) }
        #expect(error?.file.hasSuffix("auth-access-token/manifest.json") == true)
        #expect(error?.description.contains(field) == true, "\(String(describing: error))")
    }

    @Test func aMissingSubjectIsRefused() throws {
        let directory = try copyOfCatalogue()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.removeItem(atPath: "\(directory)/auth-access-token/subject.mustache")

        let error = #expect(throws: CatalogueError.self) { try Catalogue.load(directory: directory) }
        #expect(error?.file.hasSuffix("subject.mustache") == true)
    }

    @Test func anUnclosedSectionIsRefusedWithItsLine() throws {
        let directory = try copyOfCatalogue()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "Hello\n{{#user}}{{name}}\n".write(
            toFile: "\(directory)/auth-access-token/text.mustache", atomically: true, encoding: .utf8)

        let error = #expect(throws: CatalogueError.self) { try Catalogue.load(directory: directory) }
        #expect(error?.description.contains("line 2") == true, "\(String(describing: error))")
    }

    /// A value printed outside any section must be required, or a missing one goes out blank.
    @Test(arguments: [
        ("text.mustache", "Your code is {{event.code}}.", "event.code", "requires does not list it"),
        ("subject.mustache", "Hello {{user.nickname}}", "user.nickname", "requires does not list it"),
        ("text.mustache", "Hello {{usr.name}}", "usr.name", "no template data holds"),
        ("partials/signature.mustache", "Yours, {{event.signer}}", "event.signer", "requires does not list it"),
    ])
    func aPrintedValueThatMayBeMissingIsRefused(file: String, content: String, name: String, problem: String)
        throws
    {
        let directory = try copyOfCatalogue()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let folder = "\(directory)/auth-access-token"
        try FileManager.default.createDirectory(atPath: "\(folder)/partials", withIntermediateDirectories: true)
        try "Hello {{user.name}}, your code is {{event.accessToken}}.\n{{> signature}}\n".write(
            toFile: "\(folder)/text.mustache", atomically: true, encoding: .utf8)
        try "Mailroom".write(toFile: "\(folder)/partials/signature.mustache", atomically: true, encoding: .utf8)
        try content.write(toFile: "\(folder)/\(file)", atomically: true, encoding: .utf8)

        let error = #expect(throws: CatalogueError.self) { try Catalogue.load(directory: directory) }
        let partOfTheEmail = file.hasPrefix("partials/") ? "text.mustache" : file
        #expect(error?.file.hasSuffix("auth-access-token/\(partOfTheEmail)") == true, "\(String(describing: error))")
        #expect(error?.field == name)
        #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
    }

    @Test func aValuePrintedInsideItsOwnSectionOrRequiredIsAccepted() throws {
        let directory = try copyOfCatalogue()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        Hello {{user.name}}, your code is {{event.accessToken}}.
        {{#event.note}}Note: {{event.note}}{{/event.note}}{{^event.note}}No note.{{/event.note}}
        Reference {{reference.id}}, email {{email.id}}.
        """.write(toFile: "\(directory)/auth-access-token/text.mustache", atomically: true, encoding: .utf8)

        let catalogue = try Catalogue.load(directory: directory)

        #expect(catalogue.templates["auth-access-token"]?.requiredEventFields == ["accessToken"])
    }

    @Test func aThirdTemplateIsOnlyFiles() throws {
        let directory = try copyOfCatalogue()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let folder = "\(directory)/password-changed"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        {"trigger": "userPasswordChanged", "reference": {"user_id": "userId"},
         "recipients": {"field": "userId", "provider": "user"},
         "to": {"address": "user.email", "name": "user.name"}, "requires": ["user.name", "user.email"]}
        """.write(toFile: "\(folder)/manifest.json", atomically: true, encoding: .utf8)
        try "Your password changed".write(toFile: "\(folder)/subject.mustache", atomically: true, encoding: .utf8)
        try "Hello {{user.name}}, your password changed.".write(
            toFile: "\(folder)/text.mustache", atomically: true, encoding: .utf8)

        let catalogue = try Catalogue.load(directory: directory)

        #expect(catalogue.templates(triggeredBy: "userPasswordChanged").map(\.name) == ["password-changed"])
        #expect(catalogue.ingestRoutingKeys.contains("userPasswordChanged"))
    }

    private func copyOfCatalogue() throws -> String {
        let directory = NSTemporaryDirectory() + "catalogue-\(UUID().uuidString)"
        // Copy what the folder holds, never a link to it: the tests write into the copy.
        let source = URL(fileURLWithPath: Self.templatesDirectory).resolvingSymlinksInPath().path
        try FileManager.default.copyItem(atPath: source, toPath: directory)
        return directory
    }
}
