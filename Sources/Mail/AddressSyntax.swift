import CIDN2

/// The rules of RFC 5321/5322 (with RFC 6531's UTF-8) for the parts of an address.
enum AddressSyntax {
    /// Characters an atom may hold besides letters and digits (RFC 5322 `atext`).
    static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    static func containsLineBreakOrNUL(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    /// Whether an octet may stand in an atom; octets of UTF-8 characters may (RFC 6531).
    static func isAtext(_ octet: UInt8) -> Bool {
        switch octet {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...:
            true
        default: atextSymbols.contains(octet)
        }
    }

    static func checkLocalPart(_ localPart: String) throws {
        let octets = Array(localPart.utf8)
        if octets.isEmpty { throw MailAddressError(reason: "the local part is empty") }
        if octets.count > 64 { throw MailAddressError(reason: "the local part is longer than 64 octets") }

        if octets.first == UInt8(ascii: "\"") {
            try checkQuotedLocalPart(octets)
        } else {
            try checkDotAtom(octets)
        }
    }

    private static func checkDotAtom(_ octets: [UInt8]) throws {
        let atoms = octets.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if atoms.contains(where: \.isEmpty) {
            throw MailAddressError(reason: "the local part has a leading, trailing or double dot")
        }
        if !octets.allSatisfy({ $0 == UInt8(ascii: ".") || isAtext($0) }) {
            throw MailAddressError(reason: "the local part holds a character that needs quoting")
        }
    }

    /// A quoted local part: printable ASCII or UTF-8 between quotes; `\` escapes one character.
    private static func checkQuotedLocalPart(_ octets: [UInt8]) throws {
        guard octets.count >= 2, octets.last == UInt8(ascii: "\"") else {
            throw MailAddressError(reason: "the quoted local part is not closed")
        }

        var index = 1
        while index < octets.count - 1 {
            let octet = octets[index]
            if octet == UInt8(ascii: "\\") {
                index += 1
                guard index < octets.count - 1, (0x20...0x7E).contains(octets[index]) else {
                    throw MailAddressError(reason: "the quoted local part has a bad escape")
                }
            } else if octet == UInt8(ascii: "\"") || (octet < 0x20) || octet == 0x7F {
                throw MailAddressError(reason: "the quoted local part holds a bare quote or control character")
            }
            index += 1
        }
    }

    /// The ASCII form of a domain: checked label by label, non-ASCII labels through libidn2.
    static func asciiDomain(_ domain: String) throws -> String {
        if domain.isEmpty { throw MailAddressError(reason: "the domain is empty") }
        if domain.hasPrefix("[") { throw MailAddressError(reason: "address literals are not supported") }

        let ascii = domain.utf8.allSatisfy { $0 < 0x80 } ? domain : try punycode(domain)
        if ascii.utf8.count > 253 { throw MailAddressError(reason: "the domain is longer than 253 octets") }

        for label in ascii.split(separator: ".", omittingEmptySubsequences: false) {
            try checkLabel(label.utf8)
        }
        return ascii
    }

    private static func checkLabel(_ label: Substring.UTF8View) throws {
        if label.isEmpty { throw MailAddressError(reason: "the domain has an empty label") }
        if label.count > 63 { throw MailAddressError(reason: "a domain label is longer than 63 octets") }

        let isLetterDigitHyphen: (UInt8) -> Bool = {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
        }
        if !label.allSatisfy(isLetterDigitHyphen) {
            throw MailAddressError(reason: "the domain holds a character other than letters, digits, hyphens and dots")
        }
        if label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") {
            throw MailAddressError(reason: "a domain label starts or ends with a hyphen")
        }
    }

    /// IDNA2008 with the UTS #46 non-transitional mapping, as browsers and mail clients do.
    private static func punycode(_ domain: String) throws -> String {
        var output: UnsafeMutablePointer<CChar>?
        let flags = Int32(IDN2_NFC_INPUT.rawValue | IDN2_NONTRANSITIONAL.rawValue)
        let status = idn2_to_ascii_8z(domain, &output, flags)
        defer { idn2_free(output) }

        guard status == Int32(IDN2_OK.rawValue), let output else {
            let why = idn2_strerror(status).map { String(cString: $0) } ?? "code \(status)"
            throw MailAddressError(reason: "the domain is not a valid internationalised name (\(why))")
        }
        return String(cString: output)
    }

    /// Removes the backslash escapes of a quoted string's content.
    static func unquote(_ content: String) -> String {
        var result = ""
        var escaped = false
        for character in content {
            if !escaped && character == "\\" {
                escaped = true
                continue
            }
            result.append(character)
            escaped = false
        }
        return result
    }
}
