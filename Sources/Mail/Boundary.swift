/// A multipart boundary that occurs in none of the encoded parts.
enum Boundary {
    static func make(avoiding parts: [[UInt8]]) -> String {
        while true {
            let random = (0..<4).map { _ in String(UInt32.random(in: .min ... .max), radix: 36) }.joined()
            let boundary = "=_mailroom_\(random)"
            let marker = Array("--\(boundary)".utf8)
            if !parts.contains(where: { $0.contains(subsequence: marker) }) {
                return boundary
            }
        }
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return subsequence.isEmpty }
        for start in 0...(count - subsequence.count) where self[start] == subsequence[0] {
            if self[start..<(start + subsequence.count)].elementsEqual(subsequence) { return true }
        }
        return false
    }
}
