import CCurl
import Foundation

/// curl_global_init is not thread-safe; a global's initialiser runs exactly once.
private let curlReady: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

/// One HTTP GET through libcurl, with basic authentication, for operator commands (RabbitMQ's
/// management API). Blocking; bodies up to a few megabytes are kept in memory.
public enum HTTPGet {
    public struct Reply: Sendable {
        public var status: Int
        public var body: Data
    }

    /// The request could not be made or got no answer; `message` never holds the password.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var url: String
        public var message: String
        public var description: String { "GET \(url): \(message)" }
    }

    /// GETs `url` (no user or password in it) with these credentials, waiting at most `timeout`.
    public static func fetch(
        _ url: String, user: String? = nil, password: String? = nil, timeout: Duration = .seconds(10)
    ) throws(Failure) -> Reply {
        guard curlReady, let handle = curl_easy_init() else {
            throw Failure(url: url, message: "libcurl could not be initialised")
        }
        defer { curl_easy_cleanup(handle) }

        let body = ResponseBody()
        let context = Unmanaged.passUnretained(body).toOpaque()
        var code = mailroom_curl_setopt_string(handle, CURLOPT_URL, url)
        code = code == CURLE_OK ? mailroom_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https") : code
        code = code == CURLE_OK ? mailroom_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1) : code
        code = code == CURLE_OK ? mailroom_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeout.milliseconds) : code
        code = code == CURLE_OK ? mailroom_curl_setopt_write_function(handle, collectBody) : code
        code = code == CURLE_OK ? mailroom_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context) : code
        if let user, code == CURLE_OK {
            code = mailroom_curl_setopt_string(handle, CURLOPT_USERNAME, user)
            code = code == CURLE_OK ? mailroom_curl_setopt_string(handle, CURLOPT_PASSWORD, password ?? "") : code
        }
        guard code == CURLE_OK else {
            throw Failure(url: url, message: String(cString: curl_easy_strerror(code)))
        }

        let performed = withExtendedLifetime(body) { curl_easy_perform(handle) }
        guard performed == CURLE_OK else {
            throw Failure(url: url, message: String(cString: curl_easy_strerror(performed)))
        }
        var status = 0
        _ = mailroom_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Reply(status: status, body: body.data)
    }
}

/// What libcurl wrote, reached from its C callback through the context pointer.
private final class ResponseBody {
    var data = Data()
}

private let collectBody: curl_write_callback = { bytes, size, count, context in
    guard let bytes, let context else { return 0 }
    let body = Unmanaged<ResponseBody>.fromOpaque(context).takeUnretainedValue()
    body.data.append(UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: size * count)
    return size * count
}

extension Duration {
    fileprivate var milliseconds: Int {
        Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}
