/// Accepts every message and delivers none: for tests and dry runs.
public final class NullTransport: MailTransport {
    public init() {}

    public func send(_ message: [UInt8], envelope: MailEnvelope, progress: (() -> Void)?) throws -> MailDeliveryReceipt
    {
        MailDeliveryReceipt()
    }

    public func close() {}
}
