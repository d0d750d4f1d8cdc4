#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A numeric IPv4 or IPv6 address and a port, as the C socket API wants them.
struct ListenAddress {
    private var storage = sockaddr_storage()
    let isIPv6: Bool

    /// `nil` unless `host` is a numeric address such as `0.0.0.0`, `127.0.0.1` or `::`.
    init?(host: String, port: UInt16) {
        var ipv4 = sockaddr_in()
        var ipv6 = sockaddr_in6()

        if inet_pton(AF_INET, host, &ipv4.sin_addr) == 1 {
            ipv4.sin_family = sa_family_t(AF_INET)
            ipv4.sin_port = port.bigEndian
            isIPv6 = false
            withUnsafeBytes(of: ipv4) { copy($0) }
        } else if inet_pton(AF_INET6, host, &ipv6.sin6_addr) == 1 {
            ipv6.sin6_family = sa_family_t(AF_INET6)
            ipv6.sin6_port = port.bigEndian
            isIPv6 = true
            withUnsafeBytes(of: ipv6) { copy($0) }
        } else {
            return nil
        }
    }

    /// Lends the address as a `sockaddr` pointer that must not escape `body`.
    func withSocketAddress<Result>(_ body: (UnsafePointer<sockaddr>) -> Result) -> Result {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1, body)
        }
    }

    private mutating func copy(_ address: UnsafeRawBufferPointer) {
        withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: address) }
    }
}
