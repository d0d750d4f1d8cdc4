import Foundation
import MailroomCore
import MailroomWorker

let runtime = WorkerRuntime(
    name: "mailroom-ingest", queue: .ingest,
    summary: """
        consumes external events from the queue mailroom.ingest (triggers and provider answers), \
        stores references, emails and data idempotently on the event id, and asks the engine to \
        look at each reference it touched.
        """)
exit(
    runtime.run { context in
        IngestHandler(
            database: try context.openDatabase(), catalogue: context.catalogue, logger: context.logger,
            metrics: context.metrics.delivery)
    })
