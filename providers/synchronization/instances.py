"""The configuration apps of a source tenant, and the target each provisions into.

One listing of the template's service principals (``$filter=applicationTemplateId eq ...``, page
by page) and one GET of each one's synchronization secrets, whose ``CompanyId`` names the target.
ConfigurationApp's find and ``python -m ctsync export`` both start from it.
"""
from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from providers.graph import GraphError, models
from providers.graph.paths import synchronization_builder
from providers.graph.session import TenantGraph, if_present, raw_pages
from stackconfig.values import lower_guid

COMPANY_ID = "CompanyId"


# A service principal as Graph's JSON: msgraph-sdk takes milliseconds of CPU to build a typed one
# (providers/resources/sync_job.py says why), and the create of each configuration app reads two.
ServicePrincipal = dict[str, Any]


@dataclass(frozen=True)
class TemplateInstance:
    service_principal: ServicePrincipal
    # The target tenant of its secrets; None while unconfigured (or unreadable right after creation).
    company_id: str | None
    secrets: dict[str, str]

    @property
    def service_principal_id(self) -> str:
        return self.service_principal["id"]

    @property
    def app_id(self) -> str:
        return self.service_principal["appId"]

    @property
    def display_name(self) -> str:
        return self.service_principal.get("displayName") or ""


async def template_instances(graph: TenantGraph, template_id: str) -> list[TemplateInstance]:
    query = models.ServicePrincipalsRequestBuilder.ServicePrincipalsRequestBuilderGetQueryParameters(
        filter=f"applicationTemplateId eq '{template_id}'"
    )
    found = await raw_pages(
        graph, graph.sdk.service_principals, request_configuration=models.RequestConfiguration(query_parameters=query)
    )
    return [await template_instance(graph, service_principal) for service_principal in found]


def shared_template_instances(graph: TenantGraph, template_id: str) -> Awaitable[list[TemplateInstance]]:
    """``template_instances`` read once per tenant and process, shared by every caller."""
    return graph.once(f"template-instances:{template_id}", lambda: template_instances(graph, template_id))


async def template_instance(graph: TenantGraph, service_principal: ServicePrincipal) -> TemplateInstance:
    try:
        secrets = await saved_secrets(graph, service_principal["id"]) or {}
    except GraphError as error:
        # A service principal seconds old answers 403/404 on its synchronization endpoints for a while.
        if error.status not in (403, 404):
            raise
        secrets = {}
    company_id = secrets.get(COMPANY_ID)
    return TemplateInstance(service_principal, lower_guid(company_id) if company_id else None, secrets)


async def saved_secrets(graph: TenantGraph, service_principal_id: str) -> dict[str, str] | None:
    """The saved set, key -> value (``*`` where Graph masks it); None when the app is gone."""
    raw = await if_present(graph.send("GET", synchronization_builder(graph, service_principal_id).secrets))
    return None if raw is None else {item["key"]: item.get("value") for item in (raw or {}).get("value", [])}
