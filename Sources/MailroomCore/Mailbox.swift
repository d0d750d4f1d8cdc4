import Mail

extension MailAddress {
    /// The same address without a display name, as the envelope sender must be.
    public var bareAddress: MailAddress {
        var copy = self
        copy.displayName = nil
        return copy
    }
}
