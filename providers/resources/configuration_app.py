"""The source tenant's configuration app (``/applicationTemplates/{id}/instantiate``, ``/applications``).

An instance of the gallery template "Cross-tenant synchronization": one application and its service
principal, which carries the synchronization job, its secrets and the ``msiam_access`` scope role.
Instantiating is not idempotent, so a run interrupted between instantiate and recording the result
would leave a twin on the next run: create first looks for an application of the same template and
display name and adopts it. That makes the display name the natural key: keep it unique per source
tenant (the components name the app after its target tenant).
"""
from __future__ import annotations

from dataclasses import dataclass

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.application_templates.item.instantiate.instantiate_post_request_body import (
    InstantiatePostRequestBody,
)
from msgraph.generated.applications.applications_request_builder import ApplicationsRequestBuilder
from msgraph.generated.models.application import Application
from msgraph.generated.models.service_principal import ServicePrincipal

from providers.framework import GraphResource, Observed, adoption_notice
from providers.framework import attribute, computed
from providers.framework.values import guid, lower_guid
from providers.graph.retry import not_found, until_healed
from providers.graph.session import TenantGraph, if_present

TEMPLATE_ID = "518e5f48-1fc8-4c48-9387-9fdf28b0dfe7"
SCOPE_ROLE = "msiam_access"


@dataclass(frozen=True)
class ConfigurationAppInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    display_name: str = attribute(description="natural key: unique per source tenant")


@dataclass(frozen=True)
class ConfigurationAppState:
    application_object_id: str = computed()
    app_id: str = computed()
    service_principal_id: str = computed(description="the object id the synchronization URLs use")
    app_role_id: str = computed(description="the msiam_access role of this instance; scope assignments use it")
    adopted: bool = computed(description="create found the app of an interrupted earlier run")


class ConfigurationAppResource(GraphResource[ConfigurationAppInputs, ConfigurationAppState]):
    """The cross-tenant synchronization configuration app in source tenant ``tenant_id``."""

    module = "synchronization"
    type_name = "ConfigurationApp"
    id_format = "{tenant_id}/applications/{application_object_id}"
    Inputs = ConfigurationAppInputs
    State = ConfigurationAppState

    async def create(self, inputs: ConfigurationAppInputs) -> ConfigurationAppState:
        graph = self.tenant(inputs.tenant_id)
        application = await self._find(graph, inputs.display_name)
        adopted = application is not None
        if adopted:
            adoption_notice(self.type_name, f"application {application.id} ({inputs.display_name!r}) in {inputs.tenant_id}")
            service_principal = await until_healed(lambda: self._service_principal_of(graph, application.app_id), not_found)
        else:
            instance = await self._instantiate(graph, inputs.display_name)
            application = instance.application
            service_principal = await until_healed(
                lambda: self._service_principal(graph, instance.service_principal.id), not_found
            )
        return _app_state(application, service_principal, adopted)

    async def read(self, inputs: ConfigurationAppInputs, state: ConfigurationAppState) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        application = await if_present(graph.call("GET", _application(graph, state.application_object_id)))
        if application is None:
            return None
        observed = ConfigurationAppInputs(tenant_id=inputs.tenant_id, display_name=application.display_name)
        if state.service_principal_id is None:
            # An import knows only the application: its service principal carries the rest.
            service_principal = await self._service_principal_of(graph, application.app_id)
            state = _app_state(application, service_principal, adopted=True)
        return Observed(observed, state)

    async def update(
        self, olds: ConfigurationAppInputs, news: ConfigurationAppInputs, state: ConfigurationAppState
    ) -> ConfigurationAppState:
        graph = self.tenant(news.tenant_id)
        await graph.call("PATCH", _application(graph, state.application_object_id), Application(display_name=news.display_name))
        return state

    async def delete(self, inputs: ConfigurationAppInputs, state: ConfigurationAppState) -> None:
        # The service principal goes with its application (both soft-deleted for 30 days), and with
        # it the job, its schema, secrets and scope assignments.
        graph = self.tenant(inputs.tenant_id)
        await if_present(graph.call("DELETE", _application(graph, state.application_object_id)))

    async def _find(self, graph: TenantGraph, display_name: str) -> Application | None:
        """The template instance an earlier, interrupted run left under this display name, if any."""
        quoted = display_name.replace("'", "''")  # OData string literal escaping
        query = ApplicationsRequestBuilder.ApplicationsRequestBuilderGetQueryParameters(
            filter=f"displayName eq '{quoted}'"
        )
        found = await graph.call(
            "GET", graph.sdk.applications, request_configuration=RequestConfiguration(query_parameters=query)
        )
        instances = [app for app in (found.value or []) if (app.application_template_id or "").lower() == TEMPLATE_ID]
        return instances[0] if instances else None

    async def _instantiate(self, graph: TenantGraph, display_name: str):
        template = graph.sdk.application_templates.by_application_template_id(TEMPLATE_ID)
        return await graph.call("POST", template.instantiate, InstantiatePostRequestBody(display_name=display_name))

    async def _service_principal(self, graph: TenantGraph, service_principal_id: str) -> ServicePrincipal:
        return await graph.call("GET", graph.sdk.service_principals.by_service_principal_id(service_principal_id))

    async def _service_principal_of(self, graph: TenantGraph, app_id: str) -> ServicePrincipal:
        return await graph.call("GET", graph.sdk.service_principals_with_app_id(app_id))


def _scope_role_id(service_principal: ServicePrincipal) -> str:
    roles = [role for role in service_principal.app_roles or [] if role.display_name == SCOPE_ROLE]
    if not roles:
        raise RuntimeError(
            f"service principal {service_principal.id} has no {SCOPE_ROLE} app role: "
            f"it is not an instance of the cross-tenant synchronization template {TEMPLATE_ID}"
        )
    return str(roles[0].id)



def _application(graph: TenantGraph, application_object_id: str):
    return graph.sdk.applications.by_application_id(application_object_id)


def _app_state(application: Application, service_principal: ServicePrincipal, adopted: bool) -> ConfigurationAppState:
    return ConfigurationAppState(
        application_object_id=application.id,
        app_id=application.app_id,
        service_principal_id=service_principal.id,
        app_role_id=_scope_role_id(service_principal),
        adopted=adopted,
    )
