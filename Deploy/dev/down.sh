#!/usr/bin/env bash
# Stops the workers and the local services.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/stop-workers.sh"
bash "$here/stop-services.sh"
