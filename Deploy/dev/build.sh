#!/usr/bin/env bash
# Builds Mailroom once: `Deploy/dev/build.sh` (debug, with tests) or `Deploy/dev/build.sh release`.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash Deploy/dev/install.sh
if [ "${1:-debug}" = release ]; then
    swift build -c release
else
    swift build --build-tests
fi
