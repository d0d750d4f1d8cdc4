import AMQP
import Foundation

/// Lets one consumer of a process at a time take a message that may have killed a worker, so
/// that the others hold nothing the broker would hand back if it kills this one too.
///
/// The broker counts a delivery against its delivery limit whenever it takes it back from a
/// connection that closed, whatever the message did. Were a message that crashes its worker
/// taken while the other consumers of the process held prefetched messages, every crash would
/// count against those innocent messages too, and they would be parked with it.
final class SuspectGate: Sendable {
    private let lock = NSLock()

    /// Runs `body` holding the gate. While waiting for it, keeps `connection` alive (heartbeats),
    /// since the holder may take a whole SMTP conversation. Nil when `stop` is set first.
    func withGate<Result>(
        keeping connection: AMQPConnection, stop: StopSignal, _ body: () throws -> Result
    ) throws -> Result? {
        while !lock.try() {
            if stop.isSet { return nil }
            try connection.pollEvents()
            stop.sleep(.milliseconds(20))
        }
        defer { lock.unlock() }
        return try body()
    }
}
