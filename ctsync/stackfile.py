"""A stack's config file (``stacks/Pulumi.<stack>.yaml``): its tenants read, exported sections written.

Reading needs no Pulumi state unless the tenants hold secrets (``secure:`` values, e.g. a client
secret): those are decrypted by the Pulumi CLI (``pulumi config --show-secrets --json``), which needs
the stack initialised and its passphrase or secrets provider. Writing is a round trip through
ruamel.yaml, so the file's comments, key order and encrypted values stay as they were.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from stackconfig import StackConfig, load_stack_config

TENANTS_KEY = "ctsync:tenants"
WRITTEN_KEYS = ("ctsync:sync", "ctsync:topology", "ctsync:mto")


class StackFileError(Exception):
    """The stack file is missing or unusable; nothing was read from Graph or written."""


def stack_path(root: Path, stack: str) -> Path:
    return root / "stacks" / f"Pulumi.{stack}.yaml"


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 120
    return yaml


def load(root: Path, stack: str) -> CommentedMap:
    path = stack_path(root, stack)
    if not path.is_file():
        known = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (root / "stacks").glob("Pulumi.*.yaml"))
        raise StackFileError(f"no stack file {path} (stacks here: {', '.join(known) or 'none'})")
    document = _yaml().load(path.read_text())
    if not isinstance(document, CommentedMap) or not isinstance(document.get("config"), CommentedMap):
        raise StackFileError(f"{path}: has no `config:` section; declare the tenants under config: ctsync:tenants")
    return document


def tenants(root: Path, stack: str, document: CommentedMap) -> StackConfig:
    """The stack's tenants with their auth, validated as the program validates them."""
    return _loaded(root, stack, document, [TENANTS_KEY])


def stack_config(root: Path, stack: str, document: CommentedMap) -> StackConfig:
    """The stack's whole ctsync configuration (tenants, directions, MTO), validated as the program does."""
    return _loaded(root, stack, document, [key for key in document["config"] if str(key).startswith("ctsync:")])


def _loaded(root: Path, stack: str, document: CommentedMap, keys: list[str]) -> StackConfig:
    config = document["config"]
    if config.get(TENANTS_KEY) is None:
        raise StackFileError(f"{stack_path(root, stack)}: declares no {TENANTS_KEY}")
    secret = [key for key in keys if _has_secure(config[key])]
    decrypted = _decrypted(root, stack) if secret else {}
    values = {key: decrypted[key] if key in secret else json.loads(json.dumps(config[key])) for key in keys}
    return load_stack_config(values, secret_keys=secret)


def _has_secure(value: Any) -> bool:
    if isinstance(value, dict):
        return "secure" in value and len(value) == 1 or any(_has_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secure(v) for v in value)
    return False


def _decrypted(root: Path, stack: str) -> dict[str, Any]:
    """Every key of the stack's config in plain text, through the Pulumi CLI."""
    built = root / ".tools" / "pulumi" / "bin" / "pulumi"  # what scripts/install-pulumi.sh builds
    pulumi = str(built) if built.exists() else (shutil.which("pulumi") or "pulumi")
    run = subprocess.run(
        [pulumi, "config", "--show-secrets", "--json", "-s", stack, "--cwd", str(root)],
        capture_output=True, text=True, env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"},
    )
    if run.returncode != 0:
        raise StackFileError(
            f"the ctsync config of stack {stack} holds secrets, and the Pulumi CLI could not decrypt them "
            f"({run.stderr.strip().splitlines()[-1] if run.stderr.strip() else 'no message'}); run `pulumi stack init "
            f"{stack}` first and set PULUMI_CONFIG_PASSPHRASE (or the stack's secrets provider)"
        )
    return {key: entry.get("objectValue", entry.get("value")) for key, entry in json.loads(run.stdout).items()}


def already_declared(document: CommentedMap) -> list[str]:
    return [key for key in WRITTEN_KEYS if key in document["config"]]


def with_sections(document: CommentedMap, sections: dict[str, tuple[Any, str, list[str]]]) -> str:
    """The file's text with ``sections`` (key -> (value, comment above it, comment per list item)) set."""
    config = document["config"]
    for key, (value, comment, item_comments) in sections.items():
        node = _commented(value)
        if isinstance(node, CommentedSeq):
            for index, text in enumerate(item_comments):
                node.yaml_set_comment_before_after_key(index, before=text, indent=4)
        config[key] = node
        config.yaml_set_comment_before_after_key(key, before=comment, indent=2)
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    return buffer.getvalue()


def sections_text(sections: dict[str, tuple[Any, str, list[str]]]) -> str:
    """Only the exported sections, as they would be written (for ``--dry-run``)."""
    document = CommentedMap(config=CommentedMap())
    return with_sections(document, sections)


def write(root: Path, stack: str, text: str) -> None:
    path = stack_path(root, stack)
    # Written next to the file and renamed over it: an interrupted write never leaves half a file.
    temporary = path.with_suffix(".yaml.tmp")
    temporary.write_text(text)
    temporary.replace(path)


def _commented(value: Any) -> Any:
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _commented(item)
        return node
    if isinstance(value, list):
        return CommentedSeq(_commented(item) for item in value)
    return value
