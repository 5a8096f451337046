"""A stack's config file (``stacks/Pulumi.<stack>.yaml``): its tenants read, exported sections written.

Reading needs no Pulumi state unless the tenants hold secrets (``secure:`` values, e.g. a client
secret): those are decrypted by the Pulumi CLI (``pulumi config --show-secrets --json``), which needs
the stack initialised and its passphrase or secrets provider. Writing is a round trip through
ruamel.yaml, so the file's comments, key order and encrypted values stay as they were.
"""
from __future__ import annotations

import datetime
import io
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from stackconfig import StackConfig, load_stack_config
from stackconfig.reader import child_path
from stackconfig.secrecy import is_secret, secure_paths

TENANTS_KEY = "ctsync:tenants"
WRITTEN_KEYS = ("ctsync:sync", "ctsync:topology", "ctsync:mto")
# Stack names as Pulumi takes them (letters, digits, -, _ and .), which also keeps `--stack` inside stacks/.
STACK_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")
# How many values a stack file may hold once YAML aliases are expanded. Pulumi refuses a file whose
# aliases expand out of proportion ("excessive aliasing"); a real stack file holds a few thousand.
MAX_VALUES = 100_000


class StackFileError(Exception):
    """The stack file is missing or unusable; nothing was read from Graph or written."""


@dataclass(frozen=True)
class StackFile:
    """A stack file as read: its path, its text (to tell whether it changed before writing) and its
    round-trip document (comments, order and encrypted values kept)."""

    path: Path
    text: str
    document: CommentedMap


def check_stack_name(stack: str) -> str:
    if not STACK_NAME.fullmatch(stack) or ".." in stack:
        raise StackFileError(f"--stack {stack!r} is not a stack name: letters, digits, -, _ and . (e.g. prod)")
    return stack


def stack_path(root: Path, stack: str) -> Path:
    return root / "stacks" / f"Pulumi.{check_stack_name(stack)}.yaml"


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 120
    return yaml


def load(root: Path, stack: str) -> StackFile:
    path = stack_path(root, stack)
    if not path.is_file():
        known = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (root / "stacks").glob("Pulumi.*.yaml"))
        raise StackFileError(f"no stack file {path} (stacks here: {', '.join(known) or 'none'})")
    text = path.read_text()
    try:
        document = _yaml().load(text)
    except YAMLError as error:
        raise StackFileError(f"{path}: is not valid YAML ({_first_line(error)})") from None
    if not isinstance(document, CommentedMap) or not isinstance(document.get("config"), CommentedMap):
        raise StackFileError(f"{path}: has no `config:` section; declare the tenants under config: ctsync:tenants")
    if _expanded_size(document, {}) > MAX_VALUES:
        raise StackFileError(f"{path}: its YAML aliases expand to more than {MAX_VALUES} values; write the values out")
    return StackFile(path, text, document)


def _first_line(error: YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"{problem} at line {mark.line + 1}" if mark is not None else problem


def _expanded_size(value: Any, sizes: dict[int, int]) -> int:
    """How many values ``value`` holds with every alias written out, counted once per shared node."""
    if not isinstance(value, (dict, list)):
        return 1
    if id(value) not in sizes:
        sizes[id(value)] = 0  # a self-referencing alias counts as the values seen so far
        items = value.values() if isinstance(value, dict) else value
        sizes[id(value)] = min(MAX_VALUES + 1, 1 + sum(_expanded_size(item, sizes) for item in items))
    return sizes[id(value)]


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
    # Value by value, as the program checks it: a credential must itself be `secure:`.
    secure = secure_paths(config, keys)
    secret = [key for key in keys if any(is_secret(path, [key]) for path in secure)]
    decrypted = _decrypted(root, stack) if secret else {}
    values = {key: decrypted[key] if key in secret else _plain(config[key], key, stack_path(root, stack)) for key in keys}
    return load_stack_config(values, secret_paths=secure)


def _plain(value: Any, path: str, file: Path) -> Any:
    """A config value as Pulumi reads it: strings, numbers, booleans, null, lists and objects. A date
    YAML would type is the text written; anything else (``!!binary``, ``!!set``) is refused."""
    if isinstance(value, dict):
        return {str(key): _plain(item, child_path(path, str(key)), file) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item, f"{path}[{index}]", file) for index, item in enumerate(value)]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return str(value) if isinstance(value, str) else value
    raise StackFileError(f"{file}: {path} is a YAML {type(value).__name__} value; config values are strings, "
                         "numbers, booleans, lists and objects")


def _decrypted(root: Path, stack: str) -> dict[str, Any]:
    """Every key of the stack's config in plain text, through the Pulumi CLI."""
    built = root / ".tools" / "pulumi" / "bin" / "pulumi"  # what scripts/install-pulumi.sh builds
    pulumi = str(built) if built.exists() else (shutil.which("pulumi") or "pulumi")
    run = subprocess.run(
        [pulumi, "config", "--show-secrets", "--json", "-s", stack, "--cwd", str(root)],
        capture_output=True, text=True, env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"},
    )
    if run.returncode != 0:
        said = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "no message"
        raise StackFileError(
            f"the ctsync config of stack {stack} holds secrets, and the Pulumi CLI could not decrypt them "
            f"({said}); {decrypt_fix(said, stack)}"
        )
    return {key: entry.get("objectValue", entry.get("value")) for key, entry in json.loads(run.stdout).items()}


def decrypt_fix(said: str, stack: str) -> str:
    """What to do about the CLI's refusal to decrypt, from what it said."""
    if "incorrect passphrase" in said:
        return "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to this stack's passphrase"
    if "passphrase must be set" in said:
        return "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the stack's passphrase"
    if "no stack named" in said:
        return f"run `pulumi stack init {stack}` (or `pulumi login` to the backend that holds it) first"
    return "check that the Pulumi CLI is logged in to the stack's backend and can open its secrets provider"


def already_declared(stack_file: StackFile) -> list[str]:
    return [key for key in WRITTEN_KEYS if key in stack_file.document["config"]]


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


def write(stack_file: StackFile, text: str) -> Path:
    """Replace the stack file's content with ``text``, atomically, unless it changed since it was read.

    Through a symlink, the file it points at is written (the link stays). The new content goes to a
    temporary file of its own beside it, keeps the file's mode, reaches the disk, then is renamed over
    it: an interrupted or concurrent write never leaves half a file. Returns the path written.
    """
    target = stack_file.path.resolve()
    if target.read_text() != stack_file.text:
        raise StackFileError(f"{stack_file.path} changed while export read Graph; nothing was written: run export again")
    mode = stat.S_IMODE(target.stat().st_mode)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)
    return target


def _sync_folder(folder: Path) -> None:
    """The rename itself reaches the disk."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _commented(value: Any) -> Any:
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _commented(item)
        return node
    if isinstance(value, list):
        return CommentedSeq(_commented(item) for item in value)
    return value
