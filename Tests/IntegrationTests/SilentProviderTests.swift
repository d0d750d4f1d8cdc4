import AMQP
import Foundation
import MariaDB
import Testing

/// The user service stops answering for a while, or for good. The engine asks again only after
/// MAILROOM_REQUEST_TIMEOUT and at most MAILROOM_REQUEST_MAX_ATTEMPTS times per user (the
/// sweeper re-drives the waiting email); then it sends with stale cached data if there is
/// some, and otherwise fails the email with `provider_silent`.
@Suite struct SilentProviderTests {
    static let settings = ["MAILROOM_REQUEST_TIMEOUT": "2s", "MAILROOM_REQUEST_MAX_ATTEMPTS": "3"]
    static let sweeper = ["--every", "1s", "--stuck-after", "1s"]

    @Test func aServiceSilentForAWhileIsAskedAgainAndTheEmailGoesOutOnceItAnswers() throws {
        let sandbox = try Sandbox("silent_while")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(environment: Self.settings)
        try sandbox.startMailroom("mailroom-sweeper", arguments: Self.sweeper, environment: Self.settings)
        // Silent for the first request, however long the flow takes to send it.
        try sandbox.restartServices(ignoringFirst: 1)

        try broker.publishEvent(
            "authAccessTokenCreated", ["userId": "u-1001", "accessToken": "314159"], id: "silent-1")
        #expect(
            eventually(timeout: .seconds(40)) { sandbox.receivedMail().count == 1 }, "\(sandbox.log("mailroom-engine"))"
        )
        Thread.sleep(forTimeInterval: 3)

        let mail = try ParsedMail(file: try #require(sandbox.receivedMail().first))
        #expect(mail.toAddress == "ada@example.com")
        #expect(mail.text.contains("314159"))
        #expect(sandbox.receivedMail().count == 1)
        let requests = try sandbox.takeRequests("userFetchInfo", on: broker)
        #expect(
            (2...3).contains(requests["u-1001"] ?? 0), "asked again after the timeout, within the limit: \(requests)")
        let database = try sandbox.database()
        #expect(try sandbox.count(database, "email_info WHERE status = 'sent' AND attempts = 1") == 1)
    }

    @Test func aServiceSilentPastItsAttemptsSendsWithStaleDataOrFailsWithoutIt() throws {
        let sandbox = try Sandbox("silent_for_good")
        defer { sandbox.tearDown() }
        let settings = Self.settings.merging(["MAILROOM_USER_CACHE_TTL": "1s"]) { _, new in new }
        let broker = try sandbox.startMailroom(environment: settings)
        try sandbox.startMailroom("mailroom-sweeper", arguments: Self.sweeper, environment: settings)

        // Ada is seen once while the service answers; her data then goes stale.
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "111111"], id: "seen-1")
        #expect(eventually(timeout: .seconds(20)) { sandbox.receivedMail().count == 1 })
        #expect(try sandbox.takeRequests("userFetchInfo", on: broker) == ["u-1001": 1])
        try sandbox.restartServices(silentFor: 600)
        Thread.sleep(forTimeInterval: 1.5)

        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1001", "accessToken": "222222"], id: "stale-1")
        try broker.publishEvent("authAccessTokenCreated", ["userId": "u-1002", "accessToken": "333333"], id: "never-1")
        let database = try sandbox.database()
        let settled = sandbox.settle(3, database, timeout: .seconds(45))
        #expect(settled, "\(sandbox.log("mailroom-engine"))")
        Thread.sleep(forTimeInterval: 3)

        let mails = try sandbox.receivedMail().map(ParsedMail.init(file:))
        #expect(mails.count == 2)
        #expect(mails.last?.toAddress == "ada@example.com")
        #expect(mails.last?.text.contains("222222") == true, "the new token, with the stale name and address")
        #expect(sandbox.logLines("mailroom-engine", containing: "sending with stale cached data") == 1)

        let zoe = try database.query("SELECT status, error_kind FROM email_info WHERE user_id = 'u-1002'")
        #expect(try zoe.first?.string("status") == "failed")
        #expect(try zoe.first?.string("error_kind") == "provider_silent")
        #expect(try sandbox.takeRequests("userFetchInfo", on: broker) == ["u-1001": 3, "u-1002": 3])
    }
}
