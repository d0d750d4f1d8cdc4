#!/usr/bin/env bash
# Mailroom's end-to-end benchmark on the local services (after `bash Deploy/dev/up.sh`, or on
# its own: it starts the services itself). Builds in release mode, compiles the broker
# baseline, then `mailroom-bench run` measures, each phase in its own RabbitMQ virtual host and
# database, with postfix's smtp-sink as the SMTP server, and prints Markdown tables.
#
#   bash Deploy/bench/run.sh [--events 20000] [--copies 1,2] [--rate 300] [--rate-seconds 30]
#                            [--only throughput,latency,baselines] [--keep]
#
#   MAILROOM_BENCH_SCRATCH  SwiftPM scratch path (default: the project's .build, as up.sh uses)
#   MAILROOM_CONCURRENCY, MAILROOM_PREFETCH  passed to the workers
# The report is also written to /tmp/mailroom-bench/report.md, the phases' logs beside it.
# A tiny smoke run (about a minute after the build):
#   bash Deploy/bench/run.sh --events 200 --copies 1 --rate 50 --rate-seconds 2 --only throughput,latency
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work_dir=/tmp/mailroom-bench
mkdir -p "$work_dir"

bash Deploy/dev/start-services.sh

scratch=${MAILROOM_BENCH_SCRATCH:-$root/.build}
echo "bench: building (release)…" >&2
swift build -c release --scratch-path "$scratch" >"$work_dir/build.log" 2>&1 ||
    { tail -n 40 "$work_dir/build.log" >&2; exit 1; }
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
gcc -O2 -Wall -o "$bin/amqp-baseline" Deploy/bench/amqp-baseline.c -lrabbitmq -lpthread

# The workers connect as their own database user, so MariaDB's per-user statistics
# (userstat, on for the run and restored after) count their statements apart from other clients.
mariadb --protocol=socket <<'SQL'
CREATE USER IF NOT EXISTS 'mailroom_bench'@'localhost' IDENTIFIED BY 'mailroom_bench';
CREATE USER IF NOT EXISTS 'mailroom_bench'@'127.0.0.1' IDENTIFIED BY 'mailroom_bench';
GRANT ALL PRIVILEGES ON `mailroom\_bench\_%`.* TO 'mailroom_bench'@'localhost';
GRANT ALL PRIVILEGES ON `mailroom\_bench\_%`.* TO 'mailroom_bench'@'127.0.0.1';
SQL
userstat_before=$(mariadb --protocol=socket -N -e 'SELECT @@userstat')
mariadb --protocol=socket -e 'SET GLOBAL userstat = 1'

name="mailroom_bench_$(date +%H%M%S)_$$"
cleanup() {
    mariadb --protocol=socket -e "SET GLOBAL userstat = $userstat_before" || true
    # What an interrupted run left behind: its virtual hosts, databases and mail dumps.
    for vhost in $(rabbitmqctl -q list_vhosts 2>/dev/null | grep "^$name" || true); do
        rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true
    done
    for database in $(mariadb --protocol=socket -N -e "SHOW DATABASES LIKE '${name}%'" 2>/dev/null || true); do
        mariadb --protocol=socket -e "DROP DATABASE \`$database\`" || true
    done
    rm -rf /dev/shm/"$name"_*
}
trap cleanup EXIT

export MAILROOM_BENCH_NAME=$name
export MAILROOM_BENCH_TOOLCHAIN="$(swift --version 2>&1 | head -n 1)"
export MAILROOM_BENCH_COMMAND="bash Deploy/bench/run.sh${*:+ $*}"
status=0
"$bin/mailroom-bench" run --bin "$bin" --amqp-baseline "$bin/amqp-baseline" --work-dir "$work_dir/$name" "$@" |
    tee "$work_dir/report.md" || status=$?
echo "bench: report in $work_dir/report.md, logs in $work_dir/$name" >&2
# Non-zero only when the bench could not run or an email was lost or duplicated; never for speed.
exit "$status"
