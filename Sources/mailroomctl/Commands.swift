import AMQP
import Foundation
import MailroomCore
import MailroomWorker
import MariaDB
import Templates

enum Commands {
    static func migrate(_ configuration: MailroomConfiguration, options: CommandOptions) throws {
        let directory =
            options.values["dir"] ?? ProcessInfo.processInfo.environment["MAILROOM_MIGRATIONS_DIR"] ?? "Migrations"
        let database = try DatabaseConnection(configuration: DatabaseConfiguration(url: configuration.databaseURL))
        defer { database.close() }

        let applied = try Migrator(directory: directory).migrate(database)
        print(applied.isEmpty ? "schema up to date" : "applied: \(applied.joined(separator: ", "))")
    }

    static func topology(_ configuration: MailroomConfiguration) throws {
        let catalogue = try Catalogue.load(
            directory: configuration.templatesDirectory, environment: ProcessInfo.processInfo.environment)
        let connection = try AMQPConnection(configuration: AMQPConfiguration(url: configuration.amqpURL))
        defer { connection.close() }

        let topology = Topology(
            eventsExchange: configuration.eventsExchange, ingestRoutingKeys: catalogue.ingestRoutingKeys,
            retryDelays: configuration.retryDelays, deliveryLimit: configuration.deliveryLimit)
        try topology.declare(on: connection)
        print("topology declared: ingest bound to \(catalogue.ingestRoutingKeys.joined(separator: ", "))")
    }

    static func publish(_ configuration: MailroomConfiguration, options: CommandOptions) throws {
        guard let event = options.positional.first else { throw UsageError(message: "publish needs an EVENT name") }
        let data = try options.required("data")
        guard (try? JSONSerialization.jsonObject(with: Data(data.utf8))) != nil else {
            throw UsageError(message: "--data is not valid JSON")
        }
        let connection = try AMQPConnection(configuration: AMQPConfiguration(url: configuration.amqpURL))
        defer { connection.close() }

        let id = options.values["id"] ?? UUID().uuidString.lowercased()
        let properties = AMQPProperties(
            contentType: "application/json", persistent: true, correlationID: options.values["correlation-id"],
            messageID: id, timestamp: Date(), appID: "mailroomctl")
        try connection.publish(
            Array(data.utf8), exchange: configuration.eventsExchange, routingKey: event, properties: properties)
        print("published \(event) \(id)")
    }

    static func render(_ configuration: MailroomConfiguration, options: CommandOptions) throws {
        guard let name = options.positional.first else { throw UsageError(message: "render needs a TEMPLATE name") }
        let catalogue = try Catalogue.load(
            directory: configuration.templatesDirectory, environment: ProcessInfo.processInfo.environment)
        guard let template = catalogue.templates[name] else {
            throw UsageError(
                message: "no template '\(name)'; known: \(catalogue.templates.keys.sorted().joined(separator: ", "))")
        }
        // A file, or the JSON itself as `publish --data` takes it.
        let argument = try options.required("data")
        let inline = argument.first == "{"
        guard let contents = inline ? Data(argument.utf8) : FileManager.default.contents(atPath: argument),
            let data = try? JSONSerialization.jsonObject(with: contents) as? [String: Any]
        else {
            let what = inline ? "--data" : argument
            throw UsageError(message: "\(what) is missing or not a JSON object")
        }

        let message = try TemplatePreview.render(template, data: data, from: configuration.from)
        FileHandle.standardOutput.write(Data(message))
    }
}
