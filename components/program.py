"""The Pulumi program: `ctsync:*` stack config -> checked model -> components -> stack outputs.

The whole configuration is read and checked before the first resource is registered: an invalid
stack stops with every problem listed at once and leaves the tenants untouched.
"""
from __future__ import annotations

import asyncio
import gc
from typing import Any

import pulumi

from components import ecosystem
from components.contract import checked_config, read_ctsync_config
from components.diagnostics import LogRouting, LogRoutingArgs
from components.estate import organisation, summary, tenant_pairs
from components.pair import TenantPair
from components.scoping import ManagedGroups, ManagedGroupsArgs, managed_groups
from components.take_overs import say_take_overs
from providers.sdk.runtime import all_registered
from stackconfig import StackConfig, Tenant

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


async def deploy(config: StackConfig) -> dict[str, Any]:
    """Register every component of a valid configuration; returns the stack outputs.

    The event loop runs between one pair and the next, so the registrations of the first pairs
    reach the engine (which starts the provider plugin and works on them) while the rest are built.
    """
    needing = ecosystem.tenants_needing(config)
    group_ids = _managed_groups(config, needing[ecosystem.AZUREAD])
    pairs: dict[str, TenantPair] = {}
    for name, pair in tenant_pairs(config, group_ids):
        pairs[name] = pair
        for _ in range(TURNS_AFTER_EACH_PAIR):
            await asyncio.sleep(0)
    outputs = summary(config, pairs, organisation(config))
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
    config = checked_config(*read_ctsync_config())
    outputs = await deploy(config)
    await all_registered()
    await say_take_overs()
    return outputs
