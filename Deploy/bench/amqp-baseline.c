/*
 * The broker's own limit on this machine, as a ratio for Mailroom's figures: persistent
 * messages published with publisher confirms to one durable queue, consumed with manual acks
 * by a second connection, the way Mailroom's workers use RabbitMQ. Prints one line of JSON.
 *
 *   amqp-baseline HOST PORT USER PASSWORD VHOST QUEUE_TYPE MESSAGES WINDOW
 *
 * QUEUE_TYPE is quorum or classic. WINDOW is how many publishes may await their confirm:
 * 1 is what a Mailroom consumer does (publish, wait for the confirm, then ack), a large
 * window is the most the broker takes from one publisher.
 *
 * Build: gcc -O2 -o amqp-baseline amqp-baseline.c -lrabbitmq -lpthread
 */
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct settings {
    const char *host, *user, *password, *vhost, *queue_type;
    int port;
    long messages;
    long window;
    char queue[64];
};

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die_on_reply(amqp_rpc_reply_t reply, const char *what) {
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
    fprintf(stderr, "amqp-baseline: %s failed (reply type %d, library error %d)\n", what, reply.reply_type,
            reply.library_error);
    exit(1);
}

static amqp_connection_state_t open_connection(const struct settings *s) {
    amqp_connection_state_t conn = amqp_new_connection();
    amqp_socket_t *socket = amqp_tcp_socket_new(conn);
    if (!socket || amqp_socket_open(socket, s->host, s->port) != AMQP_STATUS_OK) {
        fprintf(stderr, "amqp-baseline: cannot connect to %s:%d\n", s->host, s->port);
        exit(1);
    }
    die_on_reply(amqp_login(conn, s->vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, s->user, s->password), "login");
    amqp_channel_open(conn, 1);
    die_on_reply(amqp_get_rpc_reply(conn), "channel.open");
    return conn;
}

static void declare_queue(amqp_connection_state_t conn, const struct settings *s) {
    amqp_table_entry_t entry;
    entry.key = amqp_cstring_bytes("x-queue-type");
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = amqp_cstring_bytes(s->queue_type);
    amqp_table_t arguments = {1, &entry};
    amqp_queue_declare(conn, 1, amqp_cstring_bytes(s->queue), 0, 1, 0, 0, arguments);
    die_on_reply(amqp_get_rpc_reply(conn), "queue.declare");
}

/* Publishes every message, keeping at most `window` unconfirmed. */
static void *publish_all(void *argument) {
    const struct settings *s = argument;
    amqp_connection_state_t conn = open_connection(s);
    amqp_confirm_select(conn, 1);
    die_on_reply(amqp_get_rpc_reply(conn), "confirm.select");

    char body[256];
    memset(body, 'x', sizeof body);
    amqp_basic_properties_t props;
    props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
    props.delivery_mode = 2;
    props.content_type = amqp_cstring_bytes("application/json");

    long published = 0, confirmed = 0;
    while (confirmed < s->messages) {
        while (published < s->messages && published - confirmed < s->window) {
            amqp_bytes_t content = {sizeof body, body};
            if (amqp_basic_publish(conn, 1, amqp_empty_bytes, amqp_cstring_bytes(s->queue), 1, 0, &props, content) !=
                AMQP_STATUS_OK) {
                fprintf(stderr, "amqp-baseline: publish failed\n");
                exit(1);
            }
            published++;
        }
        amqp_frame_t frame;
        if (amqp_simple_wait_frame(conn, &frame) != AMQP_STATUS_OK) {
            fprintf(stderr, "amqp-baseline: connection lost while waiting for confirms\n");
            exit(1);
        }
        if (frame.frame_type != AMQP_FRAME_METHOD) continue;
        if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
            amqp_basic_ack_t *ack = frame.payload.method.decoded;
            confirmed = ack->multiple ? (long)ack->delivery_tag : confirmed + 1;
        } else if (frame.payload.method.id == AMQP_BASIC_NACK_METHOD ||
                   frame.payload.method.id == AMQP_BASIC_RETURN_METHOD) {
            fprintf(stderr, "amqp-baseline: the broker refused or returned a message\n");
            exit(1);
        }
        amqp_maybe_release_buffers(conn);
    }
    amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 9) {
        fprintf(stderr, "usage: %s HOST PORT USER PASSWORD VHOST QUEUE_TYPE MESSAGES WINDOW\n", argv[0]);
        return 2;
    }
    struct settings s = {argv[1], argv[3], argv[4], argv[5], argv[6], atoi(argv[2]), atol(argv[7]), atol(argv[8])};
    snprintf(s.queue, sizeof s.queue, "bench.baseline.%s.%ld", s.queue_type, (long)getpid());

    amqp_connection_state_t conn = open_connection(&s);
    declare_queue(conn, &s);
    amqp_basic_qos(conn, 1, 0, 100, 0);
    die_on_reply(amqp_get_rpc_reply(conn), "basic.qos");
    amqp_basic_consume(conn, 1, amqp_cstring_bytes(s.queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
    die_on_reply(amqp_get_rpc_reply(conn), "basic.consume");

    double started = now_seconds();
    pthread_t publisher;
    pthread_create(&publisher, NULL, publish_all, &s);

    for (long received = 0; received < s.messages; received++) {
        amqp_envelope_t envelope;
        amqp_maybe_release_buffers(conn);
        die_on_reply(amqp_consume_message(conn, &envelope, NULL, 0), "consume");
        amqp_basic_ack(conn, 1, envelope.delivery_tag, 0);
        amqp_destroy_envelope(&envelope);
    }
    double elapsed = now_seconds() - started;
    pthread_join(publisher, NULL);

    amqp_queue_delete(conn, 1, amqp_cstring_bytes(s.queue), 0, 0);
    amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn);
    printf("{\"queue_type\": \"%s\", \"window\": %ld, \"messages\": %ld, \"seconds\": %.3f, \"per_second\": %.0f}\n",
           s.queue_type, s.window, s.messages, elapsed, s.messages / elapsed);
    return 0;
}
