#ifndef MAILROOM_CMICROHTTPD_SHIM_H
#define MAILROOM_CMICROHTTPD_SHIM_H

// No _GNU_SOURCE here: it changes glibc's fd_set, which must match the one Swift's Glibc
// module already holds, or the module does not build.
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// libmicrohttpd's own messages (a failed bind, a broken client) as one JSON line each on
/// stderr, like every other log line of a worker, instead of its bare text.
static inline void mailroom_mhd_log_json(void *context, const char *format, va_list arguments) {
    (void)context;
    char text[512];
    vsnprintf(text, sizeof text, format, arguments);
    char escaped[sizeof text * 6 + 1];
    size_t length = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c != 0; c++) {
        if (*c == '"' || *c == '\\') {
            escaped[length++] = '\\';
            escaped[length++] = (char)*c;
        } else if (*c < 0x20) {
            if (*c != '\n') {
                length += (size_t)snprintf(escaped + length, 7, "\\u%04x", *c);
            }
        } else {
            escaped[length++] = (char)*c;
        }
    }
    escaped[length] = 0;
    char now[32] = "";
    time_t seconds = time(NULL);
    struct tm utc;
    if (gmtime_r(&seconds, &utc) != NULL) {
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &utc);
    }
#ifdef __GLIBC__
    // glibc's name of the running program; declared here since errno.h needs _GNU_SOURCE for it.
    extern char *program_invocation_short_name;
    const char *worker = program_invocation_short_name;
#else
    const char *worker = getprogname();
#endif
    fprintf(stderr,
            "{\"time\":\"%s\",\"level\":\"warning\",\"worker\":\"%s\",\"message\":\"libmicrohttpd: %s\"}\n",
            now, worker, escaped);
}

/// MHD_start_daemon is variadic, which Swift cannot call: this passes the few options
/// Mailroom uses. Serving always runs on libmicrohttpd's own thread(s), never the caller's.
/// `address` (an IPv4 or IPv6 socket address holding `port` too) picks the interface;
/// `thread_per_connection` trades the single polling thread for one thread per client;
/// idle clients are dropped after `connection_timeout_seconds`. Errors go to stderr as JSON lines.
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
    // The logger first: libmicrohttpd reports problems with later options through it.
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_context,
                            MHD_OPTION_EXTERNAL_LOGGER, mailroom_mhd_log_json, NULL,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
                            MHD_OPTION_END);
}

#endif
