"""The synchronization job's schema (``/servicePrincipals/{sp}/synchronization/jobs/{job}/schema``).

Always raw JSON, never the SDK's typed model, which drops flags enums such as
``objectMapping.flowTypes`` (observed with msgraph-sdk 1.65); the edits themselves are pure and live in
``providers/synchronization/schema_edits.py``. A PUT replaces the whole schema and restarts a full synchronization, so
create and update send one only when the normalised document really changes.

Delete gives back what ctsync took over (the attribute mappings it found before setting them, for a
fresh job the template's defaults, and without the scope clauses it wrote), with one PUT if that
changes anything. A job that is gone already (404) has no schema to give back. Refresh reports the
resource gone when its job is gone, or when the schema is as delete leaves it (``given_back``).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from providers.framework import GraphResource, Observed, attribute, computed
from providers.framework.values import guid, lower_guid, one_of
from providers.graph.paths import Builder, job_builder, template_schema_builder
from providers.graph.retry import until_sync_ready
from providers.graph.session import TenantGraph, if_present
from providers.resources.sync_job import JOB_TEMPLATE
from providers.synchronization.schema_checks import (
    canonical_filters,
    canonical_mappings,
    invalid_filters,
    invalid_flow_types,
    invalid_mappings,
)
from providers.synchronization.schema_edits import Baseline, ManagedSchema, desired_schema, given_back, unknown_attributes
from providers.synchronization.schema_json import (
    ALL_FLOW_TYPES,
    SchemaError,
    canonical_flow_types,
    normalized,
    without_annotations,
)
from providers.synchronization.schema_template import drift_from_template, restore_template
from providers.synchronization.schema_views import imported_view, managed_view
from stackconfig.values import USER_TYPES


@dataclass(frozen=True)
class SynchronizationSchemaInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    service_principal_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    job_id: str = attribute(replace=True, description="e.g. Azure2Azure.<hex>.<guid>")
    user_type: str = attribute(default="Member", validate=one_of(*USER_TYPES),
                               description="Member (external member) or Guest; applied to existing users too")
    remove_disabled_users: bool = attribute(
        default=False, description="scope on accountEnabled IS TRUE, so disabled users leave the target"
    )
    scope_filters: list = attribute(default=[], normalize=canonical_filters, validate=invalid_filters,
                                    description="[{attribute, operator, values}], AND-ed into every scope group")
    attribute_mappings: list = attribute(
        default=[], normalize=canonical_mappings, validate=invalid_mappings,
        description="[{target, source | constant | expression, flow?, default?} | {target, remove: true}]",
    )
    provision_groups: bool = attribute(
        default=False, description="enable the group object mapping: assigned security groups are provisioned (preview)"
    )
    flow_types: str = attribute(
        default=ALL_FLOW_TYPES, normalize=canonical_flow_types, validate=invalid_flow_types,
        description="the user object mapping's flowTypes: what the job may do to users in the target (Add, Update, Delete)",
    )
    unmanaged_attributes: list = attribute(
        default=[], description="target attributes whose mappings the stack leaves to the admin center: not compared "
        "with the template's defaults, not restored (\"*\": every one it does not declare)",
    )
    template_drift: list = attribute(
        default=[], description="how the user mapping differs from the template's defaults where the stack declares "
        "nothing (refresh reads it; declare it empty: up restores the template's)",
    )


@dataclass(frozen=True)
class SynchronizationSchemaState:
    schema_version: str | None = computed()
    baseline: str | None = computed(description="JSON: the mappings ctsync found before setting them and the clauses it wrote")


def managed(inputs: SynchronizationSchemaInputs) -> ManagedSchema:
    return ManagedSchema(
        user_type=inputs.user_type,
        remove_disabled_users=inputs.remove_disabled_users,
        scope_filters=tuple(inputs.scope_filters),
        attribute_mappings=tuple(inputs.attribute_mappings),
        provision_groups=inputs.provision_groups,
        flow_types=inputs.flow_types,
    )


def schema_builder(graph: TenantGraph, inputs: SynchronizationSchemaInputs) -> Builder:
    return job_builder(graph, inputs.service_principal_id, inputs.job_id).schema


# Microsoft: the manager flows only when both users are in scope; configurations made before January
# 2024 must add the mapping; users already provisioned need a full restart; a manager removed in the
# source is not cleared in the target
# (https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure).
MANAGER_ADDED = (
    "adds the manager mapping: the schema update restarts the job's synchronization in full (Graph does so on every "
    "schema change), so users already in the target get their manager's copy in the next cycles, once the manager is "
    "in scope too; a manager removed in the source is not cleared in the target"
)


def maps_manager(mappings: list) -> bool:
    return any(str(m.get("target", "")).lower() == "manager" and not m.get("remove") for m in mappings or [])


class SynchronizationSchemaResource(GraphResource[SynchronizationSchemaInputs, SynchronizationSchemaState]):
    """The user mapping of a cross-tenant synchronization job (userType, attribute mappings, scoping),
    and whether its group object mapping is enabled.

    An import reads back the userType and the scope clauses, not the attribute mappings (see
    ``schema_views.imported_view``); an imported schema has an empty baseline, so delete leaves
    the mappings as they are."""

    module = "synchronization"
    type_name = "SynchronizationSchema"
    # Ids written by the dynamic-provider versions lack the tenant ("{sp}/jobs/{job}/schema"); they
    # still work, since the id is only parsed on import.
    id_format = "{tenant_id}/servicePrincipals/{service_principal_id}/synchronization/jobs/{job_id}/schema"

    async def create(self, inputs: SynchronizationSchemaInputs) -> SynchronizationSchemaState:
        return await self._converge(inputs, Baseline())

    async def read(self, inputs: SynchronizationSchemaInputs, state: SynchronizationSchemaState) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        document = await if_present(graph.send("GET", schema_builder(graph, inputs)))
        declared = managed(inputs)
        if document is None or given_back(document, declared, Baseline.from_json(state.baseline)):
            return None
        if state.baseline is None:  # an import: only the id is known, so not what the stack declares
            observed = dataclasses.replace(inputs, **imported_view(document))
            return Observed(observed, SynchronizationSchemaState(document.get("version"), Baseline().to_json()))
        drift = drift_from_template(document, await self._template(graph, inputs), declared, inputs.unmanaged_attributes)
        observed = dataclasses.replace(inputs, **managed_view(document, declared), template_drift=drift)
        return Observed(observed, SynchronizationSchemaState(document.get("version"), state.baseline))

    async def _template(self, graph: TenantGraph, inputs: SynchronizationSchemaInputs) -> dict:
        """The default schema of the job's gallery template, what the undeclared rest is held to."""
        return await graph.send("GET", template_schema_builder(graph, inputs.service_principal_id, JOB_TEMPLATE)) or {}

    async def update(
        self, olds: SynchronizationSchemaInputs, news: SynchronizationSchemaInputs, state: SynchronizationSchemaState
    ) -> SynchronizationSchemaState:
        return await self._converge(news, Baseline.from_json(state.baseline))

    async def change_warnings(self, olds: SynchronizationSchemaInputs, news: SynchronizationSchemaInputs) -> list[str]:
        """A manager mapping newly declared: what happens to the users already in the target."""
        if maps_manager(news.attribute_mappings) and not maps_manager(olds.attribute_mappings):
            return [MANAGER_ADDED]
        return []

    async def delete(self, inputs: SynchronizationSchemaInputs, state: SynchronizationSchemaState) -> None:
        graph = self.tenant(inputs.tenant_id)
        schema = schema_builder(graph, inputs)
        current = await if_present(graph.send("GET", schema))
        if current is None:
            return
        restored = desired_schema(current, None, Baseline.from_json(state.baseline))
        if restored.changed:
            await if_present(graph.send("PUT", schema, restored.document))

    async def _converge(self, inputs: SynchronizationSchemaInputs, baseline: Baseline) -> SynchronizationSchemaState:
        """GET, apply the declaration, PUT only when that changes the schema."""
        graph = self.tenant(inputs.tenant_id)
        schema = schema_builder(graph, inputs)
        # The job's endpoints answer 403/404/409 for a while after the job or its service principal appears.
        current = await until_sync_ready(lambda: graph.send("GET", schema))
        unknown = unknown_attributes(current, managed(inputs))
        if unknown:
            # Before any write: a PUT with an unknown attribute would fail, or map nothing.
            raise SchemaError(f"job {inputs.job_id} of {self.named(inputs.tenant_id)}: " + "; ".join(unknown))
        desired = desired_schema(current, managed(inputs), baseline)
        template = await until_sync_ready(lambda: self._template(graph, inputs))
        restore_template(desired.document, template, managed(inputs), inputs.unmanaged_attributes)
        version = current.get("version")
        if normalized(desired.document) != normalized(without_annotations(current)):
            await until_sync_ready(lambda: graph.send("PUT", schema, desired.document))
            # The service stamps a new version on every PUT.
            version = (await graph.send("GET", schema)).get("version")
        return SynchronizationSchemaState(version, desired.baseline.to_json())

