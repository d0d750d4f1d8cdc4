#!/usr/bin/env bash
# Stops the workers up.sh started (SIGTERM: they finish the message in hand and exit).
set -uo pipefail
run_dir=/run/mailroom-dev
for pid_file in "$run_dir"/*.pid; do
    [ -e "$pid_file" ] || continue
    pid=$(cat "$pid_file")
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
    rm -f "$pid_file"
done
exit 0
