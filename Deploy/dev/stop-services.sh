#!/usr/bin/env bash
# Stops what start-services.sh started. Running it twice is harmless.
set -uo pipefail
pkill -f 'Deploy/dev/smtp-sink.py' 2>/dev/null
mariadb-admin --protocol=socket shutdown 2>/dev/null
rabbitmqctl -q stop >/dev/null 2>&1
exit 0
