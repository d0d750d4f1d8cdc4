import Foundation
import Templates

/// One piece of data a provider owns: the provider's name and the entity's key (`user`, `u-1001`).
public struct ProviderKey: Hashable, Sendable, CustomStringConvertible {
    public var provider: String
    public var key: String

    public init(provider: String, key: String) {
        self.provider = provider
        self.key = key
    }

    public var description: String { "\(provider):\(key)" }
}

/// What the cache table holds for one key.
public struct CachedRecord: Sendable, Equatable {
    /// Non-empty column values.
    public var values: [String: String]
    /// When the provider last answered; nil when only the trigger's data was stored.
    public var fetchedAt: Date?
    /// What the provider said when it could not answer, such as `not_found`.
    public var fetchError: String?

    public init(values: [String: String], fetchedAt: Date? = nil, fetchError: String? = nil) {
        self.values = values
        self.fetchedAt = fetchedAt
        self.fetchError = fetchError
    }
}

/// The row of the cycle guard for one key.
public struct ProviderRequestState: Sendable, Equatable {
    public enum Status: String, Sendable {
        case pending, answered, exhausted
    }

    public var status: Status
    public var attempts: Int
    public var requestedAt: Date
    /// The id the last request carried; the answer echoes it.
    public var correlationID: String

    public init(status: Status, attempts: Int, requestedAt: Date, correlationID: String = "") {
        self.status = status
        self.attempts = attempts
        self.requestedAt = requestedAt
        self.correlationID = correlationID
    }
}

/// An email's delivery state.
public enum EmailStatus: String, Sendable {
    case pending, ready, sending, sent, failed

    public var isFinal: Bool { self == .sent || self == .failed }
}

public struct EmailSnapshot: Sendable, Equatable {
    public var id: Int64
    /// The recipient's key at the recipients' provider (the user id).
    public var recipient: String
    public var status: EmailStatus

    public init(id: Int64, recipient: String, status: EmailStatus) {
        self.id = id
        self.recipient = recipient
        self.status = status
    }
}

/// How often the engine may ask a provider about one key.
public struct RequestPolicy: Sendable {
    /// `MAILROOM_REQUEST_TIMEOUT`: how long to wait for an answer before asking again.
    public var timeout: Duration
    /// `MAILROOM_REQUEST_MAX_ATTEMPTS`: how many requests for one key in one cycle.
    public var maxAttempts: Int

    public init(timeout: Duration, maxAttempts: Int) {
        self.timeout = timeout
        self.maxAttempts = maxAttempts
    }
}

/// Everything the engine looked at for one reference.
public struct EngineInput: Sendable {
    public var template: TemplateDefinition
    public var providers: [String: ProviderDefinition]
    public var emails: [EmailSnapshot]
    /// The key of each looked-up provider, read from the event (nil when the event lacks it).
    public var lookupKeys: [String: String?]
    public var records: [ProviderKey: CachedRecord]
    public var requests: [ProviderKey: ProviderRequestState]
    public var now: Date
    public var policy: RequestPolicy

    public init(
        template: TemplateDefinition, providers: [String: ProviderDefinition], emails: [EmailSnapshot],
        lookupKeys: [String: String?], records: [ProviderKey: CachedRecord],
        requests: [ProviderKey: ProviderRequestState], now: Date, policy: RequestPolicy
    ) {
        self.template = template
        self.providers = providers
        self.emails = emails
        self.lookupKeys = lookupKeys
        self.records = records
        self.requests = requests
        self.now = now
        self.policy = policy
    }
}

/// A request the engine wants to send: which attempt it is, and the state it was decided on,
/// so that of several engines deciding at once only one wins the row.
public struct PlannedRequest: Sendable, Equatable {
    public var key: ProviderKey
    public var attempt: Int
    public var previous: ProviderRequestState?
}

/// Why an email cannot be sent; permanent.
public struct EmailFailure: Sendable, Equatable {
    public var reason: String
    public var detail: String
}

/// What the engine decided for one reference.
public struct EngineDecision: Sendable, Equatable {
    /// Emails with everything present: mark ready and hand to the sender.
    public var ready: [Int64] = []
    /// Of `ready`, those going out with stale cached data because a provider stayed silent.
    public var readyWithStaleData: [Int64: [ProviderKey]] = [:]
    public var failed: [Int64: EmailFailure] = [:]
    public var requests: [PlannedRequest] = []
    /// Keys this reference waits for, so an answer wakes it.
    public var waitingFor: Set<ProviderKey> = []
    /// Requests that ran out of attempts (mark the row exhausted).
    public var exhausted: Set<ProviderKey> = []

    public init() {}
}
