/// The HTTP server could not start: a bad port or address, or the port is taken.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    public var port: Int
    public var message: String

    public init(port: Int, message: String) {
        self.port = port
        self.message = message
    }

    public var description: String {
        "HTTP server on port \(port): \(message)"
    }
}
