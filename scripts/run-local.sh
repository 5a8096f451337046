#!/usr/bin/env bash
# The main job on the embedded default: the bundled Graph emulator and the file:// state backend.
# Starts the emulator with the local fixture, deploys the `local` stack with the real Pulumi CLI,
# runs one provisioning cycle and prints which users exist in which tenant, and the job states.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"

command -v pulumi >/dev/null || { echo "run-local: no Pulumi CLI; scripts/install-pulumi.sh must succeed first" >&2; exit 1; }
PORT=18080
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-ctsync-local}"
mkdir -p .pulumi-state   # backend.url in Pulumi.yaml: file://./.pulumi-state

python -m emulator serve --port "$PORT" --fixture emulator/fixtures/local.yaml > .pulumi-state/emulator.log 2>&1 &
EMULATOR=$!
trap 'kill $EMULATOR 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "listening" .pulumi-state/emulator.log 2>/dev/null && break
  sleep 0.1
done

pulumi stack select local --create --non-interactive >/dev/null
# --refresh: the emulator starts empty each run, so objects recorded in state by an earlier run
# are found gone and created again, as they would be after an out-of-band deletion.
started=$(date +%s%N)
pulumi up --yes --refresh --skip-preview --non-interactive -s local
echo "pulumi up took $(( ($(date +%s%N) - started) / 1000000 )) ms"

pulumi stack output --json -s local > .pulumi-state/local-outputs.json
python scripts/report_local.py --endpoint "http://127.0.0.1:$PORT" --outputs .pulumi-state/local-outputs.json

# Job health as the CI gate reads it (docs/operations.md): exit 0 when every direction's job is healthy.
python -m ctsync status --stack local
