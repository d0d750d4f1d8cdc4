import Mail
import MailroomCore
import MariaDB

extension WorkerRuntime.Context {
    /// A new database connection for one consumer; its transactions are timed in `metrics`.
    public func openDatabase() throws -> DatabaseConnection {
        let database = try DatabaseConnection(configuration: DatabaseConfiguration(url: configuration.databaseURL))
        database.transactionObserver = { [metrics] duration, committed in
            metrics.transaction(seconds: duration.seconds, committed: committed)
        }
        return database
    }

    /// A new mail transport for one consumer, from `MAILROOM_MAILER_DSN`.
    public func openTransport() throws -> MailTransport {
        try MailTransports.make(dsn: configuration.mailerDSN)
    }
}
