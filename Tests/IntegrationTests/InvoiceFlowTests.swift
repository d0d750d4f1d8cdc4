import AMQP
import Foundation
import MariaDB
import Testing

/// The second template, added as files only: one invoice event, two recipients, data from two
/// providers (users and the customer), identifier columns on the reference.
@Suite(.serialized)
struct InvoiceFlowTests {
    @Test func anInvoiceGoesToEveryListedUserWithTheCustomersName() throws {
        let sandbox = try Sandbox("invoice")
        defer { sandbox.tearDown() }
        let broker = try sandbox.startMailroom(counting: ["userFetchInfo", "customerFetchInfo"])

        try broker.publishEvent(
            "invoiceIssued",
            ["invoiceId": "inv-77", "customerId": "c-9", "userIds": ["u-1001", "u-1002"], "amount": "120.00 EUR"],
            id: "invoice-event-77")
        #expect(eventually { sandbox.receivedMail().count >= 2 }, "\(sandbox.log("mailroom-engine"))")
        Thread.sleep(forTimeInterval: 0.5)

        let mails = try sandbox.receivedMail().map(ParsedMail.init(file:))
        #expect(mails.count == 2)
        #expect(Set(mails.map(\.toAddress)) == ["ada@example.com", "zoe@example.com"])
        for mail in mails {
            #expect(mail.subject == "Invoice inv-77 for Widget & Sons Ltd")
            #expect(mail.text.contains("Widget & Sons Ltd has a new invoice, inv-77, for 120.00 EUR."))
            #expect(mail.text.contains("billing contact"), "the partial is rendered")
            #expect(mail.html?.contains("Widget &amp; Sons Ltd") == true, "HTML escapes values")
        }

        let database = try sandbox.database()
        let references = try database.query("SELECT template, invoice_id, customer_id, user_id FROM reference_info")
        #expect(references.count == 1)
        #expect(try references.first?.string("template") == "invoice-issued")
        #expect(try references.first?.string("invoice_id") == "inv-77")
        #expect(try references.first?.string("customer_id") == "c-9")
        #expect(try sandbox.count(database, "email_info WHERE status = 'sent'") == 2)
        #expect(try sandbox.count(database, "customer_info WHERE name = 'Widget & Sons Ltd'") == 1)
        let customerRequests = try sandbox.requestCount("customerFetchInfo", on: broker)
        let userRequests = try sandbox.requestCount("userFetchInfo", on: broker)
        #expect(customerRequests == 1)
        #expect(userRequests == 2, "\(sandbox.log("mailroom-engine"))")
    }
}
