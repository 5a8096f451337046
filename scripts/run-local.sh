#!/usr/bin/env bash
# The main job on the embedded default: the bundled Graph emulator and the file:// state backend.
# Starts the emulator with the local fixture, deploys the `local` stack with the real Pulumi CLI,
# runs one provisioning cycle and prints which users exist in which tenant, and the job states.
#
# The emulator's port is the one the local stack's graphEndpoint names (stacks/Pulumi.local.yaml,
# written once there): to move the stack, edit that line. A port another process holds is refused
# before anything starts, and the deployment only ever goes to the emulator this script started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"

command -v pulumi >/dev/null || { echo "run-local: no Pulumi CLI; scripts/install-pulumi.sh must succeed first" >&2; exit 1; }
STACK_FILE=stacks/Pulumi.local.yaml
PORT="$(python scripts/local_endpoint.py port "$STACK_FILE")"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-ctsync-local}"
mkdir -p .pulumi-state   # backend.url in Pulumi.yaml: file://./.pulumi-state

if ! python scripts/local_endpoint.py free "$PORT"; then
  echo "run-local: 127.0.0.1:$PORT is already in use by another process, so the emulator cannot start there" >&2
  echo "run-local: stop that process (e.g. an emulator left from an earlier run: ss -ltnp 'sport = :$PORT' shows it)," >&2
  echo "run-local: or move the local stack: set graphEndpoint in $STACK_FILE to a free port; nothing was deployed" >&2
  exit 1
fi

python -m emulator serve --port "$PORT" --fixture emulator/fixtures/local.yaml > .pulumi-state/emulator.log 2>&1 &
EMULATOR=$!
trap 'kill $EMULATOR 2>/dev/null && wait $EMULATOR 2>/dev/null || true' EXIT
# Ready when it says it is listening on our port, and still running (a bind failure ends it at once).
for _ in $(seq 300); do
  grep -q "listening on http://127.0.0.1:$PORT" .pulumi-state/emulator.log 2>/dev/null && break
  kill -0 "$EMULATOR" 2>/dev/null || break
  sleep 0.1
done
if ! kill -0 "$EMULATOR" 2>/dev/null || ! grep -q "listening on http://127.0.0.1:$PORT" .pulumi-state/emulator.log; then
  echo "run-local: the emulator did not start on 127.0.0.1:$PORT; nothing was deployed. Its log (.pulumi-state/emulator.log):" >&2
  tail -n 5 .pulumi-state/emulator.log >&2
  exit 1
fi

pulumi stack select local --create --non-interactive >/dev/null
# --refresh: the emulator starts empty each run, so objects recorded in state by an earlier run
# are found gone and created again, as they would be after an out-of-band deletion.
started=$(date +%s%N)
pulumi up --yes --refresh --skip-preview --non-interactive -s local
echo "pulumi up took $(( ($(date +%s%N) - started) / 1000000 )) ms"

pulumi stack output --json -s local > .pulumi-state/local-outputs.json
python scripts/report_local.py --endpoint "http://127.0.0.1:$PORT" --outputs .pulumi-state/local-outputs.json

# Job health as the CI gate reads it (docs/operations.md): exit 0 when every direction's job is healthy.
status=0
python -m ctsync status --stack local || status=$?
cat >&2 <<NEXT

What next: \`source scripts/env.sh\` puts python and pulumi on PATH in your shell; edit $STACK_FILE
(docs/configuration.md) and run this again; \`python -m ctsync --help\` for the operations (docs/operations.md);
docs/brownfield.md to bring an existing setup under ctsync. The emulator stops with this script.
NEXT
exit "$status"
