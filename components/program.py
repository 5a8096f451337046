"""The Pulumi program: `ctsync:*` stack config -> checked model -> components -> stack outputs.

The whole configuration is read and checked before the first resource is registered: an invalid
stack stops with every problem listed at once and leaves the tenants untouched.
"""
from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import config as runtime_config

from components import ecosystem, names
from components.diagnostics import LogRouting, LogRoutingArgs
from components.diagram import topology_mermaid
from components.mto import MtoMembership, MtoMembershipArgs
from components.pair import TenantPair, TenantPairArgs
from components.scoping import ManagedGroups, ManagedGroupsArgs, conflicts, managed_groups
from providers.sdk.runtime import all_registered
from stackconfig import NAMESPACE, ConfigError, StackConfig, Tenant, load_stack_config
from stackconfig.secrecy import secret_paths

# The names Pulumi looks for a project file under.
PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")

MTO_COMPONENT = "mto"
# Turns of the event loop after each pair is built. A registration takes several turns (its parent's
# URN, its dependencies, its inputs) before its request goes out. Measured on the 30-tenant bench
# (-v=9 logs): with one turn per pair, the first ctsync registration reached the engine (which starts
# the provider plugin on it) only once all 29 pairs were built; with 10 turns, after 18 of them.
TURNS_AFTER_EACH_PAIR = 10

# CPython's collector runs each time 700 more container objects have been allocated than freed. The
# SDK allocates some 400 per resource (Outputs, futures, tasks, most of them alive until the engine
# answers): on the 30-tenant bench it ran about 300 times, 0.45-0.5 s, a tenth of the program's CPU,
# on its critical path. Once every 50,000 it runs 3 times (0.05-0.2 s) and frees the same cycles.
GC_THRESHOLD = 50_000


def collect_garbage_rarely() -> None:
    """Before a run of the program (``__main__.py``): what is loaded by then is never garbage, and
    young objects are collected every ``GC_THRESHOLD`` allocations instead of every 700."""
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD)


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
        count = len(error.problems)
        raise pulumi.RunError(
            f"the ctsync stack configuration has {count} problem{'s' if count != 1 else ''}; "
            f"nothing was deployed:\n{error}"
        ) from None
    return config


async def deploy(config: StackConfig) -> dict[str, Any]:
    """Register every component of a valid configuration; returns the stack outputs.

    The event loop runs between one pair and the next, so the registrations of the first pairs
    reach the engine (which starts the provider plugin and works on them) while the rest are built.
    """
    needing = ecosystem.tenants_needing(config)
    group_ids = _managed_groups(config, needing[ecosystem.AZUREAD])
    pairs: dict[str, TenantPair] = {}
    for pair in config.pairs:
        name = names.pair_component(pair.a, pair.b)
        pairs[name] = TenantPair(name, TenantPairArgs(pair=pair, tenants=config.tenants, managed_group_ids=group_ids))
        for _ in range(TURNS_AFTER_EACH_PAIR):
            await asyncio.sleep(0)
    outputs: dict[str, Any] = {
        "tenants": {alias: tenant.tenant_id for alias, tenant in config.tenants.items()},
        "pairs": {name: pair.summary for name, pair in pairs.items()},
        "topology_mermaid": topology_mermaid(config),
    }
    if config.mto is not None:
        mto = MtoMembership(MTO_COMPONENT, MtoMembershipArgs(mto=config.mto, tenants=config.tenants))
        outputs["mto"] = mto.summary
    log_tenants = needing[ecosystem.AZURE_NATIVE]
    if log_tenants:
        azure_native = ecosystem.tenant_providers(log_tenants, ecosystem.AZURE_NATIVE)
        outputs["log_routing"] = {
            tenant.alias: LogRouting(
                tenant.alias, LogRoutingArgs(tenant=tenant, provider=azure_native[tenant.tenant_id])
            ).summary
            for tenant in log_tenants
        }
    return outputs


def _managed_groups(config: StackConfig, tenants: list[Tenant]) -> dict[tuple[str, str], pulumi.Output[str]]:
    """(source alias, display name) -> object id of every managed scoping group."""
    providers = ecosystem.tenant_providers(tenants, ecosystem.AZUREAD)
    ids = {}
    for alias, groups in managed_groups(config).items():
        tenant = config.tenants[alias]
        component = ManagedGroups(alias, ManagedGroupsArgs(tenant=tenant, groups=groups, provider=providers[tenant.tenant_id]))
        ids.update({(alias, name): object_id for name, object_id in component.object_ids.items()})
    return ids


async def program() -> dict[str, Any]:
    """Read and check the config, register everything, and return the stack outputs once the engine
    has answered every registration (``all_registered`` says why)."""
    values, secrets = read_ctsync_config()
    config = checked_config(values, secrets)
    outputs = await deploy(config)
    await all_registered()
    return outputs
