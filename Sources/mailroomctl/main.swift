import Foundation
import MailroomCore

let usage = """
    mailroomctl: Mailroom's operator command.

    Usage:
      mailroomctl migrate [--dir Migrations]      apply the SQL migrations not applied yet
      mailroomctl topology                        declare exchanges, work, delay and parking queues
      mailroomctl publish EVENT --data JSON [--id EVENT_ID] [--correlation-id ID]
                                                  publish an event on the events exchange, as an upstream service would
      mailroomctl render TEMPLATE --data FILE.json  print the message the template makes from this data
                                                  ({"event": {…}, "user": {…}, …}: the render context)
      mailroomctl --help

    Environment:
    \(MailroomConfiguration.documentation)
      MAILROOM_MIGRATIONS_DIR        SQL migrations (default Migrations)
    """

var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first, !["--help", "-h", "help"].contains(command) else {
    print(usage)
    exit(arguments.isEmpty ? 2 : 0)
}
arguments.removeFirst()

do {
    let options = try CommandOptions(arguments)
    let configuration = try MailroomConfiguration()
    switch command {
    case "migrate": try Commands.migrate(configuration, options: options)
    case "topology": try Commands.topology(configuration)
    case "publish": try Commands.publish(configuration, options: options)
    case "render": try Commands.render(configuration, options: options)
    default:
        FileHandle.standardError.write(Data("mailroomctl: unknown command '\(command)'\n\n\(usage)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("mailroomctl \(command): \(error)\n".utf8))
    exit(1)
}
