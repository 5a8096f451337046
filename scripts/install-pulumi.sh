#!/usr/bin/env bash
# Make the Pulumi CLI and the Python language host available, and print their
# directory as the last line of stdout (progress goes to stderr), so callers do:
#     export PATH="$(scripts/install-pulumi.sh | tail -n1):$PATH"
#
# Order of preference:
#   1. a `pulumi` on PATH that reports the pinned SDK's version (or the CLI
#      version below) and has pulumi-language-python beside it;
#   2. a previous build in .tools/pulumi/bin whose stamp matches (~0.1 s);
#   3. a build from Go modules via the wrapper module scripts/pulumi-cli
#      (measured: 347 s on 2 cores with empty Go module and build caches,
#      about 10 s when only the language host changed).
#
# The pinned SDK is `pulumi==X` in requirements.txt. The CLI is built from
# github.com/pulumi/pulumi/pkg/v3 at the version scripts/pulumi-cli/go.mod
# requires, which must not be older than the SDK (a CLI runs older SDKs, not
# newer ones). They differ today because the Go module proxy does not serve
# pkg/v3 v3.272.0; see scripts/pulumi-cli/README.md.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
module_dir=$repo_root/scripts/pulumi-cli
install_dir=$repo_root/.tools/pulumi
bin_dir=$install_dir/bin
stamp_file=$install_dir/stamp

# -trimpath and the tags are those of pulumi's own release build (goreleaser);
# CGO off gives static binaries that need no C toolchain on a fresh machine.
build_tags=osusergo,grpcnotrace
# The YAML language host (Pulumi YAML programs that use ctsync's components; docs/installation-configuration.md).
# Built on its own with `go install module@version`: it pins an older pulumi pkg/v3 whose APIs the
# CLI's newer one changed, and a language host talks to the engine over gRPC only, so each keeps its own.
yaml_module=github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
yaml_version=v1.25.0
version_var=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version

log() { printf '%s\n' "$*" >&2; }
die() { log "install-pulumi: $*"; exit 1; }

pinned_sdk_version() {
    local version
    version=$(sed -n 's/^pulumi==\([0-9][0-9.]*\)[[:space:]]*$/\1/p' "$repo_root/requirements.txt")
    [[ -n $version ]] || die "no 'pulumi==X.Y.Z' pin in $repo_root/requirements.txt"
    printf 'v%s\n' "$version"
}

wrapper_cli_version() {
    local version
    # Matches both `require M V` and a line inside a `require ( ... )` block.
    version=$(awk '{ sub(/^require[ \t]+/, "") } $1 == "github.com/pulumi/pulumi/pkg/v3" { print $2 }' \
        "$module_dir/go.mod")
    [[ -n $version ]] || die "no github.com/pulumi/pulumi/pkg/v3 requirement in $module_dir/go.mod"
    printf '%s\n' "$version"
}

# version_at_least A B: true when semver A >= B.
version_at_least() {
    [[ $(printf '%s\n%s\n' "${1#v}" "${2#v}" | sort -V | head -n1) == "${2#v}" ]]
}

# The stamp names everything the Go build depends on, so any change rebuilds.
# (The launch scripts in shims/ are copied on every run instead: no rebuild.)
stamp_contents() {
    local inputs
    inputs=$(cd "$module_dir" && find go.mod go.sum tools.go cmd -type f -print0 | sort -z |
        xargs -0 sha256sum | sha256sum)
    printf 'cli=%s\nsdk=%s\nyaml=%s\ntags=%s\ngoos=%s\ninputs=%s\n' \
        "$cli_version" "$sdk_version" "$yaml_version" "$build_tags" "$(uname -sm)" "${inputs%% *}"
}

# A matching `pulumi` already on PATH (e.g. from the official installer).
ambient_bin_dir() {
    local pulumi_path dir reported
    pulumi_path=$(command -v pulumi 2>/dev/null) || return 1
    dir=$(cd "$(dirname "$pulumi_path")" && pwd)
    [[ $dir != "$bin_dir" && -x $dir/pulumi-language-python ]] || return 1
    reported=$(PULUMI_SKIP_UPDATE_CHECK=true "$pulumi_path" version 2>/dev/null) || return 1
    [[ $reported == "$sdk_version" || $reported == "$cli_version" ]] || return 1
    printf '%s\n' "$dir"
}

