/// An AMQP failure, with what a caller needs to decide what to do next.
///
/// `message` names what failed and the broker's reply text; it never contains a password
/// or a message body.
public struct AMQPError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The connection URL is malformed; `message` names the part.
        case invalidURL
        /// TCP, TLS or login failed while connecting.
        case connectionFailed
        /// The connection is gone: closed by the broker, the network or a missed heartbeat.
        case connectionClosed
        /// The broker closed the channel (for example 404 NOT_FOUND, 406 PRECONDITION_FAILED).
        /// The connection has already opened a fresh channel; consumers must be started again.
        case channelClosed
        /// A mandatory message could not be routed (`replyCode` 312 NO_ROUTE).
        case returned
        /// The broker refused responsibility for a published message (basic.nack).
        case nacked
        /// No reply or confirm came within the configured time.
        case timeout
        /// The broker cancelled a consumer, for example because its queue was deleted.
        case consumerCancelled
        /// The broker sent something this client does not understand.
        case protocolError
    }

    public var kind: Kind
    /// The AMQP reply code when the broker gave one (312, 404, 406, 320, …).
    public var replyCode: UInt16?
    public var message: String

    /// Set when the failure left the connection unusable even though `kind` alone would not say so
    /// (an RPC that timed out closes the connection).
    var connectionIsUnusable: Bool

    public init(kind: Kind, replyCode: UInt16? = nil, message: String) {
        self.kind = kind
        self.replyCode = replyCode
        self.message = message
        self.connectionIsUnusable = false
    }

    init(kind: Kind, replyCode: UInt16? = nil, message: String, connectionIsUnusable: Bool) {
        self.init(kind: kind, replyCode: replyCode, message: message)
        self.connectionIsUnusable = connectionIsUnusable
    }

    /// True when the connection is unusable and the caller must make a new one.
    public var requiresReconnect: Bool {
        switch kind {
        case .connectionFailed, .connectionClosed, .protocolError: true
        case .invalidURL: false
        case .channelClosed, .returned, .nacked, .timeout, .consumerCancelled: connectionIsUnusable
        }
    }

    public var description: String {
        let code = replyCode.map { " \($0)" } ?? ""
        return "AMQP \(kind)\(code): \(message)"
    }
}
