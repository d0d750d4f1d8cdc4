import CRabbitMQ
import Foundation

extension AMQPConnection {
    /// Debian's bundle of trusted authorities, used when no CA file is configured.
    static let systemCABundle = "/etc/ssl/certs/ca-certificates.crt"

    func openSocket(_ state: amqp_connection_state_t) throws {
        let tls = configuration.useTLS
        guard let socket = tls ? amqp_ssl_socket_new(state) : amqp_tcp_socket_new(state) else {
            throw AMQPError(kind: .connectionFailed, message: "librabbitmq could not create a socket")
        }

        if tls {
            let verify: amqp_boolean_t = configuration.verifyPeer ? 1 : 0
            amqp_ssl_socket_set_verify_peer(socket, verify)
            amqp_ssl_socket_set_verify_hostname(socket, verify)

            // librabbitmq 0.11 does not load OpenSSL's default trust store, so name one.
            let caFile = configuration.caCertificateFile ?? Self.systemCABundle
            if configuration.verifyPeer || configuration.caCertificateFile != nil {
                let status = amqp_ssl_socket_set_cacert(socket, caFile)
                guard status == AMQP_STATUS_OK.rawValue else {
                    throw Self.failure(status, "cannot load the CA certificate file \(caFile)")
                }
            }
        }

        var timeout = timeval(configuration.operationTimeout)
        let status = amqp_socket_open_noblock(socket, configuration.host, Int32(configuration.port), &timeout)
        guard status == AMQP_STATUS_OK.rawValue else {
            let target = "\(configuration.host):\(configuration.port)"
            throw Self.failure(status, tls ? "TLS connection to \(target) failed" : "cannot connect to \(target)")
        }
    }

    func logIn(_ state: amqp_connection_state_t) throws {
        var timeout = timeval(configuration.operationTimeout)
        amqp_set_handshake_timeout(state, &timeout)
        amqp_set_rpc_timeout(state, &timeout)

        let arena = CArena()
        var clientProperties = arena.table(clientPropertiesTable())
        // Whole seconds on the wire; anything above zero asks for at least one.
        let heartbeat = configuration.heartbeat.components
        let heartbeatSeconds = Int32(clamping: heartbeat.seconds + (heartbeat.attoseconds > 0 ? 1 : 0))
        let reply = withExtendedLifetime(arena) {
            mailroom_amqp_login_plain(
                state, configuration.virtualHost, 0, Int32(AMQP_DEFAULT_FRAME_SIZE), heartbeatSeconds,
                &clientProperties, configuration.user, configuration.password)
        }

        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            isLoggedIn = true
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            let close = Self.closeReason(reply.reply)
            throw AMQPError(
                kind: .connectionFailed, replyCode: close.code,
                message: "login as \(configuration.user) to vhost \(configuration.virtualHost) refused: \(close.text)")
        default:
            throw Self.failure(reply.library_error, "login as \(configuration.user) failed")
        }
    }

    /// Capabilities librabbitmq does not advertise by itself; without them the broker sends
    /// neither basic.cancel for a deleted queue nor connection.blocked on a resource alarm.
    private func clientPropertiesTable() -> AMQPTable {
        var properties: AMQPTable = [
            "capabilities": .table([
                "publisher_confirms": true,
                "consumer_cancel_notify": true,
                "connection.blocked": true,
                "basic.nack": true,
                "authentication_failure_close": true,
                "exchange_exchange_bindings": true,
            ])
        ]
        if let name = configuration.connectionName {
            properties["connection_name"] = .string(name)
        }
        return properties
    }

    static func failure(_ status: Int32, _ what: String) -> AMQPError {
        AMQPError(kind: .connectionFailed, message: "\(what): \(statusText(status))")
    }

    static func statusText(_ status: Int32) -> String {
        amqp_error_string2(status).map { String(cString: $0) } ?? "librabbitmq status \(status)"
    }
}
