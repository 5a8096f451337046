"""The version of ctsync: the plugin's, the schema's and the Python package's (scripts/package.sh reads it here).

Semantic versioning; CHANGELOG.md says what each version changed and docs/releasing.md how one is cut."""
VERSION = "0.3.0"
