#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, starts the services the integration
# tests use, builds once, runs every suite in parallel, then the suites that disrupt a server
# (names ending in DisruptionTests) one at a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash Deploy/dev/start-services.sh
export MAILROOM_TEST_AMQP_URL=${MAILROOM_TEST_AMQP_URL:-amqp://mailroom:mailroom@127.0.0.1:5672/%2F}
export MAILROOM_TEST_DATABASE_URL=${MAILROOM_TEST_DATABASE_URL:-mariadb://mailroom:mailroom@127.0.0.1:3306/mailroom}

swift build --build-tests
swift test --skip-build --skip DisruptionTests
swift test --skip-build --no-parallel --filter DisruptionTests
