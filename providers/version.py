"""The version of ctsync: the plugin's, the schema's and the Python package's (scripts/package.sh reads it here).

Semantic versioning; CHANGELOG.md says what each version changed and docs/releasing.md how one is cut."""
VERSION = "0.3.0"
# Where a Pulumi CLI that lacks the plugin downloads it: the GitHub release `v<VERSION>` of this
# repository, assets named pulumi-resource-ctsync-v<VERSION>-<os>-<arch>.tar.gz (docs/releasing.md).
REPOSITORY = "ctsync/ctsync"
PLUGIN_DOWNLOAD_URL = f"github://api.github.com/{REPOSITORY}"
