import Foundation
import MailroomCore
import MailroomWorker

let runtime = WorkerRuntime(
    name: "mailroom-engine", queue: .engine,
    summary: """
        consumes {"referenceId": …} from the queue mailroom.engine, checks what each email's \
        template requires, asks the owning services for missing or stale data (bounded by \
        MAILROOM_REQUEST_TIMEOUT and MAILROOM_REQUEST_MAX_ATTEMPTS), and hands ready emails to the sender.
        """)
exit(
    runtime.run { context in
        let policy = RequestPolicy(
            timeout: context.configuration.requestTimeout, maxAttempts: context.configuration.requestMaxAttempts)
        return EngineHandler(
            database: try context.openDatabase(), catalogue: context.catalogue, policy: policy, logger: context.logger,
            metrics: context.metrics.delivery)
    })
