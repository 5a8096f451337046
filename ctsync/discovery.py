"""What exists between a stack's tenants, read from Graph with GETs only (``python -m ctsync export``).

Per tenant: its cross-tenant access partner entries (page by page) with the identity-sync policy of
each partner that is a tenant of the stack; its multitenant organization and members; each
configuration app of the cross-tenant synchronization template, with its secrets (``CompanyId`` is
the target), job, schema, the template's default schema, and scope assignments. Nothing is written.
"""
from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from msgraph.generated.models.cross_tenant_access_policy_configuration_partner import (
    CrossTenantAccessPolicyConfigurationPartner,
)

from ctsync.errors import in_tenant
from ctsync.progress import Progress
from providers.graph.paths import assigned_to, job_builder, jobs_builder, mto_builder, policy_builder, template_schema_builder
from providers.graph.session import GraphSession, TenantGraph, all_pages, if_present, raw_pages
from providers.resources.configuration_app import TEMPLATE_ID
from providers.resources.mto_templates import MtoIdentitySyncTemplateResource, MtoPartnerTemplateResource
from providers.resources.sync_job import JOB_TEMPLATE, schedule_state
from providers.resources.sync_job_schedule import ACTIVE
from providers.resources.sync_secrets import SynchronizationSecretsInputs, observed_inputs
from providers.synchronization.instances import TemplateInstance, template_instances
from providers.synchronization.schema_views import ExportedSchema, exported_view

# Partner-entry settings ctsync never sends (they keep inheriting the tenant's default policy).
B2B_SETTINGS = ("b2b_collaboration_inbound", "b2b_collaboration_outbound", "b2b_direct_connect_inbound",
                "b2b_direct_connect_outbound", "tenant_restrictions")


@dataclass(frozen=True)
class PartnerEntry:
    tenant_id: str
    partner_tenant_id: str
    trust_mfa: bool
    trust_compliant_device: bool
    trust_hybrid_joined_device: bool
    inbound_auto_redeem: bool
    outbound_auto_redeem: bool
    # B2B collaboration / direct connect settings set on the entry (the config cannot express them).
    b2b_settings: tuple[str, ...]
    # The identity-sync policy for this partner: None = none (or partner outside the stack, not read).
    user_sync_allowed: bool | None


@dataclass(frozen=True)
class Job:
    tenant_id: str
    target_tenant_id: str
    app_display_name: str
    service_principal_id: str
    job_id: str
    template_id: str
    started: bool
    sync_all: bool
    deletion_threshold: int
    notification_email: str | None
    groups: tuple[str, ...]
    users: tuple[str, ...]
    schema: ExportedSchema


@dataclass(frozen=True)
class Organization:
    tenant_id: str  # the tenant it was read in
    display_name: str
    description: str
    members: tuple[tuple[str, str], ...]  # (tenant id, role)
    # That tenant's MTO templates, as Graph returns them (raw JSON).
    partner_template: dict[str, Any] = field(default_factory=dict)
    identity_sync_template: dict[str, Any] = field(default_factory=dict)


@dataclass
class Estate:
    partners: list[PartnerEntry] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    # Template instances that are not Azure2Azure jobs into a target, as "<tenant>: <what>".
    others: list[str] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)


PROGRESS = Progress("export")


async def discover(session: GraphSession, tenant_ids: Collection[str], names: Mapping[str, str]) -> Estate:
    """Every tenant read concurrently; ``names`` (tenant id -> alias) only labels the progress lines."""
    estate = Estate()
    await asyncio.gather(*(_labelled(session.tenant(t), set(tenant_ids), names[t], estate) for t in tenant_ids))
    return estate


async def _labelled(graph: TenantGraph, stack: set[str], name: str, estate: Estate) -> None:
    await in_tenant(f"tenant {name} ({graph.tenant_id})", _tenant(graph, stack, name, estate))


