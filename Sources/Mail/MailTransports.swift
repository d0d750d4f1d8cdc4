/// Makes the transport a DSN names: `smtp://…`, `smtps://…`, `file:///dir` or `null://`.
public enum MailTransports {
    public static func make(dsn: String) throws -> MailTransport {
        let scheme = dsn.prefix { $0 != ":" }.lowercased()
        switch scheme {
        case "smtp", "smtps":
            return try SMTPTransport(url: dsn)
        case "file":
            guard dsn.lowercased().hasPrefix("file://"), case let path = String(dsn.dropFirst("file://".count)),
                path.hasPrefix("/")
            else {
                throw MailTransportConfigurationError(reason: "a file DSN must be file:///absolute/dir")
            }
            return try FileTransport(directory: path.removingPercentEncoding ?? path)
        case "null":
            return NullTransport()
        default:
            throw MailTransportConfigurationError(
                reason: "unknown mailer scheme \"\(scheme)\" (smtp, smtps, file, null)")
        }
    }
}
