// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Mailroom",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mailroom-ingest", targets: ["mailroom-ingest"]),
        .executable(name: "mailroom-engine", targets: ["mailroom-engine"]),
        .executable(name: "mailroom-sender", targets: ["mailroom-sender"]),
        .executable(name: "mailroom-sweeper", targets: ["mailroom-sweeper"]),
        .executable(name: "mailroomctl", targets: ["mailroomctl"]),
        .executable(name: "mailroom-demo-services", targets: ["mailroom-demo-services"]),
        .executable(name: "mailroom-bench", targets: ["mailroom-bench"]),
    ],
    targets: [
        // C libraries from Debian's -dev packages, one shim header each.
        .systemLibrary(name: "CRabbitMQ", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"])]),
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CIDN2", pkgConfig: "libidn2", providers: [.apt(["libidn2-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),

        // Swift faces of the C libraries; they know nothing about email.
        .target(name: "AMQP", dependencies: ["CRabbitMQ"]),
        .target(name: "MariaDB", dependencies: ["CMariaDB"]),
        // Metrics and the health/metrics HTTP endpoint; knows nothing about email.
        .target(name: "Observability", dependencies: ["CMicroHTTPD"]),

        // Mail composition and transports, templates, the domain, the worker runtime.
        .target(name: "Mail", dependencies: ["CCurl", "CIDN2"]),
        .target(name: "Templates"),
        // Observability: handlers count emails and provider answers (see DeliveryMetrics).
        .target(name: "MailroomCore", dependencies: ["MariaDB", "Mail", "Templates", "Observability"]),
        // CCurl: `mailroomctl status` reads RabbitMQ's management API (ManagementClient).
        .target(
            name: "MailroomWorker",
            dependencies: ["AMQP", "MariaDB", "Mail", "MailroomCore", "Observability", "CCurl"]),

        // Thin executables.
        .executableTarget(name: "mailroom-ingest", dependencies: ["MailroomWorker"]),
        .executableTarget(name: "mailroom-engine", dependencies: ["MailroomWorker"]),
        .executableTarget(name: "mailroom-sender", dependencies: ["MailroomWorker"]),
        .executableTarget(name: "mailroom-sweeper", dependencies: ["MailroomWorker"]),
        .executableTarget(name: "mailroomctl", dependencies: ["MailroomWorker"]),
        .executableTarget(name: "mailroom-demo-services", dependencies: ["MailroomWorker"]),
        // Deploy/bench/run.sh: the end-to-end benchmark and its user-service stand-in.
        .executableTarget(
            name: "mailroom-bench", dependencies: ["AMQP", "MariaDB", "MailroomCore", "MailroomWorker"]),

        .testTarget(name: "AMQPTests", dependencies: ["AMQP"]),
        .testTarget(name: "MariaDBTests", dependencies: ["MariaDB"]),
        .testTarget(name: "MailTests", dependencies: ["Mail"]),
        .testTarget(name: "TemplatesTests", dependencies: ["Templates"]),
        .testTarget(name: "MailroomCoreTests", dependencies: ["MailroomCore"]),
        .testTarget(name: "ObservabilityTests", dependencies: ["Observability"]),
        .testTarget(name: "IntegrationTests", dependencies: ["MailroomWorker", "AMQP", "MariaDB"]),
    ]
)
