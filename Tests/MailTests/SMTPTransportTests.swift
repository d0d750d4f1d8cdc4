import Foundation
import Mail
import Testing

/// Each test starts its own Deploy/dev/smtp-sink.py on a free port.
@Suite struct SMTPTransportTests {
    private func send(
        _ transport: MailTransport,
        to recipients: [String] = ["ada@example.com"],
        text: String = "Hello.\n",
        progress: (() -> Void)? = nil
    ) throws -> MailDeliveryReceipt {
        let to = try recipients.map { try MailAddress($0) }
        let message = try Fixtures.message(to: to, text: text)
        let envelope = MailEnvelope(sender: message.from, recipients: to)
        return try transport.send(MessageComposer.compose(message), envelope: envelope, progress: progress)
    }

    private func failure(_ body: () throws -> Void) -> MailTransportError? {
        do {
            try body()
            return nil
        } catch {
            return error as? MailTransportError
        }
    }

    @Test func deliversWithBareEnvelopeAndDotLinesIntact() throws {
        let sink = try SMTPSink()
        let transport = try SMTPTransport(url: sink.url)
        let receipt = try send(
            transport, to: ["ada@example.com", "lena@bücher.example"], text: ".\n..\n.hidden\nend\n")
        let received = try sink.received()

        #expect(receipt.replyCode == 250)
        #expect(received.count == 1)
        #expect(received.first?.mailFrom == "noreply@example.com")
        #expect(received.first?.rcptTos == ["ada@example.com", "lena@xn--bcher-kva.example"])
        let eml = String(decoding: received.first?.eml ?? [], as: UTF8.self)
        #expect(eml.contains("\r\n\r\n.\r\n..\r\n.hidden\r\nend\r\n"))
    }

    @Test func reusesTheConnectionAcrossMessages() throws {
        let sink = try SMTPSink()
        let transport = try SMTPTransport(url: sink.url)
        _ = try send(transport)
        _ = try send(transport)
        transport.close()
        _ = try send(transport)

        #expect(try sink.received().map(\.connection) == [1, 1, 2])
    }

    @Test func fourHundredReplyIsTransientWithItsCodes() throws {
        let sink = try SMTPSink(["--data-replies", "451 4.3.0 Try again later"])
        let transport = try SMTPTransport(url: sink.url)
        let error = failure { _ = try send(transport) }

        #expect(error?.kind == .transient)
        #expect(error?.replyCode == 451)
        #expect(error?.enhancedCode == "4.3.0")
        #expect(error?.message == "451 4.3.0 Try again later")
    }

    @Test func fiveHundredReplyIsPermanentWithItsCodes() throws {
        let sink = try SMTPSink(["--data-replies", "550 5.1.1 No such user"])
        let transport = try SMTPTransport(url: sink.url)
        let error = failure { _ = try send(transport) }

        #expect(error?.kind == .permanent)
        #expect(error?.replyCode == 550)
        #expect(error?.enhancedCode == "5.1.1")
        #expect(try sink.received().isEmpty)
    }

    @Test func replyCodeAfterAFailedMessageIsTheRealOne() throws {
        let sink = try SMTPSink(["--data-replies", "550 5.1.1 No such user,drop,450 4.2.0 Busy,250 OK"])
        let transport = try SMTPTransport(url: sink.url)

        let first = failure { _ = try send(transport) }
        let second = failure { _ = try send(transport) }
        let third = failure { _ = try send(transport) }
        let fourth = try send(transport)

        #expect(first?.replyCode == 550)
        #expect(second?.kind == .transient)
        #expect(second?.replyCode == nil)
        #expect(third?.replyCode == 450)
        #expect(third?.kind == .transient)
        #expect(fourth.replyCode == 250)
    }

    @Test func connectionDroppedAfterRcptIsTransientAndTheNextSendWorks() throws {
        let sink = try SMTPSink(["--drop-after-rcpt", "1"])
        let transport = try SMTPTransport(url: sink.url)
        let error = failure { _ = try send(transport) }
        let receipt = try send(transport)

        #expect(error?.kind == .transient)
        #expect(error?.replyCode == nil)
        #expect(receipt.replyCode == 250)
        #expect(try sink.received().count == 1)
    }

    @Test func utf8LocalPartIsRefusedWhenTheServerLacksSMTPUTF8() throws {
        let sink = try SMTPSink(["--no-smtputf8"])
        let transport = try SMTPTransport(url: sink.url)
        let error = failure { _ = try send(transport, to: ["jörg@example.com"]) }
        _ = try send(transport)

        #expect(error?.kind == .permanent)
        #expect(error?.message.contains("SMTPUTF8") == true)
        #expect(try sink.received().map(\.rcptTos) == [["ada@example.com"]])
    }

    @Test func utf8LocalPartIsDeliveredWithSMTPUTF8WhenOffered() throws {
        let sink = try SMTPSink()
        let transport = try SMTPTransport(url: sink.url)
        _ = try send(transport, to: ["jörg@example.com"])
        let received = try sink.received()

        #expect(received.first?.rcptTos == ["jörg@example.com"])
        #expect(received.first?.mailOptions.contains("SMTPUTF8") == true)
    }

    @Test func authenticatesWithTheURLsUserAndPassword() throws {
        let sink = try SMTPSink(["--auth", "mailer:s3cret"])
        let good = try SMTPTransport(url: "smtp://mailer:s3cret@127.0.0.1:\(sink.port)")
        let bad = try SMTPTransport(url: "smtp://mailer:wrong@127.0.0.1:\(sink.port)")

        let receipt = try send(good)
        let error = failure { _ = try send(bad) }

        #expect(receipt.replyCode == 250)
        #expect(error?.kind == .permanent)
        #expect(error?.replyCode == 535)
        #expect(error?.description.contains("s3cret") == false)
    }

    @Test func slowServerStillSucceedsAndProgressKeepsBeingCalled() throws {
        let sink = try SMTPSink(["--delay-data", "2.5"])
        let transport = try SMTPTransport(url: sink.url, timeout: .seconds(5))
        var calls = 0
        let receipt = try send(transport, progress: { calls += 1 })

        #expect(receipt.replyCode == 250)
        #expect(calls >= 3)
    }

    @Test func silentServerTimesOutAsTransient() throws {
        let sink = try SMTPSink(["--delay-data", "8"])
        let transport = try SMTPTransport(url: sink.url, timeout: .seconds(2))
        let started = ContinuousClock.now
        let error = failure { _ = try send(transport) }

        #expect(error?.kind == .transient)
        #expect(error?.replyCode == nil)
        #expect(ContinuousClock.now - started < .seconds(6))
    }

    @Test func unreachableServerIsTransient() throws {
        let transport = try SMTPTransport(url: "smtp://127.0.0.1:1", timeout: .seconds(2))
        let error = failure { _ = try send(transport) }

        #expect(error?.kind == .transient)
        #expect(error?.replyCode == nil)
    }
}
