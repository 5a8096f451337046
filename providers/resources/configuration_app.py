"""The source tenant's configuration app (``/applicationTemplates/{id}/instantiate``, ``/applications``).

An instance of the gallery template "Cross-tenant synchronization": one application and its service
principal, which carries the synchronization job, its secrets and the ``msiam_access`` scope role.
One such app serves one target tenant, so an existing one is found by what it does, not by its
name: the instance whose synchronization secrets name the target (``CompanyId``). That is how an app
made in the Entra admin center (named by hand) is taken over instead of doubled. Instantiating is
not idempotent either: a run interrupted between instantiate and writing the secrets leaves an
instance with no ``CompanyId``, which is found by the display name ctsync gives (its own, not taken
over).

The application carries the owner marker (a tag ``ctsync:stack=<project>/<stack>``): the job, its
schema, secrets and scope hang off its service principal, so whoever owns the app owns the direction.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from providers.framework import GraphResource, Observed, attribute, computed, known, notice
from providers.framework.values import guid, lower_guid, plain_text
from providers.graph import models
from providers.graph.paths import application_builder
from providers.graph.retry import not_found, until_healed
from providers.graph.session import TenantGraph, if_present
from providers.synchronization.instances import (
    ServicePrincipal,
    TemplateInstance,
    shared_template_instances,
    template_instance,
)

TEMPLATE_ID = "518e5f48-1fc8-4c48-9387-9fdf28b0dfe7"
SCOPE_ROLE = "msiam_access"
# Application tags are free strings "to categorize and identify the application"
# (https://learn.microsoft.com/en-us/graph/api/resources/application): one of them names the owner.
OWNER_TAG = "ctsync:stack="
# An application as Graph's JSON, read raw as its service principal is (providers/synchronization/instances.py).
Application = dict[str, Any]


@dataclass(frozen=True)
class ConfigurationAppInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    display_name: str = attribute(set_on_create=True, validate=plain_text, description="the name of a new app")
    target_tenant_id: str | None = attribute(
        default=None, normalize=lower_guid, validate=guid,
        description="the tenant the app provisions into: an existing app is found by its CompanyId",
    )


@dataclass(frozen=True)
class ConfigurationAppState:
    application_object_id: str | None = computed()
    app_id: str | None = computed()
    service_principal_id: str | None = computed(description="the object id the synchronization URLs use")
    app_role_id: str | None = computed(description="the msiam_access role of this instance; scope assignments use it")


class ConfigurationAppResource(GraphResource[ConfigurationAppInputs, ConfigurationAppState]):
    """The cross-tenant synchronization configuration app in source tenant ``tenant_id``."""

    module = "synchronization"
    type_name = "ConfigurationApp"
    id_format = "{tenant_id}/applications/{application_object_id}"
    marks_owner = True

    async def find(self, inputs: ConfigurationAppInputs) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        # Every create in a tenant consults the same scan: one listing per tenant and run.
        instances = await shared_template_instances(graph, TEMPLATE_ID)
        instance = _serving(instances, inputs)
        if instance is None:
            return None
        application = await until_healed(lambda: self._application_of(graph, instance.app_id), not_found)
        observed = ConfigurationAppInputs(inputs.tenant_id, application.get("displayName") or "", inputs.target_tenant_id)
        # The name ctsync gives: an app of its own that an interrupted run left behind.
        own = instance.display_name == inputs.display_name
        return Observed(observed, _app_state(application, instance.service_principal), taken_over=not own,
                        owner=_owner(application))

    async def create(self, inputs: ConfigurationAppInputs) -> ConfigurationAppState:
        graph = self.tenant(inputs.tenant_id)
        template = graph.sdk.application_templates.by_application_template_id(TEMPLATE_ID)
        instance = await graph.send("POST", template.instantiate, {"displayName": inputs.display_name})
        if self.owner:
            await self._tag(graph, instance["application"], self.owner)
        service_principal = await until_healed(
            lambda: graph.send("GET", graph.sdk.service_principals.by_service_principal_id(instance["servicePrincipal"]["id"])),
            not_found,
        )
        return _app_state(instance["application"], service_principal)

    async def read(self, inputs: ConfigurationAppInputs, state: ConfigurationAppState) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        application = await if_present(graph.send("GET", application_builder(graph, known(state.application_object_id, "application_object_id"))))
        if application is None:
            return None
        observed = ConfigurationAppInputs(inputs.tenant_id, application.get("displayName"), inputs.target_tenant_id)
        if state.service_principal_id is None:
            # An import knows only the application: its service principal carries the rest, and
            # the target is in its secrets.
            service_principal = await graph.send("GET", graph.sdk.service_principals_with_app_id(application["appId"]))
            instance = await template_instance(graph, service_principal)
            state = _app_state(application, service_principal)
            observed = dataclasses.replace(observed, target_tenant_id=instance.company_id)
        return Observed(observed, state)

    async def update(
        self, olds: ConfigurationAppInputs, news: ConfigurationAppInputs, state: ConfigurationAppState
    ) -> ConfigurationAppState:
        # Only target_tenant_id can change in place, and it is how the app is found, not a Graph property.
        return state

    async def delete(self, inputs: ConfigurationAppInputs, state: ConfigurationAppState) -> None:
        # The service principal goes with its application (both soft-deleted for 30 days), and with
        # it the job, its schema, secrets and scope assignments.
        graph = self.tenant(inputs.tenant_id)
        await if_present(graph.call("DELETE", application_builder(graph, known(state.application_object_id, "application_object_id"))))
        # Entra deletes no provisioned user when a job goes: say so, since destroy suggests otherwise.
        target = self.named(inputs.target_tenant_id) if inputs.target_tenant_id else "the target tenant"
        notice(f"{self.type_name}: the sync from {self.named(inputs.tenant_id)} to {target} is deleted; the users it "
               f"provisioned stay in {target} as they are (docs/operations.md, \"What destroy leaves\")")

    async def mark_owner(self, inputs: ConfigurationAppInputs, state: ConfigurationAppState, owner: str) -> None:
        graph = self.tenant(inputs.tenant_id)
        application = await until_healed(lambda: graph.send("GET", application_builder(graph, known(state.application_object_id, "application_object_id"))), not_found)
        await self._tag(graph, application, owner)

    @staticmethod
    async def _tag(graph: TenantGraph, application: Application, owner: str) -> None:
        others = [tag for tag in application.get("tags") or [] if not tag.startswith(OWNER_TAG)]
        # A new application may not be visible to every replica yet.
        await until_healed(
            lambda: graph.call(
                "PATCH", application_builder(graph, application["id"]), models.Application(tags=others + [OWNER_TAG + owner])
            ),
            not_found,
        )

    async def owner_of(self, inputs: ConfigurationAppInputs, state: ConfigurationAppState) -> str | None:
        graph = self.tenant(inputs.tenant_id)
        application = await if_present(graph.send("GET", application_builder(graph, known(state.application_object_id, "application_object_id"))))
        return _owner(application) if application else None

    async def _application_of(self, graph: TenantGraph, app_id: str) -> Application:
        return await graph.send("GET", graph.sdk.applications_with_app_id(app_id))


def _serving(instances: list[TemplateInstance], inputs: ConfigurationAppInputs) -> TemplateInstance | None:
    """The instance that provisions into the target; else one an interrupted run of ours left unconfigured."""
    by_target = [i for i in instances if inputs.target_tenant_id and i.company_id == inputs.target_tenant_id]
    unconfigured = [i for i in instances if i.company_id is None and i.display_name == inputs.display_name]
    return next(iter(by_target or unconfigured), None)


def _owner(application: Application) -> str | None:
    return next((tag[len(OWNER_TAG):] for tag in application.get("tags") or [] if tag.startswith(OWNER_TAG)), None)


def _scope_role_id(service_principal: ServicePrincipal) -> str:
    roles = [role for role in service_principal.get("appRoles") or [] if role.get("displayName") == SCOPE_ROLE]
    if not roles:
        raise RuntimeError(
            f"service principal {service_principal['id']} has no {SCOPE_ROLE} app role: "
            f"it is not an instance of the cross-tenant synchronization template {TEMPLATE_ID}"
        )
    return str(roles[0]["id"])


def _app_state(application: Application, service_principal: ServicePrincipal) -> ConfigurationAppState:
    return ConfigurationAppState(
        application_object_id=application["id"],
        app_id=application["appId"],
        service_principal_id=service_principal["id"],
        app_role_id=_scope_role_id(service_principal),
    )
