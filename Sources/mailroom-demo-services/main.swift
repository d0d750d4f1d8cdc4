import Foundation
import MailroomCore
import MailroomWorker

let usage = """
    mailroom-demo-services: a development stand-in for the services that own data (the user
    service first). It consumes their request events (e.g. userFetchInfo) from the events
    exchange and answers each from a fixture file, echoing the correlation_id; an unknown key
    is answered with {"error": "not_found"}.

    Usage: mailroom-demo-services [--fixtures Deploy/demo/services.json] [--queue demo.services]
                                  [--silent-for SECONDS] [--ignore-first N]

      --silent-for    ignore requests for this long after start (to play a silent service)
      --ignore-first  ignore the first N requests, then answer (a service silent for a while)

    Environment:
      MAILROOM_AMQP_URL         broker, amqp:// or amqps:// (default amqp://guest:guest@127.0.0.1:5672/%2F)
      MAILROOM_EVENTS_EXCHANGE  topic exchange of external events (default events)
      MAILROOM_LOG_LEVEL        debug, info, warning or error (default info)
    """

if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
    print(usage)
    exit(0)
}

do {
    let service = try DemoServices(arguments: Array(CommandLine.arguments.dropFirst()))
    exit(service.run())
} catch {
    FileHandle.standardError.write(Data("mailroom-demo-services: \(error)\n".utf8))
    exit(2)
}
