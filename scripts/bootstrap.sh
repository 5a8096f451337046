#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine, idempotently and quickly when done before:
# the Python virtualenv from requirements.txt and the Pulumi CLI at the SDK's version.
# The scripts source it; in your own shell use `source scripts/env.sh` instead (this file turns on
# `set -euo pipefail`, which an interactive shell must not get).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.requirements.sha256"

want="$(sha256sum "$ROOT/requirements.txt" | cut -d' ' -f1)"
if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
fi
if [[ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]]; then
  echo "bootstrap: installing Python requirements into .venv" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$ROOT/requirements.txt"
  echo "$want" > "$STAMP"
fi
# Bytecode of the project's own packages, as pip writes it for installed ones: where
# PYTHONDONTWRITEBYTECODE is set (this machine, many CI images) every start of the program and of
# the provider plugin would otherwise compile them again, about 0.1 s of CPU each. Python ignores a
# file that is older than its source.
"$VENV/bin/python" -m compileall -q -j 0 "$ROOT/components" "$ROOT/providers" "$ROOT/stackconfig" "$ROOT/ctsync" "$ROOT/graphtypes" >/dev/null

# The policy pack's own virtualenv: pulumi-policy pins protobuf and grpcio versions that the
# project's .venv does not have (policy/PulumiPolicy.yaml names it).
POLICY_VENV="$ROOT/policy/.venv"
POLICY_STAMP="$POLICY_VENV/.requirements.sha256"
policy_want="$(sha256sum "$ROOT/policy/requirements.txt" | cut -d' ' -f1)"
if [[ "$(cat "$POLICY_STAMP" 2>/dev/null)" != "$policy_want" ]]; then
  echo "bootstrap: installing the policy pack's requirements into policy/.venv" >&2
  [[ -x "$POLICY_VENV/bin/python" ]] || python3 -m venv "$POLICY_VENV"
  "$POLICY_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$ROOT/policy/requirements.txt"
  echo "$policy_want" > "$POLICY_STAMP"
fi

# The Pulumi CLI and Python language host, built from Go modules when no matching `pulumi` is on PATH.
# Without it (no Go toolchain, no module proxy) everything but the engine runs: the engine tests
# skip, saying why, and run-local.sh stops with this message.
if PULUMI_BIN="$(bash "$ROOT/scripts/install-pulumi.sh" | tail -n 1)" && [[ -x "$PULUMI_BIN/pulumi" ]]; then
  export PATH="$PULUMI_BIN:$PATH"
else
  echo "bootstrap: WARNING: no Pulumi CLI could be installed (see the lines above); engine tests will be skipped" >&2
fi
export PATH="$VENV/bin:$PATH"
# No network but the package registries: never ask for updates or download plugins.
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
