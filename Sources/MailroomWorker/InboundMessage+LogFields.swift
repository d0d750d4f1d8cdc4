import Foundation
import MailroomCore

extension InboundMessage {
    /// The ids an operator searches the logs by, for every line about this message: the
    /// message and correlation ids, and for Mailroom's own jobs the reference or email the job
    /// is about (read from `{"referenceId": …}` / `{"emailId": …}`; absent when unreadable).
    func logFields(queue: WorkQueue) -> [String: String] {
        var fields = [LogKey.eventID: messageID ?? "", LogKey.correlationID: correlationID ?? ""]
        let job = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        switch queue {
        case .ingest: break
        case .engine: fields[LogKey.referenceID] = (job?["referenceId"] as? NSNumber)?.stringValue
        case .send: fields[LogKey.emailID] = (job?["emailId"] as? NSNumber)?.stringValue
        }
        return fields
    }
}
