#!/usr/bin/env bash
# Installs, from Debian's packages, everything Mailroom needs to build, test and run on one
# machine. Safe to run again: apt-get skips what is already there.
set -euo pipefail

packages=(
    pkg-config
    librabbitmq-dev
    libmariadb-dev
    libcurl4-openssl-dev
    libidn2-dev
    libmicrohttpd-dev
    rabbitmq-server
    mariadb-server
    mariadb-client
    python3-aiosmtpd
    python3-pika
    python3-pymysql
    curl
    procps
    psmisc
    prometheus
    # systemd-analyze verifies the units in Deploy/systemd (OperationsTests); nothing is started.
    systemd
    socat
    openssl
    # Deploy/bench: postfix's smtp-sink as the load SMTP server, gcc for the broker baseline.
    postfix
    gcc
)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Keep the packages' own init scripts from starting services: Deploy/dev starts them itself.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
