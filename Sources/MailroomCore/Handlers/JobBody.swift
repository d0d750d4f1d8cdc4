import Foundation

/// Reads the id out of an internal job body such as `{"referenceId": 42}`.
enum JobBody {
    static func id(_ field: String, in message: InboundMessage) throws(MailroomFailure) -> Int64 {
        guard let object = try? JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any] else {
            throw .permanent("invalid_json", "the job body is not a JSON object")
        }
        guard let number = object[field] as? NSNumber, let id = Int64(exactly: number.doubleValue), id > 0 else {
            throw .permanent("missing_field", "the job needs a positive integer '\(field)'")
        }
        return id
    }
}
