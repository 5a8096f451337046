#!/usr/bin/env bash
# Installs the Pulumi resource plugins of the extras (docs/configuration.md, "Extras"): azuread for
# `scope.managedGroup`, azure-native for `diagnostics`, at the versions of the Python SDKs that
# requirements.txt pins (the engine needs the plugin of the SDK's version).
#
#     bash scripts/install-extras.sh           # install both (downloads from Pulumi's plugin server)
#     bash scripts/install-extras.sh --print   # only print the commands
#
# Needed where automatic plugin acquisition is off: scripts/bootstrap.sh turns it off, because this
# project's build machines reach package registries only. With a stock Pulumi CLI and internet,
# `pulumi up` of a stack that uses an extra downloads the same plugins by itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

commands=()
for package in azuread azure-native; do
  version=$(sed -n "s/^pulumi-${package}==\([0-9][0-9.]*\)[[:space:]]*$/\1/p" "$ROOT/requirements.txt")
  [[ -n $version ]] || { echo "install-extras: no pulumi-${package}==X pin in requirements.txt" >&2; exit 1; }
  commands+=("pulumi plugin install resource ${package} v${version}")
done
if [[ ${1:-} == --print ]]; then
  printf '%s\n' "${commands[@]}"
  exit 0
fi
command -v pulumi >/dev/null || { echo "install-extras: no pulumi on PATH: source scripts/env.sh first" >&2; exit 1; }
for command in "${commands[@]}"; do
  echo "install-extras: $command" >&2
  $command
done
