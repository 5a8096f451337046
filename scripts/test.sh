#!/usr/bin/env bash
# The test command of the README: installs what is missing, then runs every test tier.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
exec python -m pytest "$@"
