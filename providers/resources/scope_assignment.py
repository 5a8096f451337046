"""A user or group put in scope of the synchronization: assigned the configuration app's ``msiam_access``
role (``/servicePrincipals/{sp}/appRoleAssignedTo``,
https://learn.microsoft.com/en-us/graph/api/serviceprincipal-post-approleassignedto).

An assignment has no update: every field replaces it. Its natural key is (principal, app role) on
the service principal, so create lists the assignments first and adopts a matching one: an
interrupted run, or one made by hand, never leads to a second assignment. Listing assignments may lag
behind a write (replication), which read and create allow for.
"""
from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from providers.framework import GraphResource, Observed, adoption_notice, attribute, computed
from providers.framework.schema import is_unknown
from providers.framework.values import guid, lower_guid, one_of
from providers.graph import GraphError
from providers.graph.paths import assigned_to, principal_builder
from providers.graph.retry import not_found, poll, until_healed
from providers.graph.session import TenantGraph, if_present, raw_pages

# The principal types that make a synchronization's scope (an app can be assigned to service principals too).
GROUP, USER = "Group", "User"


@dataclass(frozen=True)
class ScopeAssignmentInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    service_principal_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    app_role_id: str = attribute(replace=True, normalize=lower_guid, validate=guid, description="msiam_access")
    principal_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    principal_type: str = attribute(replace=True, validate=one_of(USER, GROUP))
    declared_at: str | None = attribute(
        default=None, set_on_create=True,
        description="where the stack declares the principal (a config path): named when it does not exist",
    )


@dataclass(frozen=True)
class ScopeAssignmentState:
    assignment_id: str | None = computed()


# An app role assignment as Graph's JSON (read raw: providers/resources/sync_job.py says why).
AppRoleAssignment = dict[str, Any]


def scope_assignments(graph: TenantGraph, service_principal_id: str) -> Awaitable[list[AppRoleAssignment]]:
    """Every assignment to the configuration app: who is in the synchronization's scope."""
    return raw_pages(graph, assigned_to(graph, service_principal_id))


def _lower(value) -> str:
    return str(value).lower() if value is not None else ""


class ScopeAssignmentResource(GraphResource[ScopeAssignmentInputs, ScopeAssignmentState]):
    """``principal_id`` (a user or a group) in scope of the synchronization of ``service_principal_id``."""

    module = "synchronization"
    type_name = "ScopeAssignment"
    # Ids written by the dynamic-provider versions are the bare assignment id; refresh and delete
    # use ``assignment_id`` from the state, so both kinds work.
    id_format = "{tenant_id}/servicePrincipals/{service_principal_id}/appRoleAssignedTo/{assignment_id}"

    async def preflight(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        """A principal that does not exist in the source tenant is refused before any write: otherwise the
        assignment's POST would retry a 404 as replication lag for minutes, then fail with Graph's words."""
        tenant_id, principal, kind = inputs["tenant_id"], inputs["principal_id"], inputs["principal_type"]
        if any(is_unknown(value) for value in (tenant_id, principal)):
            return []  # a managed group still to be made
        graph = self.tenant(tenant_id)
        found = await if_present(graph.call("GET", principal_builder(graph, kind, principal)))
        if found is not None:
            return []
        where = f"; it is declared at {inputs['declared_at']}" if inputs.get("declared_at") else ""
        return [("principal_id", f"the {kind.lower()} {principal} does not exist in {self.named(tenant_id)}{where}: "
                                 f"use the object id of a {kind.lower()} of that tenant (its Entra ID overview)")]

    async def find(self, inputs: ScopeAssignmentInputs) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        # The service principal may not be readable yet right after the configuration app appears.
        existing = await until_healed(lambda: self._find(graph, inputs, None), not_found)
        return None if existing is None else Observed(inputs, ScopeAssignmentState(existing["id"]))

    async def create(self, inputs: ScopeAssignmentInputs) -> ScopeAssignmentState:
        graph = self.tenant(inputs.tenant_id)
        try:
            created = await until_healed(lambda: self._post(graph, inputs), not_found)
            return ScopeAssignmentState(created["id"])
        except GraphError as error:
            # A retried POST whose first attempt went through, or a concurrent run.
            if not _already_assigned(error):
                raise
        existing = await poll(
            lambda: self._find(graph, inputs, None),
            lambda found: found is not None,
            what=f"the assignment of {inputs.principal_id} to be listed",
        )
        adoption_notice(self.type_name, f"assignment of {inputs.principal_id} to {inputs.service_principal_id}")
        if existing is None:  # poll returns only what satisfies it; this says so to the type checker
            raise GraphError(0, "NotListed", f"the assignment of {inputs.principal_id} is not listed", "GET appRoleAssignedTo")
        return ScopeAssignmentState(existing["id"])

    async def read(self, inputs: ScopeAssignmentInputs, state: ScopeAssignmentState) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        # No waiting for a lagging list here: refresh runs long after create, and a read that misses a
        # just-made assignment only makes the next `up` POST again, which adopts it.
        found = await if_present(self._find(graph, inputs, state.assignment_id))
        if found is None:
            return None
        observed = ScopeAssignmentInputs(
            tenant_id=inputs.tenant_id,
            service_principal_id=_lower(found.get("resourceId")) or inputs.service_principal_id,
            app_role_id=_lower(found.get("appRoleId")),
            principal_id=_lower(found.get("principalId")),
            principal_type=found.get("principalType") or inputs.principal_type,
        )
        return Observed(observed, ScopeAssignmentState(found["id"]))

    async def delete(self, inputs: ScopeAssignmentInputs, state: ScopeAssignmentState) -> None:
        graph = self.tenant(inputs.tenant_id)
        assignment = assigned_to(graph, inputs.service_principal_id).by_app_role_assignment_id(state.assignment_id)
        await if_present(graph.call("DELETE", assignment))

    async def _find(self, graph: TenantGraph, inputs: ScopeAssignmentInputs, id: str | None) -> AppRoleAssignment | None:
        """By assignment id when known, else by the natural key (principal, app role)."""
        assignments = await scope_assignments(graph, inputs.service_principal_id)
        return next((a for a in assignments if _matches(a, inputs, id)), None)

    async def _post(self, graph: TenantGraph, inputs: ScopeAssignmentInputs) -> AppRoleAssignment:
        body = {"principalId": inputs.principal_id, "resourceId": inputs.service_principal_id, "appRoleId": inputs.app_role_id}
        return await graph.send("POST", assigned_to(graph, inputs.service_principal_id), body)


def _matches(assignment: AppRoleAssignment, inputs: ScopeAssignmentInputs, id: str | None) -> bool:
    if id is not None:
        return assignment.get("id") == id
    return _lower(assignment.get("principalId")) == inputs.principal_id and _lower(assignment.get("appRoleId")) == inputs.app_role_id


def _already_assigned(error: GraphError) -> bool:
    # Graph answers a duplicate assignment with 400 "Permission being assigned already exists on the object".
    return error.already_exists or (error.status == 400 and "already exists" in error.message)

