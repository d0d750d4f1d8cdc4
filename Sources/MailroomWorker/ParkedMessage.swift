import AMQP
import Foundation
import MailroomCore

/// A message in a parking queue as an operator sees it: why it is there, from where, and how
/// often it was tried. Parked either by Mailroom (`FailureRouter`, headers `x-mailroom-*`) or by
/// the broker (a work queue's delivery limit or a rejection, recorded in `x-death`).
public struct ParkedMessage: Sendable {
    /// Who put the message in the parking queue.
    public enum ParkedBy: String, Sendable, Codable {
        /// `FailureRouter`, after a permanent failure or the last attempt.
        case mailroom
        /// The broker dead-lettered it out of its work queue (delivery limit, rejection, length).
        case broker
    }

    public var parkingQueue: String
    /// The `message_id` property; for a message without one, `body:` and a digest of its body.
    public var id: String
    public var hasMessageID: Bool
    public var parkedBy: ParkedBy
    /// The work queue it belongs to, e.g. `mailroom.send`.
    public var originalQueue: String
    /// The routing key it first arrived with (for ingest, the event name).
    public var routingKey: String
    public var reason: String
    /// `transient`, `permanent`, or `broker`.
    public var errorKind: String
    public var detail: String?
    /// Failed attempts Mailroom recorded (`x-mailroom-attempts`); 0 for a message the broker
    /// parked before any handler failed it (a worker that died on it every time).
    public var attempts: Int
    public var firstFailure: Date?
    public var lastFailure: Date?
    public var replayedAt: Date?
    public var deaths: [DeathRecord]
    public var delivery: AMQPDelivery

    public init(_ delivery: AMQPDelivery, parkingQueue: String) {
        let headers = delivery.properties.headers
        let deaths = (headers[MessageHeader.death]?.arrayValue ?? []).compactMap(DeathRecord.init)
        // The broker's record of leaving a work queue; work queues have no TTL, so any entry
        // for one is the broker parking it (delay queues' entries say "expired").
        let brokerParking = deaths.first { WorkQueue(rawValue: $0.queue) != nil }
        let fallbackQueue = parkingQueue.hasSuffix(".dead") ? String(parkingQueue.dropLast(5)) : parkingQueue

        self.delivery = delivery
        self.parkingQueue = parkingQueue
        self.deaths = deaths
        hasMessageID = !(delivery.properties.messageID ?? "").isEmpty
        id = hasMessageID ? delivery.properties.messageID ?? "" : Self.bodyDigest(delivery.body)
        originalQueue =
            headers[MessageHeader.originalQueue]?.stringValue ?? brokerParking?.queue ?? fallbackQueue
        // Without a record, the queue's name: what Mailroom's own jobs are published with.
        routingKey =
            headers[MessageHeader.routingKey]?.stringValue ?? brokerParking?.routingKeys.first ?? originalQueue
        replayedAt = headers[MessageHeader.replayedAt]?.dateValue

        // Not the broker's x-delivery-count: in a parking queue it counts how often operators'
        // scans looked at the message, not how often a worker tried it.
        attempts = Int(headers[MessageHeader.attempts]?.integerValue ?? 0)
        if let brokerParking {
            parkedBy = .broker
            reason = brokerParking.reason
            errorKind = "broker"
            detail = "dead-lettered by the broker out of \(brokerParking.queue) (\(brokerParking.reason))"
            firstFailure = headers[MessageHeader.firstFailure]?.dateValue ?? brokerParking.time
            lastFailure = brokerParking.time
        } else {
            parkedBy = .mailroom
            reason = headers[MessageHeader.reason]?.stringValue ?? "unknown"
            errorKind = headers[MessageHeader.errorKind]?.stringValue ?? "unknown"
            detail = headers[MessageHeader.detail]?.stringValue
            firstFailure = headers[MessageHeader.firstFailure]?.dateValue
            lastFailure = headers[MessageHeader.lastFailure]?.dateValue
        }
    }

    /// The properties of the copy a replay publishes: everything kept but the failure cycle and
    /// the broker's own bookkeeping; the original routing key and the replay time added.
    public func replayProperties(at now: Date) -> AMQPProperties {
        var properties = delivery.properties
        properties.persistent = true
        let bookkeeping = [
            MessageHeader.death, MessageHeader.deliveryCount, Topology.delayHeader, Topology.legacyDelayHeader,
        ]
        for name in MessageHeader.failureCycle + bookkeeping {
            properties.headers[name] = nil
        }
        for name in properties.headers.keys where name.hasPrefix("x-first-death-") || name.hasPrefix("x-last-death-") {
            properties.headers[name] = nil
        }
        properties.headers[MessageHeader.routingKey] = .string(routingKey)
        properties.headers[MessageHeader.originalQueue] = .string(originalQueue)
        properties.headers[MessageHeader.replayedAt] = .timestamp(now)
        properties.headers[MessageHeader.replayedReason] = .string(reason)
        return properties
    }

    /// A stable name for a message that has no `message_id`: 64-bit FNV-1a of the body, in hex.
    /// Not a security digest; two identical bodies share it, and an operator acting on one acts
    /// on both.
    static func bodyDigest(_ body: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "body:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// One entry of the broker's `x-death` header: the message left `queue` for `reason`
/// (`rejected`, `expired`, `delivery_limit`, `maxlen`) `count` times, the last at `time`.
public struct DeathRecord: Sendable, Codable, Equatable {
    public var queue: String
    public var reason: String
    public var count: Int
    public var time: Date?
    public var exchange: String?
    public var routingKeys: [String]

    init?(_ value: AMQPFieldValue) {
        guard let table = value.tableValue, let queue = table["queue"]?.stringValue else { return nil }
        self.queue = queue
        reason = table["reason"]?.stringValue ?? "unknown"
        count = Int(table["count"]?.integerValue ?? 1)
        time = table["time"]?.dateValue
        exchange = table["exchange"]?.stringValue
        routingKeys = (table["routing-keys"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
