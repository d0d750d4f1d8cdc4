#!/usr/bin/python3
"""SMTP sink for development and tests, with faults to inject on demand.

Every accepted message is written atomically as <n>.eml, then <n>.json with the envelope:
{"mail_from", "rcpt_tos", "mail_options", "received_at", "connection"} ("connection" numbers
the SMTP connections that delivered something). The .json is written last, so a reader that
waits for it sees a whole .eml. Prints "listening on PORT" once ready (--port 0 picks a free
port). Needs Debian's python3-aiosmtpd: run it with /usr/bin/python3.
"""
import argparse
import asyncio
import itertools
import json
import logging
import os
import re
import signal
import sys
import warnings
from datetime import datetime, timezone

from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    def __init__(self, args):
        self.mail_dir = args.mail_dir
        self.replies = [r.strip() for r in args.data_replies.split(",")]
        self.delay_data = args.delay_data
        self.drops_left = args.drop_after_rcpt
        self.data_count = 0
        self.connections = itertools.count(1)
        # Numbering goes on after the messages already in the directory.
        kept = [int(name[:-5]) for name in os.listdir(self.mail_dir) if re.fullmatch(r"\d+\.json", name)]
        self.numbers = itertools.count(max(kept, default=0) + 1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        if self.drops_left > 0:
            self.drops_left -= 1
            await server.push("250 OK")
            server.transport.close()  # the reply aiosmtpd sends for the return value is lost
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = self.replies[min(self.data_count, len(self.replies) - 1)]
        self.data_count += 1
        print(f"DATA {self.data_count} reply {reply.split()[0]}", flush=True)  # tests count these lines
        if self.delay_data:
            await asyncio.sleep(self.delay_data)
        if reply == "drop":
            server.transport.close()
            return "421 closing"  # never reaches the client
        if reply.startswith("2"):
            self.keep(session, envelope)
        return reply

    def keep(self, session, envelope):
        if not hasattr(session, "sink_connection"):
            session.sink_connection = next(self.connections)
        n = next(self.numbers)
        record = {
            "connection": session.sink_connection,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "received_at": datetime.now(timezone.utc).isoformat(),
        }
        self.write(f"{n}.eml", envelope.original_content)
        self.write(f"{n}.json", json.dumps(record).encode())

    def write(self, name, data):
        temporary = os.path.join(self.mail_dir, f".{name}.tmp")
        with open(temporary, "wb") as f:
            f.write(data)
        os.replace(temporary, os.path.join(self.mail_dir, name))


def authenticator_for(credentials):
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd replies 535 itself

    return authenticate


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=2525)
    p.add_argument("--mail-dir", required=True)
    p.add_argument("--data-replies", default="250 OK",
                   help='comma-separated reply per message, in order, the last repeating, e.g. '
                        '"451,550 5.1.1 No such user,250"; "drop" closes the connection instead')
    p.add_argument("--delay-data", type=float, default=0,
                   help="seconds to wait after the message's final dot before replying")
    p.add_argument("--no-smtputf8", action="store_true", help="do not advertise SMTPUTF8")
    p.add_argument("--drop-after-rcpt", type=int, default=0, metavar="N",
                   help="close the connection after RCPT for the first N messages")
    p.add_argument("--auth", metavar="USER:PASS", help="require AUTH PLAIN/LOGIN with these credentials")
    args = p.parse_args()
    # A parent may start us with SIGTERM blocked (Swift's Process does); stopping must work.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    os.makedirs(args.mail_dir, exist_ok=True)

    loop = asyncio.new_event_loop()
    sink = Sink(args)
    options = dict(enable_SMTPUTF8=not args.no_smtputf8, hostname="mailroom-sink", loop=loop)
    if args.auth:
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        logging.getLogger("mail.log").setLevel(logging.ERROR)  # the same complaint, per connection
        options.update(authenticator=authenticator_for(args.auth), auth_required=True, auth_require_tls=False)
    server = loop.run_until_complete(loop.create_server(lambda: SMTP(sink, **options), "127.0.0.1", args.port))
    print(f"listening on {server.sockets[0].getsockname()[1]}", flush=True)
    loop.run_forever()


if __name__ == "__main__":
    sys.exit(main())
