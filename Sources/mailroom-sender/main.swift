import Foundation
import MailroomCore
import MailroomWorker

let runtime = WorkerRuntime(
    name: "mailroom-sender", queue: .send,
    summary: """
        consumes {"emailId": …} from the queue mailroom.send, claims the email, renders its \
        template, composes the MIME message and delivers it through MAILROOM_MAILER_DSN, recording \
        the outcome; transient failures retry with backoff, permanent ones are parked.
        """)
exit(
    runtime.run { context in
        let settings = SenderHandler.Settings(
            from: context.configuration.from, lease: context.configuration.sendLease,
            maxAttempts: context.configuration.maxAttempts)
        return SenderHandler(
            database: try context.openDatabase(), transport: try context.openTransport(),
            catalogue: context.catalogue, settings: settings, logger: context.logger, metrics: context.metrics.delivery)
    })
