#ifndef MAILROOM_CMICROHTTPD_SHIM_H
#define MAILROOM_CMICROHTTPD_SHIM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// MHD_start_daemon is variadic, which Swift cannot call: this passes the few options
/// Mailroom uses. Serving always runs on libmicrohttpd's own thread(s), never the caller's.
/// `address` (an IPv4 or IPv6 socket address holding `port` too) picks the interface;
/// `thread_per_connection` trades the single polling thread for one thread per client;
/// idle clients are dropped after `connection_timeout_seconds`. Errors go to stderr.
static inline struct MHD_Daemon *mailroom_mhd_start_daemon(
    uint16_t port, const struct sockaddr *address, bool ipv6, bool thread_per_connection,
    unsigned int connection_timeout_seconds, MHD_AccessHandlerCallback handler, void *handler_context) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (ipv6) {
        flags |= MHD_USE_IPv6;
    }
    if (thread_per_connection) {
        flags |= MHD_USE_THREAD_PER_CONNECTION;
    } else {
        flags |= MHD_USE_AUTO;
    }
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_context,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
                            MHD_OPTION_END);
}

#endif
