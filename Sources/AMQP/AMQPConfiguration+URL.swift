extension AMQPConfiguration {
    /// Reads an `amqp://` or `amqps://` URL as RabbitMQ documents it:
    /// `amqp[s]://[user[:password]@][host][:port][/vhost][?query]`.
    ///
    /// User, password and vhost are percent-decoded, so the default vhost "/" is written `%2F`;
    /// a missing or empty vhost also means "/". Query parameters understood: `heartbeat`
    /// (seconds), `connection_timeout` (milliseconds, sets `operationTimeout`), `cacertfile`,
    /// `verify` (`verify_peer` or `verify_none`) and `connection_name`.
    ///
    /// Throws `AMQPError` of kind `.invalidURL` naming the part that is wrong; the message never
    /// contains the password.
    public init(url: String) throws {
        self.init()
        var rest = Substring(url)

        guard let schemeEnd = rest.range(of: "://") else {
            throw AMQPURLParser.invalid("missing scheme; expected amqp:// or amqps://")
        }
        switch rest[..<schemeEnd.lowerBound].lowercased() {
        case "amqp": useTLS = false
        case "amqps": useTLS = true
        default: throw AMQPURLParser.invalid("scheme must be amqp or amqps")
        }
        rest = rest[schemeEnd.upperBound...]

        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring?
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }

        if let at = rest.lastIndex(of: "@") {
            try readUserInfo(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        try readHostAndPort(rest)

        if let path, !path.isEmpty {
            guard !path.contains("/") else {
                throw AMQPURLParser.invalid("vhost contains an unencoded '/'; write it as %2F")
            }
            virtualHost = try AMQPURLParser.percentDecode(path, part: "vhost")
        }
        if let query {
            try readQuery(query)
        }
    }

    private mutating func readUserInfo(_ userInfo: Substring) throws {
        if let colon = userInfo.firstIndex(of: ":") {
            user = try AMQPURLParser.percentDecode(userInfo[..<colon], part: "user")
            password = try AMQPURLParser.percentDecode(userInfo[userInfo.index(after: colon)...], part: "password")
        } else {
            user = try AMQPURLParser.percentDecode(userInfo, part: "user")
        }
    }

    private mutating func readHostAndPort(_ hostAndPort: Substring) throws {
        var portText: Substring?
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else {
                throw AMQPURLParser.invalid("IPv6 host lacks its closing ']'")
            }
            host = String(hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close])
            let after = hostAndPort[hostAndPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw AMQPURLParser.invalid("unexpected text after IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = hostAndPort.lastIndex(of: ":") {
            host = try AMQPURLParser.percentDecode(hostAndPort[..<colon], part: "host")
            portText = hostAndPort[hostAndPort.index(after: colon)...]
        } else {
            host = try AMQPURLParser.percentDecode(hostAndPort, part: "host")
        }

        if host.isEmpty {
            host = "127.0.0.1"
        }
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw AMQPURLParser.invalid("port must be a number from 1 to 65535")
            }
            port = number
        } else {
            port = useTLS ? 5671 : 5672
        }
    }

    private mutating func readQuery(_ query: Substring) throws {
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let value = try AMQPURLParser.percentDecode(parts.count > 1 ? parts[1] : "", part: name)

            switch name {
            case "heartbeat":
                guard let seconds = Int(value), seconds >= 0 else {
                    throw AMQPURLParser.invalid("heartbeat must be a whole number of seconds")
                }
                heartbeat = .seconds(seconds)
            case "connection_timeout":
                guard let milliseconds = Int(value), milliseconds > 0 else {
                    throw AMQPURLParser.invalid("connection_timeout must be a positive number of milliseconds")
                }
                operationTimeout = .milliseconds(milliseconds)
            case "cacertfile":
                caCertificateFile = value
            case "verify":
                guard value == "verify_peer" || value == "verify_none" else {
                    throw AMQPURLParser.invalid("verify must be verify_peer or verify_none")
                }
                verifyPeer = value == "verify_peer"
            case "connection_name":
                connectionName = value
            default:
                throw AMQPURLParser.invalid("unknown query parameter '\(name.prefix(40))'")
            }
        }
    }
}
