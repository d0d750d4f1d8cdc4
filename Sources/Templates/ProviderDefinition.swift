import Foundation

/// A service that owns data Mailroom needs, as described in `providers.json`: how to ask it
/// (request event and key field), how it answers (response event and fields), where the answer
/// is cached (a table keyed by one column) and for how long.
public struct ProviderDefinition: Sendable, Equatable {
    public var name: String
    /// The cache table, e.g. `user_info`.
    public var table: String
    /// The table's key column, e.g. `user_id`.
    public var keyColumn: String
    /// Every data column of the table that templates may use.
    public var columns: [String]
    public var requestEvent: String
    /// The JSON field of the request that carries the key, e.g. `userId`.
    public var requestKeyField: String
    public var responseEvent: String
    public var responseKeyField: String
    /// A JSON field whose presence in an answer means the provider could not supply the data.
    public var responseErrorField: String?
    /// Answer field → column.
    public var responseFields: [String: String]
    /// How long an answer stays fresh.
    public var timeToLive: Duration
    /// An environment variable that overrides `timeToLive` when set.
    public var timeToLiveVariable: String?
}

extension ProviderDefinition {
    /// The columns an answer fills.
    public var answeredColumns: Set<String> { Set(responseFields.values) }
}
