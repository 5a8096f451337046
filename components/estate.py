"""Estate: a whole ctsync configuration (`sync`, `topology`, `mto`) as one component, for a program of
any language that keeps the contract in its own stack config (templates/ctsync-estate does).

Its pieces are composed here once, for it and for the stack-config program (program.py): one
TenantPair per pair of tenants the directions connect, then the organisation. The program adds
what needs other providers (managed scope groups, log routing) and keeps its resources at the
stack's root, where existing stacks have them.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components import names
from components.contract import component_config
from components.diagram import topology_mermaid
from components.mto import MtoMembership, MtoPlan
from components.pair import PairPlan, TenantPair
from stackconfig import StackConfig
from stackconfig.reader import ABSENT

TYPE = "ctsync:index:Estate"
MTO_COMPONENT = "mto"


@dataclass(frozen=True)
class EstateArgs:
    """The stack config's sections as plain values in the stack file's shape (docs/configuration.md);
    the tenants come from the stack's `ctsync:tenants` (the provider's configuration)."""

    sync: Sequence[Mapping[str, Any]] | None = None
    topology: Mapping[str, Any] | None = None
    mto: Mapping[str, Any] | None = None


def tenant_pairs(config: StackConfig, group_ids: Mapping[tuple[str, str], pulumi.Input[str]],
                 opts: pulumi.ResourceOptions | None = None) -> Iterator[tuple[str, TenantPair]]:
    """A TenantPair per pair of tenants, one at a time (the program lets the event loop run between)."""
    for pair in config.pairs:
        name = names.pair_component(pair.a, pair.b)
        yield name, TenantPair(name, PairPlan(pair=pair, tenants=config.tenants, managed_group_ids=group_ids), opts)


def organisation(config: StackConfig, opts: pulumi.ResourceOptions | None = None) -> MtoMembership | None:
    return None if config.mto is None else MtoMembership(MTO_COMPONENT, MtoPlan(mto=config.mto, tenants=config.tenants), opts)


def summary(config: StackConfig, pairs: Mapping[str, TenantPair], mto: MtoMembership | None) -> dict[str, Any]:
    """What the stack-config program exports, and what an Estate's `summary` holds."""
    return {
        "tenants": {alias: tenant.tenant_id for alias, tenant in config.tenants.items()},
        "pairs": {name: pair.summary for name, pair in pairs.items()},
        "topology_mermaid": topology_mermaid(config),
        **({"mto": mto.summary} if mto is not None else {}),
    }


class Estate(pulumi.ComponentResource):
    """Every pair's TenantPair and the MtoMembership of one ctsync configuration."""

    def __init__(self, name: str, args: EstateArgs, opts: pulumi.ResourceOptions | None = None):
        given: dict[str, Any] = {"sync": args.sync, "topology": args.topology, "mto": args.mto}
        sections: dict[str, tuple[str, Any]] = {key: (key, ABSENT if value is None else value) for key, value in given.items()}
        config = component_config(f"Estate {name}", sections)
        super().__init__(TYPE, name, None, opts)
        children = pulumi.ResourceOptions(parent=self)
        self.pairs = dict(tenant_pairs(config, {}, children))
        self.mto = organisation(config, children)
        self.summary = summary(config, self.pairs, self.mto)
