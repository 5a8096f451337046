"""Which config values are Pulumi secrets, value by value.

Pulumi tells a program only whether a whole key is secret: ``ctsync:tenants`` counts as secret as soon as
one leaf under it is ``secure:``. A client secret pasted in plain text next to another tenant's
encrypted one would pass such a check and sit in the committed stack file and the update history.
So a credential is checked at its own path: the stack file says which leaves are ``secure:``
(``config: {ctsync:tenants: {contoso: {auth: {clientSecret: {secure: v1:...}}}}}``).

A key that is secret but not in the stack file (it comes from a Pulumi ESC environment, say) has no
leaves to look at; it counts as secret as a whole, as Pulumi holds it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .reader import child_path


def secure_paths(config: Mapping[str, Any], keys: Iterable[str] | None = None) -> frozenset[str]:
    """The config paths (``ctsync:tenants.contoso.auth.clientSecret``) whose value in a stack file's
    ``config:`` section is ``secure:``; a key's own path when its whole value is one."""
    chosen = config.keys() if keys is None else keys
    return frozenset(path for key in chosen if key in config for path in _secure_under(str(key), config[key]))


def _secure_under(path: str, value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        if set(value) == {"secure"}:
            yield path
            return
        for key, item in value.items():
            yield from _secure_under(child_path(path, str(key)), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _secure_under(f"{path}[{index}]", item)


def secret_paths(file_config: Mapping[str, Any] | None, secret_keys: Iterable[str]) -> frozenset[str]:
    """What is secret: the ``secure:`` leaves of the keys the stack file declares, and each key Pulumi
    holds as secret that the file does not declare (as a whole)."""
    declared = file_config or {}
    return secure_paths(declared) | frozenset(key for key in secret_keys if key not in declared)


def is_secret(path: str, secrets: Iterable[str]) -> bool:
    """Whether the value at ``path`` is a secret: it, or a value it is part of, is one."""
    return any(path == secret or path.startswith((f"{secret}.", f"{secret}[")) for secret in secrets)
