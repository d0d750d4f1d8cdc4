import Mail
import MailroomCore
import MariaDB

extension WorkerRuntime.Context {
    /// A new database connection for one consumer.
    public func openDatabase() throws -> DatabaseConnection {
        try DatabaseConnection(configuration: DatabaseConfiguration(url: configuration.databaseURL))
    }

    /// A new mail transport for one consumer, from `MAILROOM_MAILER_DSN`.
    public func openTransport() throws -> MailTransport {
        try MailTransports.make(dsn: configuration.mailerDSN)
    }
}
