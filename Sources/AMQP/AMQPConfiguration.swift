/// Where and how to connect to the broker.
///
/// Usually made from a URL (`amqp://user:password@host:5672/%2F`); every field can also be set
/// directly.
public struct AMQPConfiguration: Sendable {
    /// Default: "127.0.0.1".
    public var host: String
    /// Default: 5672, or 5671 for amqps.
    public var port: Int
    /// Default: "guest".
    public var user: String
    /// Default: "guest". Never printed by `description`.
    public var password: String
    /// Default: "/".
    public var virtualHost: String
    /// Connect through TLS (amqps://). Default: false.
    public var useTLS: Bool
    /// PEM file of the certificate authorities trusted for the broker's certificate.
    /// Default: nil, meaning the system bundle `/etc/ssl/certs/ca-certificates.crt`.
    public var caCertificateFile: String?
    /// Verify the broker's certificate and host name. Default: true.
    public var verifyPeer: Bool
    /// Heartbeat interval asked of the broker; zero turns heartbeats off. Default: 30 seconds.
    public var heartbeat: Duration
    /// How long to wait for connecting, RPC replies and publisher confirms. Default: 10 seconds.
    public var operationTimeout: Duration
    /// Shown in the management UI and `rabbitmqctl list_connections`. Default: nil.
    public var connectionName: String?

    public init(
        host: String = "127.0.0.1",
        port: Int? = nil,
        user: String = "guest",
        password: String = "guest",
        virtualHost: String = "/",
        useTLS: Bool = false,
        caCertificateFile: String? = nil,
        verifyPeer: Bool = true,
        heartbeat: Duration = .seconds(30),
        operationTimeout: Duration = .seconds(10),
        connectionName: String? = nil
    ) {
        self.host = host
        self.port = port ?? (useTLS ? 5671 : 5672)
        self.user = user
        self.password = password
        self.virtualHost = virtualHost
        self.useTLS = useTLS
        self.caCertificateFile = caCertificateFile
        self.verifyPeer = verifyPeer
        self.heartbeat = heartbeat
        self.operationTimeout = operationTimeout
        self.connectionName = connectionName
    }
}

extension AMQPConfiguration: CustomStringConvertible {
    /// The URL without the password.
    public var description: String {
        let scheme = useTLS ? "amqps" : "amqp"
        let vhost = AMQPURLParser.percentEncode(virtualHost)
        return "\(scheme)://\(user)@\(host):\(port)/\(vhost)"
    }
}