find_go() {
    if command -v go >/dev/null 2>&1; then
        command -v go
    elif [[ -x /usr/local/go/bin/go ]]; then
        printf '%s\n' /usr/local/go/bin/go
    else
        die "Go is needed to build the Pulumi CLI; install Go >= $(awk '$1 == "go" { print $2 }' "$module_dir/go.mod")"
    fi
}

install_shims() {
    install -m 0755 "$module_dir"/shims/* "$1/"
}

# build_into DIR: compile both binaries and copy the launch scripts into DIR.
build_into() {
    local out=$1 go_bin
    go_bin=$(find_go)
    log "building pulumi $cli_version and pulumi-language-python with $("$go_bin" version)"
    # Flags on the command line win over a preset GOFLAGS (e.g. -buildvcs=false);
    # -mod=readonly makes go.sum the only source of truth on a fresh machine;
    # GOWORK=off keeps a go.work elsewhere from changing the module graph.
    (cd "$module_dir" && GOWORK=off CGO_ENABLED=0 "$go_bin" build \
        -mod=readonly -buildvcs=false -trimpath -tags "$build_tags" \
        -ldflags "-X $version_var=$cli_version" \
        -o "$out/" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
        ./cmd/pulumi-language-python)
    log "building pulumi-language-yaml $yaml_version"
    GOWORK=off CGO_ENABLED=0 GOBIN="$out" GOFLAGS=-mod=mod "$go_bin" install -buildvcs=false -trimpath \
        -tags "$build_tags" "$yaml_module@$yaml_version"
    install_shims "$out"
    local reported
    reported=$(PULUMI_SKIP_UPDATE_CHECK=true "$out/pulumi" version)
    [[ $reported == "$cli_version" ]] || die "built pulumi reports $reported, expected $cli_version"
}

install_from_source() {
    local staging started
    staging=$(mktemp -d "$install_dir/bin.XXXXXX")
    chmod 0755 "$staging"  # mktemp makes it private; the tools are for every user
    trap 'rm -rf "$staging"' EXIT
    started=$SECONDS
    build_into "$staging"
    # Swap the finished directory in, so an interrupted build never leaves a
    # half-written bin/ behind a valid stamp.
    rm -rf "$bin_dir"
    mv "$staging" "$bin_dir"
    trap - EXIT
    stamp_contents >"$stamp_file"
    log "built in $((SECONDS - started)) s: $(du -sh "$bin_dir/pulumi" | cut -f1) pulumi," \
        "$(du -sh "$bin_dir/pulumi-language-python" | cut -f1) pulumi-language-python"
}

main() {
    sdk_version=$(pinned_sdk_version)
    cli_version=$(wrapper_cli_version)
    version_at_least "$cli_version" "$sdk_version" ||
        die "CLI $cli_version (scripts/pulumi-cli/go.mod) is older than the pinned SDK $sdk_version; run:
    cd scripts/pulumi-cli && go get github.com/pulumi/pulumi/pkg/v3@$sdk_version github.com/pulumi/pulumi/sdk/v3@$sdk_version && go mod tidy"

    local ambient
    if ambient=$(ambient_bin_dir); then
        log "using pulumi $(PULUMI_SKIP_UPDATE_CHECK=true "$ambient/pulumi" version) from PATH: $ambient"
        printf '%s\n' "$ambient"
        return
    fi

    mkdir -p "$install_dir"
    # Serialise concurrent runs (e.g. parallel CI steps) on the same checkout;
    # flock is util-linux, so a system without it just goes unserialised.
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$install_dir/.lock"
        flock 9
    fi

    if [[ -x $bin_dir/pulumi && -f $stamp_file && $(cat "$stamp_file") == "$(stamp_contents)" ]]; then
        install_shims "$bin_dir"
        log "pulumi $cli_version (for SDK $sdk_version) is already built in $bin_dir"
    else
        install_from_source
    fi
    printf '%s\n' "$bin_dir"
}

main "$@"
