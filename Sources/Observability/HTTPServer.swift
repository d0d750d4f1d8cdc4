import CMicroHTTPD
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Serves a few routes over HTTP with libmicrohttpd on its own thread. Stops in deinit/stop().
///
/// Each request is answered at once from its route's closure, on libmicrohttpd's polling
/// thread: a slow closure delays the other requests, so routes should only read state.
// @unchecked Sendable: the only mutable state, the daemon handle, sits behind a Mutex, and
// libmicrohttpd allows MHD_stop_daemon from any thread; the routes are immutable and Sendable.
public final class HTTPServer: @unchecked Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: String

        public init(
            status: Int = 200, contentType: String = "text/plain; charset=utf-8", body: String
        ) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    public let port: Int
    private let daemon: Mutex<OpaquePointer?>
    /// The routes, retained on libmicrohttpd's behalf until the daemon has stopped.
    private let router: Unmanaged<HTTPRouter>

    /// `routes` maps a path ("/metrics") to a closure producing the response, called on
    /// libmicrohttpd's thread. Unknown paths → 404; methods other than GET/HEAD → 405.
    ///
    /// Port 0 is NOT allowed here (the caller turns HTTP off instead); binds 0.0.0.0 by default.
    /// `bindAddress` must be a numeric IPv4 or IPv6 address. A port already taken throws
    /// HTTPServerError naming the port. A client idle for `connectionTimeout` (whole seconds;
    /// default 10 seconds) is disconnected.
    public init(
        port: Int, bindAddress: String = "0.0.0.0", connectionTimeout: Duration = .seconds(10),
        routes: [String: @Sendable () -> Response]
    ) throws {
        guard let validPort = UInt16(exactly: port), validPort != 0 else {
            throw HTTPServerError(port: port, message: "the port must be between 1 and 65535")
        }
        guard let address = ListenAddress(host: bindAddress, port: validPort) else {
            let message = "'\(bindAddress)' is not a numeric IP address"
            throw HTTPServerError(port: port, message: message)
        }

        let router = Unmanaged.passRetained(HTTPRouter(routes: routes))
        let timeoutSeconds = UInt32(clamping: max(connectionTimeout.components.seconds, 1))
        let started = address.withSocketAddress { socketAddress in
            mailroom_mhd_start_daemon(
                validPort, socketAddress, address.isIPv6, false, timeoutSeconds,
                handleHTTPRequest, router.toOpaque())
        }

        guard let started else {
            // libmicrohttpd returns only NULL; errno still holds the failed bind's reason.
            let failure = Self.startFailure(errno, port, bindAddress)
            router.release()
            throw HTTPServerError(port: port, message: failure)
        }
        self.port = port
        self.daemon = Mutex(started)
        self.router = router
    }

    deinit {
        stop()
    }

    /// Stops serving, waits for libmicrohttpd's thread to end and frees the port. Idempotent.
    public func stop() {
        let running = daemon.withLock { daemon in
            defer { daemon = nil }
            return daemon
        }
        guard let running else { return }

        MHD_stop_daemon(running)
        router.release()
    }

    /// The library has already written its own message to stderr (MHD_USE_ERROR_LOG).
    private static func startFailure(_ code: Int32, _ port: Int, _ bindAddress: String) -> String {
        if code == EADDRINUSE {
            return "port \(port) is already in use on \(bindAddress)"
        }
        return "could not listen on \(bindAddress):\(port) (errno \(code), see stderr)"
    }
}
