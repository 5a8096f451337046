#!/usr/bin/env bash
# The test command of the README: installs what is missing, then runs every test tier.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
# The static checks first (pyproject.toml): lint and types at zero findings, on every run.
echo "test.sh: ruff (lint)" >&2
ruff check --quiet .
echo "test.sh: mypy (types)" >&2
mypy
exec python -m pytest "$@"
