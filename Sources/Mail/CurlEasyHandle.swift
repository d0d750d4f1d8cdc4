import CCurl

/// curl_global_init is not thread-safe; a global's initialiser runs exactly once.
private let curlGlobalInitResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// Owns one libcurl easy handle and the buffers libcurl points into.
///
/// Not thread-safe: a curl easy handle may never be used from two threads at once.
final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(MailTransportConfigurationError) {
        guard curlGlobalInitResult == CURLE_OK, let handle = curl_easy_init() else {
            throw MailTransportConfigurationError(reason: "libcurl could not be initialised")
        }
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        _ = mailroom_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) throws(MailTransportConfigurationError) {
        try check(mailroom_curl_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: String?) throws(MailTransportConfigurationError) {
        try check(mailroom_curl_setopt_string(handle, option, value), option)
    }

    func set(_ option: CURLoption, largeValue: Int64) throws(MailTransportConfigurationError) {
        try check(mailroom_curl_setopt_off_t(handle, option, curl_off_t(largeValue)), option)
    }

    func set(_ option: CURLoption, list: CurlStringList?) throws(MailTransportConfigurationError) {
        try check(mailroom_curl_setopt_slist(handle, option, list?.head), option)
    }

    /// Points every callback of libcurl at `conversation`, which must outlive this handle.
    func attach(_ conversation: SMTPConversation) throws(MailTransportConfigurationError) {
        let context = Unmanaged.passUnretained(conversation).toOpaque()
        for option in [CURLOPT_READDATA, CURLOPT_XFERINFODATA, CURLOPT_DEBUGDATA] {
            try check(mailroom_curl_setopt_pointer(handle, option, context), option)
        }

        try check(mailroom_curl_setopt_read_function(handle, curlRead), CURLOPT_READFUNCTION)
        try check(mailroom_curl_setopt_write_function(handle, curlDiscard), CURLOPT_WRITEFUNCTION)
        try check(mailroom_curl_setopt_xferinfo_function(handle, curlProgress), CURLOPT_XFERINFOFUNCTION)
        try check(mailroom_curl_setopt_debug_function(handle, curlDebug), CURLOPT_DEBUGFUNCTION)
        try set(CURLOPT_NOPROGRESS, 0)
        try set(CURLOPT_VERBOSE, 1)
    }

    /// Runs the transfer; on failure returns curl's code and its best description.
    func perform() -> (code: CURLcode, message: String) {
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        guard code != CURLE_OK else { return (code, "") }

        let detail = String(cString: errorBuffer)
        return (code, detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(MailTransportConfigurationError) {
        guard code == CURLE_OK else {
            let why = String(cString: curl_easy_strerror(code))
            throw MailTransportConfigurationError(reason: "libcurl refused option \(option.rawValue): \(why)")
        }
    }
}

/// A curl_slist, freed when the value goes away.
final class CurlStringList {
    fileprivate private(set) var head: UnsafeMutablePointer<curl_slist>?

    init(_ strings: [String]) {
        for string in strings {
            head = curl_slist_append(head, string)
        }
    }

    deinit {
        curl_slist_free_all(head)
    }
}

// The callbacks are C function pointers: they reach their conversation through the context.

private func conversation(_ context: UnsafeMutableRawPointer?) -> SMTPConversation? {
    context.map { Unmanaged<SMTPConversation>.fromOpaque($0).takeUnretainedValue() }
}

private let curlRead: curl_read_callback = { buffer, size, count, context in
    guard let buffer, let conversation = conversation(context) else { return 0 }
    return conversation.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}

/// Replies to commands such as NOOP would otherwise go to standard output.
private let curlDiscard: curl_write_callback = { _, size, count, _ in
    size * count
}

private let curlProgress: curl_xferinfo_callback = { context, _, _, _, _ in
    conversation(context)?.reportProgress()
    return 0
}

/// Only the server's lines are read; what we send (the body included) is ignored.
private let curlDebug: curl_debug_callback = { _, type, data, size, context in
    guard type == CURLINFO_HEADER_IN, let data, let conversation = conversation(context) else { return 0 }
    data.withMemoryRebound(to: UInt8.self, capacity: size) {
        conversation.received(UnsafeBufferPointer(start: $0, count: size))
    }
    return 0
}
