#!/usr/bin/env bash
# The test command of the README: installs what is missing, then the static checks and every test
# tier, one after the other, each announced and followed by its result and time.
#     bash scripts/test.sh             # everything (what CI runs)
#     bash scripts/test.sh -x -k mto   # pytest's own options, passed to every tier
#     CTSYNC_TEST_TIERS=engine bash scripts/test.sh   # only these tiers
# Interrupted (Ctrl-C), it stops the running tier with every process it started (the Pulumi CLI,
# provider plugins, emulators) before it exits.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
# Fastest first: a broken unit shows in seconds, not after the engine tier. CTSYNC_TEST_TIERS
# (e.g. "providers engine") runs only those.
read -r -a TIERS <<< "${CTSYNC_TEST_TIERS:-unit components providers emulator engine}"
# Tiers whose tests run on CTSYNC_TEST_WORKERS processes (pytest-xdist; default 2, 1 for one at a
# time). Each test owns its emulator (an ephemeral port), project copy, state backend and
# PULUMI_HOME; --dist loadfile keeps the tests of one file in one process, in order.
PARALLEL=(components providers emulator engine)
WORKERS="${CTSYNC_TEST_WORKERS:-2}"
NO_TESTS=5  # pytest's exit status when a tier has no test that the options select

say() { printf 'test.sh: %s\n' "$*" >&2; }

# Each tier runs in a session of its own, so that an interrupt reaches all of it: every process of
# the session, not only of its process group (the Pulumi CLI starts its language host in a group
# of its own, which a group kill leaves running).
tier_group=""
stop() {
  if [[ -n $tier_group ]]; then
    pkill -TERM -s "$tier_group" 2>/dev/null || true
    wait "$tier_group" 2>/dev/null || true
    pkill -KILL -s "$tier_group" 2>/dev/null || true  # what did not stop on TERM
  fi
  say "interrupted: the running tier and its processes are stopped"
  exit 130
}
trap stop INT TERM

say "ruff (lint)"
ruff check --quiet .
say "mypy (types)"
mypy

failed=() ran=0 started_all=$SECONDS
for tier in "${TIERS[@]}"; do
  say "tier $tier ..."
  started=$SECONDS
  spread=()
  if [[ " ${PARALLEL[*]} " == *" $tier "* && $WORKERS -gt 1 ]]; then
    spread=(-n "$WORKERS" --dist loadfile)
  fi
  setsid python -m pytest "tests/$tier" "${spread[@]}" "$@" &
  tier_group=$!
  status=0
  wait "$tier_group" || status=$?
  tier_group=""
  case $status in
    0) ran=$((ran + 1)); say "tier $tier: passed in $((SECONDS - started)) s" ;;
    "$NO_TESTS") say "tier $tier: no test selected" ;;
    *) ran=$((ran + 1)); failed+=("$tier"); say "tier $tier: FAILED (pytest exit $status) in $((SECONDS - started)) s" ;;
  esac
done
say "$ran tier(s) in $((SECONDS - started_all)) s${failed[*]:+; failed: ${failed[*]}}"
[[ ${#failed[@]} == 0 && $ran -gt 0 ]]
