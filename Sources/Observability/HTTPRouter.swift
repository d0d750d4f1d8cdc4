import CMicroHTTPD

/// The routes of one HTTPServer, reached from libmicrohttpd's callback through its `cls`.
final class HTTPRouter: Sendable {
    let routes: [String: @Sendable () -> HTTPServer.Response]

    init(routes: [String: @Sendable () -> HTTPServer.Response]) {
        self.routes = routes
    }

    /// 405 for methods other than GET and HEAD, 404 for unknown paths, else the route's answer.
    /// libmicrohttpd drops the body of a HEAD response by itself.
    func response(method: String, path: String) -> (HTTPServer.Response, allow: String?) {
        guard method == "GET" || method == "HEAD" else {
            let refusal = HTTPServer.Response(status: 405, body: "method not allowed\n")
            return (refusal, allow: "GET, HEAD")
        }
        guard let route = routes[path] else {
            return (HTTPServer.Response(status: 404, body: "not found\n"), allow: nil)
        }
        return (route(), allow: nil)
    }
}

/// libmicrohttpd's request callback, a C function pointer (`@convention(c)`, via the
/// typealias); `context` is the `cls` pointer: the server's retained HTTPRouter.
///
/// Answers on the first call for each request, without reading any request body: a 405 to a
/// POST then makes libmicrohttpd close the connection after the response, which is fine here.
let handleHTTPRequest: MHD_AccessHandlerCallback = { context, connection, url, method, _, _, _, _ in
    guard let context, let connection, let url, let method else { return .NO }
    let router = Unmanaged<HTTPRouter>.fromOpaque(context).takeUnretainedValue()
    let (response, allow) = router.response(
        method: String(cString: method), path: String(cString: url))

    var body = response.body
    let reply = body.withUTF8 { bytes in
        MHD_create_response_from_buffer(
            bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let reply else { return .NO }
    defer { MHD_destroy_response(reply) }

    MHD_add_response_header(reply, "Content-Type", response.contentType)
    if let allow {
        MHD_add_response_header(reply, "Allow", allow)
    }
    return MHD_queue_response(connection, UInt32(clamping: response.status), reply)
}
