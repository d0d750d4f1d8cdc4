/// Quoted-printable (RFC 2045 section 6.7) for bodies whose line ends are already CRLF.
///
/// Hard line breaks stay CRLF; longer lines get soft breaks (`=` CRLF) so that no encoded
/// line passes 76 characters; a space or tab before a line end is encoded so no transport
/// can strip it.
enum QuotedPrintable {
    static func encode(_ octets: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(octets.count * 11 / 10)

        var lineStart = 0
        var index = 0
        while index <= octets.count {
            let atEnd = index == octets.count
            if atEnd || (octets[index] == 0x0D && index + 1 < octets.count && octets[index + 1] == 0x0A) {
                encodeLine(octets[lineStart..<index], into: &result)
                if atEnd { break }
                result += [0x0D, 0x0A]
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        return result
    }

    private static func encodeLine(_ line: ArraySlice<UInt8>, into result: inout [UInt8]) {
        var column = 0
        for index in line.indices {
            let octet = line[index]
            let isLast = index == line.index(before: line.endIndex)
            let piece = encoded(octet, isLastOfLine: isLast)

            // Room for the piece plus a soft break "=", unless it ends the line.
            let limit = isLast ? BodyEncoder.maximumLineLength : BodyEncoder.maximumLineLength - 1
            if column + piece.count > limit {
                result += Array("=\r\n".utf8)
                column = 0
            }
            result += piece
            column += piece.count
        }
    }

    private static func encoded(_ octet: UInt8, isLastOfLine: Bool) -> [UInt8] {
        let isWhitespace = octet == 0x20 || octet == 0x09
        let isLiteral = (33...126).contains(octet) && octet != UInt8(ascii: "=")
        if isLiteral || (isWhitespace && !isLastOfLine) {
            return [octet]
        }
        return Array(("=" + Hex.byte(octet)).utf8)
    }
}
