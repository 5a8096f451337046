"""``python -m ctsync mto-status``: the multitenant organisation as Graph has it now (GETs only).

Joins, role changes and removals complete hours after the request that starts them (Graph shows
``transitionDetails`` meanwhile), and `pulumi up` and `pulumi destroy` do not wait for them. This
is how to follow one to its end: each tenant the owner's organisation lists, with its role, its
state and the change still in transit, and the tenants the stack declares that it does not list.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from ctsync.tables import aligned
from providers.graph import models
from providers.graph.paths import mto_builder
from providers.graph.session import GraphSession, all_pages, if_present
from stackconfig import StackConfig

SETTLED, IN_TRANSIT, ABSENT = "settled", "in transit", "not in it"


@dataclass(frozen=True)
class MemberRow:
    tenant: str  # the alias, or the id of a tenant the stack does not declare
    tenant_id: str
    role: str
    state: str
    moving_to: str  # "" when nothing is in transit
    transition: str  # Graph's transition status (submitted, pending, succeeded, failed), or ""

    @property
    def verdict(self) -> str:
        if self.state == ABSENT:
            return ABSENT
        return IN_TRANSIT if self.moving_to or self.state == "pending" else SETTLED


def _text(enum: Any) -> str:
    return str(enum.value) if enum is not None and hasattr(enum, "value") else str(enum or "")


def _row(member: models.MultiTenantOrganizationMember, aliases: dict[str, str]) -> MemberRow:
    details = member.transition_details
    desired = [f"{what} {_text(value)}" for what, value in
               (("state", details.desired_state if details else None), ("role", details.desired_role if details else None))
               if _text(value)]
    tenant_id = str(member.tenant_id or "").lower()
    return MemberRow(tenant=aliases.get(tenant_id, tenant_id), tenant_id=tenant_id, role=_text(member.role),
                     state=_text(member.state), moving_to=", ".join(desired), transition=_text(details.status if details else None))


async def read_organisation(session: GraphSession, config: StackConfig) -> tuple[str | None, list[MemberRow]]:
    """The organisation's name as the owner tenant reads it (None: it has none) and a row per tenant."""
    assert config.mto is not None
    aliases = {tenant.tenant_id: alias for alias, tenant in config.tenants.items()}
    graph = session.tenant(config.tenants[config.mto.owner].tenant_id)
    organisation = await if_present(graph.call("GET", mto_builder(graph)))
    members = await if_present(all_pages(graph, mto_builder(graph).tenants)) or []
    rows = [_row(member, aliases) for member in members]
    listed = {row.tenant_id for row in rows}
    rows += [MemberRow(alias, config.tenants[alias].tenant_id, "", ABSENT, "", "")
             for alias in config.mto.tenants if config.tenants[alias].tenant_id not in listed]
    name = organisation.display_name if organisation is not None and members else None
    return name, rows


def as_table(name: str | None, rows: list[MemberRow]) -> str:
    header = f"organisation: {name}" if name else "organisation: none in the owner tenant (deleted, or not created yet)"
    columns = ("TENANT", "ROLE", "STATE", "MOVING TO", "TRANSITION", "VERDICT")
    cells = [columns, *[(r.tenant, r.role, r.state, r.moving_to, r.transition, r.verdict) for r in rows]]
    return "\n".join([header, *aligned(cells)]) + "\n"


def as_json(name: str | None, rows: list[MemberRow]) -> str:
    return json.dumps({"organisation": name, "tenants": [{**asdict(r), "verdict": r.verdict} for r in rows]}, indent=2)
