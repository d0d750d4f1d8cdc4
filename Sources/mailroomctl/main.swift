import Foundation
import MailroomCore

let usage = """
    mailroomctl: Mailroom's operator command.

    Usage:
      mailroomctl migrate [--dir Migrations]      apply the SQL migrations not applied yet
      mailroomctl topology                        declare exchanges, work, delay and parking queues
      mailroomctl publish EVENT --data JSON [--id EVENT_ID] [--correlation-id ID]
                                                  publish an event on the events exchange, as an upstream service would
      mailroomctl render TEMPLATE --data FILE|JSON  print the message the template makes from this data
                                                  ({"event": {…}, "user": {…}, …}: the render context)
    \(DeadLetterCommands.usage)
    \(StatusCommand.usage)
    \(TraceCommand.usage)
      mailroomctl --help

    Environment:
    \(MailroomConfiguration.documentation)
      MAILROOM_MIGRATIONS_DIR        SQL migrations (default Migrations)
      MAILROOM_MANAGEMENT_URL        RabbitMQ management API for status (default http://<broker host>:15672,
                                     with the broker's user and password unless the URL has its own)
    """

var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first, !["--help", "-h", "help"].contains(command) else {
    print(usage)
    exit(arguments.isEmpty ? 2 : 0)
}
arguments.removeFirst()

do {
    // `dead` reads its own words: its flags (--all, --json) take no value.
    let options = try CommandOptions(["dead", "status", "trace"].contains(command) ? [] : arguments)
    let configuration = try MailroomConfiguration()
    switch command {
    case "migrate": try Commands.migrate(configuration, options: options)
    case "topology": try Commands.topology(configuration)
    case "publish": try Commands.publish(configuration, options: options)
    case "render": try Commands.render(configuration, options: options)
    case "dead": try DeadLetterCommands.run(arguments, configuration: configuration)
    case "status": exit(try StatusCommand.run(arguments, configuration: configuration))
    case "trace": exit(try TraceCommand.run(arguments, configuration: configuration))
    default:
        FileHandle.standardError.write(Data("mailroomctl: unknown command '\(command)'\n\n\(usage)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("mailroomctl \(command): \(error)\n".utf8))
    exit(1)
}
