"""The config contract read where Pulumi hands it over: the stack's `ctsync:*` keys for the program,
and a component's inputs (the same shapes, camelCase as in the stack file) for `TenantPair` and
`MtoMembership` used from any program. Both go through stackconfig's one reader, so a key means the
same thing and gets the same message on every surface; only the path's root differs
(``ctsync:sync[0].trust.mfa`` in a stack file, ``syncs[0].trust.mfa`` in a component).

Everything is checked before the first resource is registered: a refused configuration writes nothing.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import config as runtime_config

from components import ecosystem
from components.scoping import conflicts
from stackconfig import NAMESPACE, ConfigError, Problem, StackConfig, load_component_inputs, load_stack_config
from stackconfig.reader import ABSENT
from stackconfig.secrecy import secret_paths

# The names Pulumi looks for a project file under.
PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
TENANTS_KEY = f"{NAMESPACE}:tenants"


def read_ctsync_config() -> tuple[dict[str, Any], frozenset[str]]:
    """Every `ctsync:*` key of the stack with its value, and the config paths whose values are secrets.

    The language host puts the stack's config in the runtime's config map; PULUMI_CONFIG is the
    fallback the SDK itself reads. It says only which whole keys are secret, so the stack file is read
    for which values are (stackconfig/secrecy.py says why).
    """
    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    ours = sorted(key for key in keys if key.startswith(f"{NAMESPACE}:"))
    values = {key: pulumi.runtime.get_config(key) for key in ours}
    secret_keys = [key for key in ours if pulumi.runtime.is_config_secret(key)]
    return values, secret_paths(stack_file_config(Path.cwd(), pulumi.get_stack()), secret_keys)


def stack_file_config(start: Path, stack: str) -> dict[str, Any] | None:
    """The `config:` section of ``Pulumi.<stack>.yaml`` in the stackConfigDir of the project that holds
    ``start`` (Pulumi runs the program in its project's folder); None when there is no such file."""
    for folder in (start, *start.parents):
        project_file = next((folder / name for name in PROJECT_FILES if (folder / name).is_file()), None)
        if project_file is None:
            continue
        project = yaml.safe_load(project_file.read_text()) or {}
        stack_file = folder / str(project.get("stackConfigDir") or ".") / f"Pulumi.{stack}.yaml"
        if not stack_file.is_file():
            return None
        config = (yaml.safe_load(stack_file.read_text()) or {}).get("config")
        return config if isinstance(config, dict) else None
    return None




def checked_config(values: dict[str, Any], secrets: Iterable[str]) -> StackConfig:
    """The model, or pulumi.RunError listing every problem (a clean message, no traceback)."""
    try:
        config = load_stack_config(values, secrets)
        problems = ecosystem.unsupported(config) + conflicts(config)
        if problems:
            raise ConfigError(problems)
    except ConfigError as error:
        raise refusal("the ctsync stack configuration", error) from None
    return config


def refusal(subject: str, error: ConfigError) -> pulumi.RunError:
    """Every problem, one per line, and the promise that nothing was written (no traceback)."""
    count = len(error.problems)
    return pulumi.RunError(f"{subject} has {count} problem{'s' if count != 1 else ''}; nothing was deployed:\n{error}")


def component_config(subject: str, inputs: Mapping[str, tuple[str, Any]], one_pair: bool = False) -> StackConfig:
    """A component's inputs (section -> (input path, value), as `load_component_inputs` takes them),
    checked as the stack config's sections are, with the tenants of the stack it is deployed in;
    pulumi.RunError naming each problem by its input path."""
    values, secrets = read_ctsync_config()
    try:
        config = load_component_inputs(values.get(TENANTS_KEY, ABSENT), secrets, **inputs)
        problems = [*(_one_pair(config) if one_pair else []), *_no_extras(config)]
        if problems:
            raise ConfigError(problems)
    except ConfigError as error:
        raise refusal(subject, error) from None
    return config


def _one_pair(config: StackConfig) -> list[Problem]:
    if len(config.pairs) > 1:
        tenants = sorted({alias for pair in config.pairs for alias in (pair.a, pair.b)})
        return [Problem("syncs", f"syncs between {len(tenants)} tenants ({', '.join(tenants)}); a TenantPair is two",
                        "declare one TenantPair per pair of tenants")]
    return []


def _no_extras(config: StackConfig) -> list[Problem]:
    """The extras make azuread / azure-native resources of their own; a component leaves those to its program."""
    return [
        Problem(f"{sync.scope_path}.managedGroup", "is available in the stack-config program only",
                "create the group in your program (e.g. azuread.Group) and list its object id under scope.groups")
        for sync in config.syncs if sync.scope.managed_group is not None
    ]


