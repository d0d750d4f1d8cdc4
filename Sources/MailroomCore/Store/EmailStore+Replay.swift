import MariaDB

/// The database side of replaying a parked send job (`mailroomctl dead replay`): a send job is
/// parked together with its email marked failed, and the sender skips a failed email, so the
/// email must be made sendable again before its job goes back.
public enum SendJobReplay {
    public enum Outcome: Equatable, Sendable {
        /// failed → ready, attempts back to 0: the replayed job will send it.
        case reopened(emailID: Int64)
        /// Not failed (sent, ready, sending, or gone): the job goes back unchanged and the
        /// sender does what its state says (a sent email stays sent).
        case unchanged(emailID: Int64)
        /// The body names no email; the job goes back and the sender parks it again.
        case notASendJob
    }

    /// Reopens the email a send job names when it failed. Committed on its own, before the job
    /// is published: if the replay stops in between, the email waits as `ready` and the parked
    /// job stays, so a second replay (or the sweeper) finishes the work and nothing is lost.
    public static func reopen(jobBody: [UInt8], database: DatabaseConnection) throws -> Outcome {
        guard let emailID = try? JobBody.id("emailId", in: InboundMessage(routingKey: "", body: jobBody)) else {
            return .notASendJob
        }
        let changed = try database.execute(
            """
            UPDATE email_info SET status = 'ready', attempts = 0, lease_until = NULL
            WHERE id = ? AND status = 'failed'
            """,
            [.int(emailID)])
        return changed.affectedRows == 1 ? .reopened(emailID: emailID) : .unchanged(emailID: emailID)
    }
}
