import CRabbitMQ

/// One TCP (or TLS) connection to the broker with one channel in publisher-confirm mode, used
/// for both publishing and consuming.
///
/// Not thread-safe: librabbitmq must not be used from two threads at once, so a connection
/// belongs to the one thread that made it. librabbitmq services heartbeats only inside its own
/// calls: a thread busy elsewhere for longer than about two heartbeat intervals loses the
/// connection unless it calls `pollEvents()` now and then.
///
/// When the broker closes the channel (404, 406, …) the operation throws `.channelClosed` and
/// the connection opens a fresh channel at once, so it stays usable; consumers on the old
/// channel are gone and must be started again. Any error whose `requiresReconnect` is true
/// means this object is finished: make a new connection.
public final class AMQPConnection {
    let configuration: AMQPConfiguration
    /// nil once closed or lost; librabbitmq's state is freed at that moment.
    var state: amqp_connection_state_t?
    var isLoggedIn = false
    var channel: amqp_channel_t = 0
    var channelGeneration = 0
    var prefetchCount: UInt16?
    var confirms = ConfirmTracker()
    /// Deliveries read while waiting for something else, handed out by `nextDelivery`.
    var bufferedDeliveries: [AMQPDelivery] = []
    /// Consumers the broker cancelled and the caller has not yet been told about.
    var cancelledConsumers: [String] = []
    var consumerTags: Set<String> = []

    /// True after the broker sent connection.blocked (a resource alarm) and until it sends
    /// connection.unblocked. Publishes wait, and time out, while it lasts.
    public internal(set) var isBlocked = false

    /// Connects, logs in and opens the channel, within `operationTimeout` for each step.
    /// Throws `.connectionFailed` naming the step; nothing is left open when it throws.
    public init(configuration: AMQPConfiguration) throws {
        self.configuration = configuration
        guard let state = amqp_new_connection() else {
            throw AMQPError(kind: .connectionFailed, message: "librabbitmq could not allocate a connection")
        }
        self.state = state

        do {
            try openSocket(state)
            try logIn(state)
            try openChannel()
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    /// Whether the connection can still be used.
    public var isOpen: Bool {
        state != nil
    }

    /// Closes the connection politely (waiting up to `operationTimeout` for the broker's reply)
    /// and frees it. Unacknowledged deliveries go back to their queues. Safe to call twice.
    public func close() {
        guard let state else { return }

        if isLoggedIn {
            _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
        }
        discard()
    }

    /// The live librabbitmq state, or `.connectionClosed` when there is none.
    func openState() throws -> amqp_connection_state_t {
        guard let state else {
            throw AMQPError(kind: .connectionClosed, message: "the connection is closed; make a new one")
        }
        return state
    }

    /// Frees librabbitmq's state without talking to the broker; used when the connection is
    /// lost or closed. Nothing read from the state may be used afterwards.
    func discard() {
        if let state {
            amqp_destroy_connection(state)
        }
        state = nil
        bufferedDeliveries.removeAll()
        consumerTags.removeAll()
        isBlocked = false
    }
}
