#!/usr/bin/env bash
# Starts, without systemd, the services Mailroom needs on one machine: RabbitMQ (with the
# management and prometheus plugins), MariaDB (database `mailroom` and its user) and an
# SMTP sink that keeps every message it receives. Running it twice is harmless.
#
#   MAILROOM_DEV_MAIL_DIR   where the SMTP sink writes received mail (default /var/lib/mailroom-dev/mail)
#   MAILROOM_DEV_SMTP_PORT  the SMTP sink's port (default 2525)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/install.sh"

mail_dir=${MAILROOM_DEV_MAIL_DIR:-/var/lib/mailroom-dev/mail}
smtp_port=${MAILROOM_DEV_SMTP_PORT:-2525}
log_dir=/var/log/mailroom-dev
mkdir -p "$mail_dir" "$log_dir"

start_rabbitmq() {
    if rabbitmqctl -q status >/dev/null 2>&1; then
        return
    fi
    rabbitmq-plugins --offline enable rabbitmq_management rabbitmq_prometheus >/dev/null
    # The broker refuses to run as root; Debian's wrapper switches to the rabbitmq user.
    rabbitmq-server -detached >/dev/null 2>&1 || true
    rabbitmqctl -q wait --timeout 120 /var/lib/rabbitmq/mnesia/rabbit@$(hostname -s).pid >/dev/null 2>&1 ||
        rabbitmqctl -q await_startup --timeout 120 >/dev/null
    rabbitmqctl -q await_startup --timeout 120 >/dev/null
}

start_mariadb() {
    if mariadb-admin --protocol=socket ping >/dev/null 2>&1; then
        return
    fi
    mkdir -p /run/mysqld
    chown mysql:mysql /run/mysqld
    [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    (setsid mariadbd --user=mysql --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --bind-address=127.0.0.1 --max-connections=500 \
        >>"$log_dir/mariadb.log" 2>&1 &)
    for _ in $(seq 1 60); do
        mariadb-admin --protocol=socket ping >/dev/null 2>&1 && return
        sleep 1
    done
    echo "MariaDB did not start; see $log_dir/mariadb.log" >&2
    exit 1
}

create_database() {
    mariadb --protocol=socket <<'SQL'
CREATE DATABASE IF NOT EXISTS mailroom CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'mailroom'@'localhost' IDENTIFIED BY 'mailroom';
CREATE USER IF NOT EXISTS 'mailroom'@'127.0.0.1' IDENTIFIED BY 'mailroom';
GRANT ALL PRIVILEGES ON `mailroom`.* TO 'mailroom'@'localhost';
GRANT ALL PRIVILEGES ON `mailroom`.* TO 'mailroom'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `mailroom\_%`.* TO 'mailroom'@'localhost';
GRANT ALL PRIVILEGES ON `mailroom\_%`.* TO 'mailroom'@'127.0.0.1';
GRANT PROCESS, CONNECTION ADMIN ON *.* TO 'mailroom'@'localhost';
GRANT PROCESS, CONNECTION ADMIN ON *.* TO 'mailroom'@'127.0.0.1';
SQL
}

create_broker_user() {
    rabbitmqctl -q list_users | grep -q '^mailroom' ||
        rabbitmqctl -q add_user mailroom mailroom >/dev/null
    rabbitmqctl -q set_user_tags mailroom administrator >/dev/null
    rabbitmqctl -q set_permissions -p / mailroom '.*' '.*' '.*' >/dev/null
}

start_smtp_sink() {
    if (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; then
        return
    fi
    (setsid /usr/bin/python3 "$here/smtp-sink.py" --port "$smtp_port" --mail-dir "$mail_dir" \
        >>"$log_dir/smtp-sink.log" 2>&1 &)
    for _ in $(seq 1 30); do
        (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null && return
        sleep 0.2
    done
    echo "the SMTP sink did not start; see $log_dir/smtp-sink.log" >&2
    exit 1
}

start_rabbitmq
create_broker_user
start_mariadb
create_database
start_smtp_sink
echo "services up: RabbitMQ amqp://mailroom:mailroom@127.0.0.1:5672 (dashboard http://127.0.0.1:15672)," \
    "MariaDB mariadb://mailroom:mailroom@127.0.0.1:3306/mailroom, SMTP smtp://127.0.0.1:$smtp_port" \
    "(mail in $mail_dir)" >&2
