/// The headers Mailroom adds to a message it retries or parks, so an operator can see why and
/// replay it to where it came from.
public enum MessageHeader {
    public static let attempts = "x-mailroom-attempts"
    public static let routingKey = "x-mailroom-routing-key"
    public static let originalQueue = "x-mailroom-original-queue"
    public static let reason = "x-mailroom-reason"
    public static let errorKind = "x-mailroom-error-kind"
    public static let detail = "x-mailroom-detail"
    public static let firstFailure = "x-mailroom-first-failure"
    public static let lastFailure = "x-mailroom-last-failure"
}
