/// One mailbox: an optional display name and an address, checked when it is made.
///
/// The domain is kept in its ASCII form (an internationalised domain becomes punycode), so
/// the address can go into an SMTP envelope as it is. The local part is kept as given: a
/// dot-atom such as `jane.doe+receipts`, a quoted local part such as `"jane doe"`, or a
/// UTF-8 local part such as `jörg`, which needs a server that offers SMTPUTF8.
public struct MailAddress: Sendable, Equatable {
    /// The name shown to people; the composer replaces any CR, LF or NUL in it with a space.
    public var displayName: String?

    /// The local part as given: may be UTF-8 or a quoted local part like `"jane doe"`.
    public var localPart: String

    /// The ASCII form of the domain (IDN → punycode, e.g. `xn--bcher-kva.example`).
    public var domain: String

    /// `localPart@domain`, as it goes in the envelope.
    public var address: String { "\(localPart)@\(domain)" }

    /// Whether the local part holds non-ASCII characters, so delivery needs SMTPUTF8.
    public var requiresSMTPUTF8: Bool { !localPart.utf8.allSatisfy { $0 < 0x80 } }

    /// Validates: no CR, LF or NUL anywhere (in the address or the name); a dot-atom or quoted
    /// local part; a valid domain. Throws `MailAddressError` with a reason.
    public init(_ address: String, displayName: String? = nil) throws {
        if AddressSyntax.containsLineBreakOrNUL(address) {
            throw MailAddressError(reason: "the address contains CR, LF or NUL")
        }
        if let displayName, AddressSyntax.containsLineBreakOrNUL(displayName) {
            throw MailAddressError(reason: "the display name contains CR, LF or NUL")
        }

        guard let at = address.lastIndex(of: "@") else {
            throw MailAddressError(reason: "the address has no @")
        }
        let localPart = String(address[..<at])
        try AddressSyntax.checkLocalPart(localPart)
        let domain = try AddressSyntax.asciiDomain(String(address[address.index(after: at)...]))

        let fullLength = localPart.utf8.count + 1 + domain.utf8.count
        if fullLength > 254 {
            throw MailAddressError(reason: "the address is longer than 254 octets")
        }

        self.displayName = displayName
        self.localPart = localPart
        self.domain = domain
    }

    /// Reads a mailbox written as `Name <local@domain>`, `"Name" <local@domain>` or a bare
    /// `local@domain`, as an operator would write it in configuration.
    public init(mailbox: String) throws {
        let text = mailbox.trimmingWhitespace()
        guard text.hasSuffix(">"), let open = text.lastIndex(of: "<") else {
            try self.init(text)
            return
        }

        let address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        var name = String(text[..<open]).trimmingWhitespace()
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = AddressSyntax.unquote(String(name.dropFirst().dropLast()))
        }
        try self.init(address, displayName: name.isEmpty ? nil : name)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
