/// Why a string is not an acceptable address.
public struct MailAddressError: Error, Sendable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "invalid email address: \(reason)" }
}
