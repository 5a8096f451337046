"""From what exists (``discovery.Estate``) to the stack config's ``ctsync:sync`` and ``ctsync:mto``.

Pure: no Graph, no file. Each entry carries where it came from (written as a comment). What the
config cannot express, so that the first ``pulumi up`` would change it, is a *gap* (the export fails
unless ``--allow-partial``); what ctsync will simply not manage (a tenant outside the stack, a partner
entry of a pair with no sync) is a *note*.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ctsync.discovery import Estate, Job, Organization, PartnerEntry
from providers.resources.mto_templates import applies_to, identity_sync_template_at_defaults, partner_template_at_defaults
from stackconfig import TargetObjectActions
from stackconfig.model import DEFAULT_DELETION_THRESHOLD


@dataclass(frozen=True)
class Entry:
    value: dict[str, Any]
    origin: str


@dataclass
class Exported:
    sync: list[Entry] = field(default_factory=list)
    mto: Entry | None = None
    gaps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def export(estate: Estate, aliases: Mapping[str, str]) -> Exported:
    """``aliases``: tenant id -> alias of every tenant of the stack."""
    result = Exported()
    partners = {(p.tenant_id, p.partner_tenant_id): p for p in estate.partners}
    jobs = [job for job in estate.jobs if _in_stack(job, aliases, result)]
    directions = {(job.tenant_id, job.target_tenant_id) for job in jobs}
    for job in sorted(jobs, key=lambda j: (aliases[j.tenant_id], aliases[j.target_tenant_id])):
        result.sync.append(_sync_entry(job, partners, aliases, result))
    _check_partners(partners, directions, aliases, result)
    result.notes += estate.others
    result.mto = _mto(estate.organizations, aliases, result)
    return result


def _in_stack(job: Job, aliases: Mapping[str, str], result: Exported) -> bool:
    if job.target_tenant_id in aliases:
        return True
    result.notes.append(
        f"{aliases[job.tenant_id]}: job {job.job_id} provisions into {job.target_tenant_id}, a tenant outside "
        "the stack: not written"
    )
    return False


def _sync_entry(job: Job, partners: Mapping[tuple[str, str], PartnerEntry], aliases: Mapping[str, str],
                result: Exported) -> Entry:
    source, target = aliases[job.tenant_id], aliases[job.target_tenant_id]
    where = f"{source} -> {target} (job {job.job_id})"
    entry: dict[str, Any] = {"from": source, "to": target}
    inbound = partners.get((job.target_tenant_id, job.tenant_id))
    trust = {key: True for key, on in (("mfa", inbound and inbound.trust_mfa),
                                       ("compliantDevice", inbound and inbound.trust_compliant_device),
                                       ("hybridJoinedDevice", inbound and inbound.trust_hybrid_joined_device)) if on}
    if trust:
        entry["trust"] = trust
    if job.schema.user_type != "Member":
        entry["userType"] = job.schema.user_type
    entry["scope"] = _scope(job, where, result)
    entry["removeDisabledUsers"] = job.schema.remove_disabled_users
    if job.deletion_threshold != DEFAULT_DELETION_THRESHOLD:
        entry["deletionThreshold"] = job.deletion_threshold
    if job.deletion_threshold == 0:
        entry["allowUnlimitedDeletions"] = True  # as the job is: prevention off, said explicitly
    if job.notification_email:
        entry["notificationEmail"] = job.notification_email
    if job.schema.attribute_mappings:
        entry["attributeMappings"] = [dict(m) for m in job.schema.attribute_mappings]
    if job.schema.provision_groups:
        entry["provisionGroups"] = True
    actions = _target_object_actions(job.schema.flow_types)
    if actions:
        entry["targetObjectActions"] = actions
    if not job.started:
        entry["start"] = False
    result.gaps += [f"{where}: {gap}" for gap in job.schema.unsupported]
    origin = (f"from job {job.job_id} of app {job.app_display_name!r} (service principal {job.service_principal_id}) "
              f"in {source}, provisioning into {target} (CompanyId)")
    return Entry(entry, origin)


def _target_object_actions(flow_types: str) -> dict[str, bool]:
    """The actions the job's user mapping leaves out (say, Delete turned off in the admin center)."""
    flags = {flag.strip() for flag in flow_types.split(",")}
    return {action: False for action, flag in TargetObjectActions.FLOW_TYPES if flag not in flags}


def _scope(job: Job, where: str, result: Exported) -> dict[str, Any]:
    filters = [dict(f) for f in job.schema.scope_filters]
    if job.sync_all:
        return {"filters": filters} if filters else {"allUsers": True}
    scope: dict[str, Any] = {}
    if job.groups:
        scope["groups"] = list(job.groups)
    if job.users:
        scope["users"] = list(job.users)
    if filters:
        scope["filters"] = filters
    if not (job.groups or job.users):
        result.gaps.append(f"{where}: the job syncs assigned users only and nobody is assigned; the config needs a scope")
    return scope


def _check_partners(partners: Mapping[tuple[str, str], PartnerEntry], directions: set[tuple[str, str]],
                    aliases: Mapping[str, str], result: Exported) -> None:
    """Each entry of a synced pair as the config will declare it; the rest is left unmanaged."""
    synced_pairs = {frozenset(d) for d in directions}
    for (tenant, partner), entry in sorted(partners.items()):
        if partner not in aliases:
            result.notes.append(f"{aliases[tenant]}: partner entry for {partner}, a tenant outside the stack: not written")
            continue
        if frozenset((tenant, partner)) not in synced_pairs:
            result.notes.append(f"{aliases[tenant]}: partner entry for {aliases[partner]}: no sync between them, "
                                "so ctsync leaves it unmanaged")
            continue
        where = f"{aliases[tenant]}: partner entry for {aliases[partner]}"
        result.gaps += [f"{where}: {gap}" for gap in _entry_gaps(entry, directions)]
    for source, target in sorted(directions):
        if (target, source) not in partners:
            result.notes.append(f"{aliases[target]}: no partner entry for {aliases[source]} yet: pulumi up creates it")


