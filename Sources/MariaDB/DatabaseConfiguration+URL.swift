import Foundation

extension DatabaseConfiguration {
    /// Reads `mariadb://user:password@host:port/database`, percent-decoding each part.
    ///
    /// Options: `socket=/run/mysqld/mysqld.sock` (host may then be empty), `tls=true`, and
    /// `ca=/path/ca.pem` (needs `tls=true`). The `mysql://` scheme is accepted too. Errors
    /// are `.invalidURL` and name what is wrong, never the password.
    public init(url: String) throws {
        guard let schemeEnd = url.range(of: "://"),
            ["mariadb", "mysql"].contains(url[..<schemeEnd.lowerBound].lowercased())
        else {
            throw Self.invalid("it must start with mariadb://")
        }
        var rest = url[schemeEnd.upperBound...]

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }

        // The user information ends at the last "@", so an unencoded "@" or "/" in the
        // password still reads as intended.
        guard let at = rest.lastIndex(of: "@") else {
            throw Self.invalid("it names no user (mariadb://user:password@host/database)")
        }
        let userInfo = rest[..<at]
        let location = rest[rest.index(after: at)...]
        guard let slash = location.firstIndex(of: "/") else {
            throw Self.invalid("it names no database (…@host:port/database)")
        }

        let (rawUser, rawPassword) = Self.split(userInfo, at: ":")
        let (host, port) = try Self.hostAndPort(location[..<slash])
        self.init(
            host: host,
            port: port,
            user: try Self.decoded(rawUser, part: "user"),
            password: try Self.decoded(rawPassword ?? "", part: "password"),
            database: try Self.decoded(location[location.index(after: slash)...], part: "database")
        )

        guard !user.isEmpty else {
            throw Self.invalid("the user is empty")
        }
        guard !database.isEmpty, !database.contains("/") else {
            throw Self.invalid("the database name is empty or contains '/'")
        }
        try applyOptions(query)
        guard !self.host.isEmpty || unixSocket != nil else {
            throw Self.invalid("the host is empty and no socket is given")
        }
        if self.host.isEmpty {
            self.host = "localhost"
        }
    }

    private mutating func applyOptions(_ query: Substring) throws {
        for pair in query.split(separator: "&") {
            let (name, rawValue) = Self.split(pair, at: "=")
            let value = try Self.decoded(rawValue ?? "", part: "option \(name)")
            switch name {
            case "socket":
                guard value.hasPrefix("/") else {
                    throw Self.invalid("the socket must be an absolute path")
                }
                unixSocket = value
            case "tls":
                guard let flag = ["true": true, "1": true, "false": false, "0": false][value] else {
                    throw Self.invalid("tls must be true or false")
                }
                useTLS = flag
            case "ca":
                tlsCAFile = value
            default:
                throw Self.invalid("unknown option '\(name)' (known: socket, tls, ca)")
            }
        }
        if tlsCAFile != nil && !useTLS {
            throw Self.invalid("the ca option needs tls=true")
        }
    }

    private static func hostAndPort(_ text: Substring) throws -> (String, Int) {
        var host = text
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw invalid("an IPv6 host lacks its closing ']'")
            }
            let after = host[host.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else {
                throw invalid("an IPv6 host must be followed by ':port' or nothing")
            }
            portText = after.isEmpty ? nil : after.dropFirst()
            host = host[host.index(after: host.startIndex)..<close]
        } else {
            (host, portText) = split(host, at: ":")
        }

        guard let portText else {
            return (try decoded(host, part: "host"), 3306)
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw invalid("the port must be a number from 1 to 65535")
        }
        return (try decoded(host, part: "host"), port)
    }

    private static func split(_ text: Substring, at separator: Character) -> (Substring, Substring?) {
        guard let index = text.firstIndex(of: separator) else {
            return (text, nil)
        }
        return (text[..<index], text[text.index(after: index)...])
    }

    /// Percent-decodes one part; `part` names it in the error, the text itself never appears.
    private static func decoded(_ text: Substring, part: String) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw invalid("the \(part) contains a malformed percent escape")
            }
            bytes.append(high << 4 | low)
        }

        let string = String(decoding: bytes, as: UTF8.self)
        guard Array(string.utf8) == bytes else {
            throw invalid("the \(part) is not valid UTF-8 once decoded")
        }
        return string
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func invalid(_ reason: String) -> DatabaseError {
        DatabaseError(kind: .invalidURL, message: "invalid database URL: \(reason)")
    }
}
