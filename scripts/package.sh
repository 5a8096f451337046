#!/usr/bin/env bash
# Writes dist/: the Python SDK wheel pulumi_ctsync-<version>-py3-none-any.whl and the provider plugin
# archive pulumi-resource-ctsync-v<version>-<os>-<arch>.tar.gz for each platform it supports
# (docs/installation-configuration.md says how they are installed, docs/releasing.md how a release is cut).
#
#   bash scripts/package.sh [OUT_DIR]   # default dist/; after the README's set-up command (it needs .venv)
#
# The version is providers/version.py's. The wheel is the SDK `pulumi package gen-sdk` generates from
# the plugin's own schema; the archive holds the plugin's Python packages, its pinned runtime
# requirements and a PulumiPlugin.yaml, so the Pulumi CLI installs its dependencies at `plugin install`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
[[ -x $PY ]] || { echo "package.sh: no .venv: run bash scripts/bootstrap.sh first" >&2; exit 1; }
export PATH="$(bash "$ROOT/scripts/install-pulumi.sh" | tail -n1):$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

VERSION="$(cd "$ROOT" && "$PY" -c 'from providers.version import VERSION; print(VERSION)')"
# A pure-Python plugin: the same bytes run wherever Python 3.11+ and the language host do. Windows is
# left out until someone runs it there.
PLATFORMS=(linux-amd64 linux-arm64 darwin-amd64 darwin-arm64)
# The plugin's runtime dependencies, pinned as the project pins them (requirements.txt).
RUNTIME=(pulumi msgraph-sdk azure-identity PyYAML)

DIST="$(mkdir -p "${1:-$ROOT/dist}" && cd "${1:-$ROOT/dist}" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
rm -f "$DIST"/pulumi_ctsync-*.whl "$DIST"/pulumi-resource-ctsync-v*.tar.gz "$DIST/schema.json"

# 1. The schema, as the engine gets it from the plugin, and the SDK generated from it.
(cd "$WORK" && pulumi package get-schema "$ROOT/bin/pulumi-resource-ctsync" > schema.json)
pulumi package gen-sdk "$WORK/schema.json" --language python --out "$WORK/sdk" >&2
cp "$ROOT/docs/_index.md" "$WORK/sdk/python/README.md"
"$PY" -m pip wheel -q --no-deps -w "$DIST" "$WORK/sdk/python" >&2

# 2. The plugin archive.
PLUGIN="$WORK/plugin"
mkdir -p "$PLUGIN"
cp "$ROOT/packaging/plugin/PulumiPlugin.yaml" "$ROOT/packaging/plugin/__main__.py" "$PLUGIN/"
for name in "${RUNTIME[@]}"; do
  grep -i "^${name}==" "$ROOT/requirements.txt"
done > "$PLUGIN/requirements.txt"
(cd "$ROOT" && tar -cf - --exclude=__pycache__ --exclude='*.pyc' providers components stackconfig) | tar -xf - -C "$PLUGIN"
for platform in "${PLATFORMS[@]}"; do
  tar -czf "$DIST/pulumi-resource-ctsync-v$VERSION-$platform.tar.gz" -C "$PLUGIN" .
done
cp "$WORK/schema.json" "$DIST/schema.json"
ls -1 "$DIST"