def _entry_gaps(entry: PartnerEntry, directions: set[tuple[str, str]]) -> list[str]:
    inbound = (entry.partner_tenant_id, entry.tenant_id) in directions
    outbound = (entry.tenant_id, entry.partner_tenant_id) in directions
    gaps = [f"B2B settings the config cannot express are set ({', '.join(entry.b2b_settings)})"] if entry.b2b_settings else []
    if not inbound and (entry.trust_mfa or entry.trust_compliant_device or entry.trust_hybrid_joined_device):
        gaps.append("trusts the partner's claims, but no sync comes in from it (the config trusts only a source)")
    if entry.inbound_auto_redeem != inbound:
        gaps.append(f"inbound automatic redemption is {_on(entry.inbound_auto_redeem)}; the config sets it "
                    f"{_on(inbound)} (on exactly when a sync comes in)")
    if entry.outbound_auto_redeem != outbound:
        gaps.append(f"outbound automatic redemption is {_on(entry.outbound_auto_redeem)}; the config sets it "
                    f"{_on(outbound)} (on exactly when a sync goes out)")
    if inbound and entry.user_sync_allowed is False:
        gaps.append("its identity-sync policy blocks inbound user sync, which the incoming job needs")
    return gaps


def _on(value: bool) -> str:
    return "on" if value else "off"


def _mto(organizations: list[Organization], aliases: Mapping[str, str], result: Exported) -> Entry | None:
    owned = [o for o in organizations if dict(o.members).get(o.tenant_id) == "owner"]
    if not owned:
        return None
    organization = owned[0]
    owner = aliases[organization.tenant_id]
    members = [tenant for tenant, role in organization.members if tenant != organization.tenant_id]
    outside = [tenant for tenant in members if tenant not in aliases]
    result.notes += [f"MTO {organization.display_name!r}: member {t} is outside the stack: not written" for t in outside]
    roles = dict(organization.members)
    value: dict[str, Any] = {"displayName": organization.display_name, "owner": owner}
    if organization.description:
        value["description"] = organization.description
    inside = sorted(t for t in members if t in aliases)
    if inside:
        # A further owner is written as {tenant, role: owner}; a member as its alias.
        value["members"] = [{"tenant": aliases[t], "role": "owner"} if roles.get(t) == "owner" else aliases[t]
                            for t in sorted(inside, key=lambda t: aliases[t])]
    templates = _templates([o for o in organizations if o.tenant_id in aliases], organization.display_name, result)
    if templates:
        value["templates"] = templates
    return Entry(value, f"from the multitenant organization owned by {owner} ({organization.tenant_id})")


def _templates(organizations: list[Organization], name: str, result: Exported) -> dict[str, Any]:
    """ctsync:mto.templates when every MTO tenant of the stack has the same ones (the config sets one
    pair for all); a difference is a gap."""
    written: dict[str, Any] = {}
    for key, attribute, at_defaults, view in (
        ("partnerConfiguration", "partner_template", partner_template_at_defaults, _partner_template_view),
        ("identitySync", "identity_sync_template", identity_sync_template_at_defaults, _identity_template_view),
    ):
        read = [(o.tenant_id, getattr(o, attribute)) for o in organizations]
        views = {tenant: (None if at_defaults(template) else view(template)) for tenant, template in read}
        distinct = {json.dumps(v, sort_keys=True) for v in views.values()}
        if len(distinct) > 1:
            result.gaps.append(f"MTO {name!r}: the {key} template differs between its tenants; the config sets one for all")
        elif views and next(iter(views.values())) is not None:
            written[key] = next(iter(views.values()))
    return written


def _apply_to(level: str | None) -> dict[str, Any]:
    new, existing = applies_to(level)
    return {} if (new, existing) == (True, True) else {"applyTo": [n for n, on in (("newPartners", new), ("existingPartners", existing)) if on]}


def _partner_template_view(document: dict[str, Any]) -> dict[str, Any]:
    trust = {key: document["inboundTrust"].get(graph) for key, graph in (
        ("mfa", "isMfaAccepted"), ("compliantDevice", "isCompliantDeviceAccepted"),
        ("hybridJoinedDevice", "isHybridAzureADJoinedDeviceAccepted"))} if document.get("inboundTrust") else {}
    consent = document.get("automaticUserConsentSettings") or {}
    redemption = {key: consent.get(graph) for key, graph in (("inbound", "inboundAllowed"), ("outbound", "outboundAllowed"))}
    view: dict[str, Any] = {}
    if any(value is not None for value in trust.values()):
        view["trust"] = {k: v for k, v in trust.items() if v is not None}
    if any(value is not None for value in redemption.values()):
        view["automaticRedemption"] = {k: v for k, v in redemption.items() if v is not None}
    return {**view, **_apply_to(document.get("templateApplicationLevel"))}


def _identity_template_view(document: dict[str, Any]) -> dict[str, Any]:
    allowed = (document.get("userSyncInbound") or {}).get("isSyncAllowed")
    return {**({"userSyncInbound": allowed} if allowed is not None else {}), **_apply_to(document.get("templateApplicationLevel"))}
