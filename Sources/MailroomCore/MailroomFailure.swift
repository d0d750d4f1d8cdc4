/// Why a message could not be handled, classified so the worker knows what to do with it:
/// a transient failure goes to the next delay queue, a permanent one to the parking queue at
/// once. `reason` is a short stable code an operator can filter on (`invalid_json`,
/// `user_not_found`, `smtp_550`); `detail` says more, without addresses, tokens or bodies.
public struct MailroomFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case transient, permanent
    }

    public var kind: Kind
    public var reason: String
    public var detail: String

    public init(_ kind: Kind, reason: String, detail: String) {
        self.kind = kind
        self.reason = reason
        self.detail = detail
    }

    public static func permanent(_ reason: String, _ detail: String) -> MailroomFailure {
        MailroomFailure(.permanent, reason: reason, detail: detail)
    }

    public static func transient(_ reason: String, _ detail: String) -> MailroomFailure {
        MailroomFailure(.transient, reason: reason, detail: detail)
    }

    public var description: String { "\(kind.rawValue) \(reason): \(detail)" }
}
