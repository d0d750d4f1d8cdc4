#!/usr/bin/env bash
# Brings everything up on one machine and runs the main job: installs what is missing, starts
# RabbitMQ, MariaDB and the SMTP sink, builds in release mode, migrates, declares the topology,
# starts one copy of each worker, the sweeper and the demo user service, publishes demo events
# and waits until their mails arrive. Running it again restarts the workers on the new build.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
mail_dir=${MAILROOM_DEV_MAIL_DIR:-/var/lib/mailroom-dev/mail}
log_dir=/var/log/mailroom-dev
run_dir=/run/mailroom-dev
mkdir -p "$log_dir" "$run_dir"

bash Deploy/dev/start-services.sh
source Deploy/dev/env.sh
echo "building (release; the first build takes a few minutes)…" >&2
swift build -c release >"$log_dir/build.log" 2>&1 || { tail -n 40 "$log_dir/build.log" >&2; exit 1; }
bin=$(swift build -c release --show-bin-path)

"$bin/mailroomctl" migrate
# The broker may still be settling (a restart by another script): try the topology a few times.
for attempt in 1 2 3 4 5 6; do
    "$bin/mailroomctl" topology && break
    [ "$attempt" -lt 6 ] || { echo "the broker did not take the topology; see rabbitmqctl status" >&2; exit 1; }
    sleep 5
done

bash Deploy/dev/stop-workers.sh
start() {
    local name=$1; shift
    (setsid "$bin/$name" "$@" >>"$log_dir/$name.log" 2>&1 & echo $! >"$run_dir/$name.pid")
}
start mailroom-ingest
start mailroom-engine
start mailroom-sender
start mailroom-sweeper --every 30s
start mailroom-demo-services --fixtures Deploy/demo/services.json
sleep 2

before=$(find "$mail_dir" -name '*.eml' | wc -l)
for user in u-1001 u-1002 u-1003 u-1004 u-1005; do
    token=$(printf '%06d' $((RANDOM * 7 % 1000000)))
    "$bin/mailroomctl" publish authAccessTokenCreated --data "{\"userId\": \"$user\", \"accessToken\": \"$token\"}" >/dev/null
done
"$bin/mailroomctl" publish authAccessTokenCreated --data '{"userId": "u-404", "accessToken": "000000"}' >/dev/null
echo "published 6 demo events (5 known users, 1 unknown)" >&2

for _ in $(seq 1 60); do
    now=$(find "$mail_dir" -name '*.eml' | wc -l)
    [ $((now - before)) -ge 5 ] && break
    sleep 1
done
now=$(find "$mail_dir" -name '*.eml' | wc -l)

cat <<TEXT
Mailroom is up.
  delivered now:      $((now - before)) new mails in $mail_dir (one .eml per message; open with any mail reader)
  newest mail:        $(ls -t "$mail_dir"/*.eml 2>/dev/null | head -n 1)
  RabbitMQ dashboard: http://127.0.0.1:15672 (user mailroom, password mailroom)
  worker metrics:     http://127.0.0.1:9101/metrics (ingest), :9102 (engine), :9103 (sender), :9104 (sweeper); /healthz, /readyz
  status:             source Deploy/dev/env.sh; $bin/mailroomctl status
  worker logs:        $log_dir/*.log (JSON lines)
  email states:       mariadb -e "SELECT id, user_id, email, status, last_error FROM mailroom.email_info ORDER BY id DESC LIMIT 10"
  publish more:       source Deploy/dev/env.sh; $bin/mailroomctl publish authAccessTokenCreated --data '{"userId":"u-1001","accessToken":"123456"}'
  stop:               bash Deploy/dev/down.sh
TEXT
[ $((now - before)) -ge 5 ] || { echo "fewer mails than expected: see $log_dir" >&2; exit 1; }
