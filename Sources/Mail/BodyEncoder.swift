import Foundation

/// A body part ready for the wire, with the transfer encoding that suits it.
struct EncodedBody {
    var transferEncoding: String
    var octets: [UInt8]
}

/// Encodes a text body: line ends normalised to CRLF first, then 7bit when every line is
/// short ASCII, quoted-printable when most of it is ASCII, base64 otherwise.
enum BodyEncoder {
    /// Longest line written as is; also the longest quoted-printable and base64 line.
    static let maximumLineLength = 76

    static func encode(_ text: String) -> EncodedBody {
        let octets = normalisingLineEnds(Array(text.utf8))
        let lines = octets.split(separator: 0x0A, omittingEmptySubsequences: false)

        let isPlain = lines.allSatisfy { line in
            line.count <= maximumLineLength + 1
                && line.allSatisfy { $0 == 0x0D || $0 == 0x09 || (0x20..<0x7F).contains($0) }
        }
        if isPlain {
            return EncodedBody(transferEncoding: "7bit", octets: octets)
        }

        let needingEscape = octets.count { $0 >= 0x80 || $0 == UInt8(ascii: "=") }
        if needingEscape * 4 > octets.count {
            return EncodedBody(transferEncoding: "base64", octets: base64Lines(octets))
        }
        return EncodedBody(transferEncoding: "quoted-printable", octets: QuotedPrintable.encode(octets))
    }

    /// Every CRLF, lone LF and lone CR becomes CRLF.
    static func normalisingLineEnds(_ octets: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(octets.count + octets.count / 32)

        var index = 0
        while index < octets.count {
            let octet = octets[index]
            if octet == 0x0D {
                result += [0x0D, 0x0A]
                if index + 1 < octets.count && octets[index + 1] == 0x0A { index += 1 }
            } else if octet == 0x0A {
                result += [0x0D, 0x0A]
            } else {
                result.append(octet)
            }
            index += 1
        }
        return result
    }

    private static func base64Lines(_ octets: [UInt8]) -> [UInt8] {
        let encoded = Array(Base64.encode(octets).utf8)
        var result: [UInt8] = []
        for start in stride(from: 0, to: encoded.count, by: maximumLineLength) {
            result += encoded[start..<min(start + maximumLineLength, encoded.count)] + [0x0D, 0x0A]
        }
        return result
    }
}

enum Base64 {
    static func encode(_ octets: [UInt8]) -> String {
        Data(octets).base64EncodedString()
    }
}