async def _tenant(graph: TenantGraph, stack: set[str], name: str, estate: Estate) -> None:
    partners = await all_pages(graph, graph.sdk.policies.cross_tenant_access_policy.partners)
    PROGRESS.step(f"{name}: {len(partners)} partner entries")
    for partner in partners:
        estate.partners.append(await _partner(graph, partner, stack))
    organization = await _organization(graph)
    if organization is not None:
        estate.organizations.append(organization)
    instances = await template_instances(graph, TEMPLATE_ID)
    PROGRESS.step(f"{name}: {len(instances)} cross-tenant synchronization apps")
    template: dict[str, Any] | None = None
    for index, instance in enumerate(instances, 1):
        if instance.company_id is None:
            estate.others.append(f"{name}: app {instance.display_name!r} ({instance.service_principal_id}) has no target yet")
            continue
        found = await _job(graph, instance, template, instance.company_id)
        if isinstance(found, str):
            estate.others.append(f"{name}: {found}")
            continue
        job, template = found
        estate.jobs.append(job)
        if index % 10 == 0:
            PROGRESS.step(f"{name}: {index}/{len(instances)} apps read")


async def _partner(graph: TenantGraph, partner: CrossTenantAccessPolicyConfigurationPartner, stack: set[str]) -> PartnerEntry:
    partner_id = (partner.tenant_id or "").lower()
    trust, consent = partner.inbound_trust, partner.automatic_user_consent_settings
    policy = None
    if partner_id in stack:
        policy = await if_present(graph.call("GET", policy_builder(graph, partner_id)))
    inbound = policy.user_sync_inbound if policy else None
    return PartnerEntry(
        tenant_id=graph.tenant_id,
        partner_tenant_id=partner_id,
        trust_mfa=bool(trust and trust.is_mfa_accepted),
        trust_compliant_device=bool(trust and trust.is_compliant_device_accepted),
        trust_hybrid_joined_device=bool(trust and trust.is_hybrid_azure_a_d_joined_device_accepted),
        inbound_auto_redeem=bool(consent and consent.inbound_allowed),
        outbound_auto_redeem=bool(consent and consent.outbound_allowed),
        b2b_settings=tuple(name for name in B2B_SETTINGS if getattr(partner, name, None) is not None),
        user_sync_allowed=None if policy is None else bool(inbound and inbound.is_sync_allowed),
    )


async def _organization(graph: TenantGraph) -> Organization | None:
    organization = await if_present(graph.call("GET", mto_builder(graph)))
    state = organization.state.value if organization and organization.state else None
    if organization is None or state != "active":
        return None
    members = await all_pages(graph, mto_builder(graph).tenants)
    return Organization(
        tenant_id=graph.tenant_id,
        display_name=organization.display_name or "",
        description=organization.description or "",
        members=tuple(((m.tenant_id or "").lower(), m.role.value if m.role else "member") for m in members),
        partner_template=await graph.send("GET", MtoPartnerTemplateResource.builder(graph)) or {},
        identity_sync_template=await graph.send("GET", MtoIdentitySyncTemplateResource.builder(graph)) or {},
    )


async def _job(graph: TenantGraph, instance: TemplateInstance, template: dict[str, Any] | None,
               target: str) -> tuple[Job, dict[str, Any]] | str:
    """The instance's Azure2Azure job (its secrets name ``target``), or why there is none."""
    sp = instance.service_principal_id
    jobs = (await graph.send("GET", jobs_builder(graph, sp)))["value"]
    found = next((job for job in jobs if job.get("templateId") == JOB_TEMPLATE), None)
    if found is None:
        kinds = ", ".join(sorted({job.get("templateId") or "?" for job in jobs})) or "none"
        return f"app {instance.display_name!r} ({sp}) has no {JOB_TEMPLATE} job (templates: {kinds})"
    document = await graph.send("GET", job_builder(graph, sp, found["id"]).schema)
    if template is None:
        template = await graph.send("GET", template_schema_builder(graph, sp, JOB_TEMPLATE))
    secrets = observed_inputs(SynchronizationSecretsInputs(graph.tenant_id, sp, target), instance.secrets)
    if secrets is None:
        return f"app {instance.display_name!r} ({sp}) has no target in its secrets"
    assignments = await raw_pages(graph, assigned_to(graph, sp))
    principals = {kind: tuple(str(a["principalId"]).lower() for a in assignments if a.get("principalType") == kind)
                  for kind in ("Group", "User")}
    return Job(
        tenant_id=graph.tenant_id,
        target_tenant_id=target,
        app_display_name=instance.display_name,
        service_principal_id=sp,
        job_id=found["id"],
        template_id=found["templateId"],
        started=schedule_state(found) == ACTIVE,
        sync_all=secrets.sync_all,
        deletion_threshold=secrets.deletion_threshold,
        notification_email=secrets.notification_email,
        groups=principals["Group"],
        users=principals["User"],
        schema=exported_view(document, template),
    ), template
