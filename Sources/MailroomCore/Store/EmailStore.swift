import Foundation
import MariaDB

/// The loaded reference an engine job or a send job works on.
struct StoredReference {
    var id: Int64
    var template: String
    var payload: JSONObject
}

/// An email the sender claimed: it owns it until the lease ends.
struct ClaimedEmail {
    var id: Int64
    var recipient: String
    var attempts: Int
    var reference: StoredReference
}

/// Why a send job needs no sending.
enum ClaimRefusal: Equatable {
    case missing, alreadySent, alreadyFailed, notReady, leasedElsewhere
}

/// What a claim came to: the email is this sender's now, or why not.
enum ClaimOutcome {
    case claimed(ClaimedEmail)
    case refused(ClaimRefusal)
}

/// Reads references and emails, and moves emails between states. Every state change is a
/// conditional update on the state it expects, so two workers never both move one email.
struct EmailStore {
    let database: DatabaseConnection

    func reference(_ id: Int64) throws -> StoredReference? {
        guard
            let row = try database.query("SELECT id, template, payload FROM reference_info WHERE id = ?", [.int(id)])
                .first
        else { return nil }
        return StoredReference(id: id, template: try row.string("template"), payload: try payload(of: row))
    }

    func emails(of referenceID: Int64) throws -> [EmailSnapshot] {
        try database.query(
            "SELECT id, user_id, status FROM email_info WHERE reference_id = ? ORDER BY id", [.int(referenceID)]
        ).map { row in
            EmailSnapshot(
                id: try row.int("id"), recipient: try row.string("user_id"),
                status: EmailStatus(rawValue: try row.string("status")) ?? .pending)
        }
    }

    /// pending → ready; false when another engine did it first.
    func markReady(_ emailID: Int64) throws -> Bool {
        try database.execute(
            "UPDATE email_info SET status = 'ready' WHERE id = ? AND status = 'pending'", [.int(emailID)]
        ).affectedRows == 1
    }

    /// Fails an email that is not final yet; true when this call moved it to failed.
    @discardableResult
    func markFailed(_ emailID: Int64, reason: String, detail: String) throws -> Bool {
        try database.execute(
            """
            UPDATE email_info SET status = 'failed', error_kind = ?, last_error = ?, lease_until = NULL
            WHERE id = ? AND status NOT IN ('sent', 'failed')
            """,
            [.string(reason), .string(detail), .int(emailID)]
        ).affectedRows == 1
    }

    /// Takes an email for sending: ready (or sending with an expired lease) → sending.
    func claim(_ emailID: Int64, lease: Duration, messageID: (Int64) -> String) throws -> ClaimOutcome {
        try database.transaction {
            let rows = try database.query(
                """
                SELECT e.id, e.user_id, e.status, e.attempts, e.lease_until < UTC_TIMESTAMP(6) AS lease_over,
                       r.id AS reference_id, r.template, r.payload
                FROM email_info e JOIN reference_info r ON r.id = e.reference_id
                WHERE e.id = ? FOR UPDATE
                """, [.int(emailID)])
            guard let row = rows.first else { return .refused(.missing) }

            switch EmailStatus(rawValue: try row.string("status")) {
            case .sent: return .refused(.alreadySent)
            case .failed: return .refused(.alreadyFailed)
            case .pending, nil: return .refused(.notReady)
            case .sending where try row.optionalInt("lease_over") != 1: return .refused(.leasedElsewhere)
            case .ready, .sending: break
            }

            try database.execute(
                """
                UPDATE email_info SET status = 'sending', attempts = attempts + 1, message_id = ?,
                    lease_until = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND
                WHERE id = ?
                """,
                [.string(messageID(emailID)), .int(Int64(lease.seconds * 1_000_000)), .int(emailID)])
            let reference = StoredReference(
                id: try row.int("reference_id"), template: try row.string("template"), payload: try payload(of: row))
            return .claimed(
                ClaimedEmail(
                    id: emailID, recipient: try row.string("user_id"), attempts: Int(try row.int("attempts")) + 1,
                    reference: reference))
        }
    }

    func markSent(_ emailID: Int64, address: String) throws {
        try database.execute(
            """
            UPDATE email_info SET status = 'sent', sent_at = UTC_TIMESTAMP(6), email = ?, lease_until = NULL,
                last_error = NULL, error_kind = NULL
            WHERE id = ? AND status = 'sending'
            """,
            [.string(address), .int(emailID)])
    }

    /// sending → ready after a transient failure; the retry comes back through a delay queue.
    func releaseForRetry(_ emailID: Int64, reason: String, detail: String) throws {
        try database.execute(
            """
            UPDATE email_info SET status = 'ready', error_kind = ?, last_error = ?, lease_until = NULL
            WHERE id = ? AND status = 'sending'
            """,
            [.string(reason), .string(detail), .int(emailID)])
    }

    private func payload(of row: DatabaseRow) throws -> JSONObject {
        guard let text = try row.optionalString("payload"),
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return JSONObject([:]) }
        return JSONObject(object)
    }
}
