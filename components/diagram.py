"""The stack's topology as a Mermaid flowchart: tenants, sync directions with their trust, the MTO.

A pure function of the config model (no Pulumi), shared by the program's `topology_mermaid` output
and `scripts/render_topology.py`, which writes it into docs/topology-<stack>.md.
"""
from __future__ import annotations

from stackconfig import DirectionalSync, StackConfig, Tenant

_TRUST_NAMES = (("mfa", "MFA"), ("compliant_device", "compliant device"), ("hybrid_joined_device", "hybrid-joined device"))
# Mermaid entity codes: quotes and angle brackets would end or open something in a label.
_ESCAPES = {'"': "#quot;", "<": "#lt;", ">": "#gt;"}


def topology_mermaid(config: StackConfig) -> str:
    """Mermaid source; node ids follow the sorted aliases, so equal configs give equal text."""
    ids = {alias: f"t{index}" for index, alias in enumerate(sorted(config.tenants))}
    mto = config.mto
    in_mto = set() if mto is None else {mto.owner, *mto.members}
    lines = ["flowchart LR"]
    if mto is not None:
        lines.append(f'  subgraph mto["MTO: {_escape(mto.display_name)}"]')
        lines += [f"    {_node(ids[alias], config.tenants[alias], alias == mto.owner)}" for alias in sorted(in_mto)]
        lines.append("  end")
    lines += [f"  {_node(ids[alias], tenant, False)}" for alias, tenant in sorted(config.tenants.items()) if alias not in in_mto]
    lines += [f"  {_edge(ids, sync)}" for sync in config.syncs]
    return "\n".join(lines) + "\n"


def _node(node_id: str, tenant: Tenant, owner: bool) -> str:
    name = tenant.display_name if tenant.display_name == tenant.alias else f"{tenant.display_name} ({tenant.alias})"
    role = "<br/>MTO owner" if owner else ""
    return f'{node_id}["{_escape(name)}<br/>{tenant.tenant_id}{role}"]'


def _edge(ids: dict[str, str], sync: DirectionalSync) -> str:
    """Solid when the job runs, dotted when it is left paused (start: false)."""
    arrow = "-->" if sync.start else "-.->"
    trusted = [name for flag, name in _TRUST_NAMES if getattr(sync.trust, flag)]
    parts = [sync.user_type, "trusts " + ", ".join(trusted) if trusted else "no trust"]
    if not sync.start:
        parts.append("paused")
    return f'{ids[sync.source]} {arrow}|"{_escape("; ".join(parts))}"| {ids[sync.target]}'


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(char, char) for char in text)
