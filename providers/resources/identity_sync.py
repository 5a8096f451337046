"""The target tenant's identity-synchronization policy for a source tenant
(``/policies/crossTenantAccessPolicy/partners/{source}/identitySynchronization``).

It is what lets the source's provisioning job create users here. Graph's PUT creates only (409 when
the policy exists, e.g. auto-created by an MTO join), so create adopts on 409 by PATCHing to the
desired values. The SDK generates no PATCH for this object: updates go out as raw JSON.

Group provisioning (preview) also needs ``groupSyncInbound.isSyncAllowed``, a property that only
Graph's beta endpoint has
(https://learn.microsoft.com/en-us/graph/api/resources/crosstenantidentitysyncpolicypartner?view=graph-rest-beta).
Exactly that property goes to beta: a PATCH when it is declared or changes, and a GET on refresh only
while it is declared on, so a policy that never syncs groups never touches beta. (A group sync turned
on in the portal while the stack declares it off is therefore not seen as drift.)
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from providers.framework import GraphResource, Observed, adoption_notice, attribute
from providers.framework.values import guid, lower_guid, plain_text
from providers.graph import GraphError, models
from providers.graph.paths import policy_builder
from providers.graph.retry import not_found, until_healed
from providers.graph.session import TenantGraph, if_present


@dataclass(frozen=True)
class IdentitySyncPolicyInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid, description="the target tenant")
    source_tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    display_name: str = attribute(set_on_create=True, validate=plain_text, description="the name of a new policy")
    user_sync_allowed: bool = attribute(
        default=True, description="False stops inbound sync; users already synced stay as they are"
    )
    group_sync_allowed: bool = attribute(
        default=False, description="groups may be provisioned in too (groupSyncInbound, a beta-only property)"
    )


@dataclass(frozen=True)
class IdentitySyncPolicyState:
    pass


class IdentitySyncPolicyResource(GraphResource[IdentitySyncPolicyInputs, IdentitySyncPolicyState]):
    """Tenant ``tenant_id``'s permission for ``source_tenant_id`` to sync users into it."""

    module = "crossTenantAccess"
    type_name = "IdentitySyncPolicy"
    id_format = "{tenant_id}/partners/{source_tenant_id}/identitySynchronization"

    async def find(self, inputs: IdentitySyncPolicyInputs) -> Observed | None:
        """E.g. made in the admin center, or by an MTO join; one with the name ctsync gives is its own
        (left by an interrupted run)."""
        found = await self.read(inputs, IdentitySyncPolicyState())
        if found is None:
            return None
        return dataclasses.replace(found, taken_over=found.inputs.display_name != inputs.display_name)

    async def create(self, inputs: IdentitySyncPolicyInputs) -> IdentitySyncPolicyState:
        graph = self.tenant(inputs.tenant_id)
        body = models.CrossTenantIdentitySyncPolicyPartner(
            display_name=inputs.display_name,
            user_sync_inbound=models.CrossTenantUserSyncInbound(is_sync_allowed=inputs.user_sync_allowed),
        )
        try:
            await graph.call("PUT", policy_builder(graph, inputs.source_tenant_id), body)
        except GraphError as error:
            if not error.already_exists:
                raise
            # The 409 proves the policy exists, so a 404 on the PATCH is replication lag, not absence.
            await until_healed(lambda: self._patch(graph, inputs), not_found)
            adoption_notice(self.type_name, f"identity-sync policy for {inputs.source_tenant_id} in {inputs.tenant_id}")
        # Wait until the policy is readable, so the refresh that follows does not report it gone.
        await until_healed(lambda: self._get(graph, inputs), not_found)
        if inputs.group_sync_allowed:
            await self._patch_group_sync(graph, inputs)
        return IdentitySyncPolicyState()

    async def read(self, inputs: IdentitySyncPolicyInputs, state: IdentitySyncPolicyState) -> Observed | None:
        policy = await if_present(self._get(self.tenant(inputs.tenant_id), inputs))
        if policy is None:
            return None
        inbound = policy.user_sync_inbound or models.CrossTenantUserSyncInbound()
        observed = IdentitySyncPolicyInputs(
            tenant_id=inputs.tenant_id,
            source_tenant_id=inputs.source_tenant_id,
            display_name=policy.display_name or "",
            user_sync_allowed=bool(inbound.is_sync_allowed),
            group_sync_allowed=inputs.group_sync_allowed and await self._group_sync(self.tenant(inputs.tenant_id), inputs),
        )
        return Observed(observed, IdentitySyncPolicyState())

    async def update(
        self, olds: IdentitySyncPolicyInputs, news: IdentitySyncPolicyInputs, state: IdentitySyncPolicyState
    ) -> IdentitySyncPolicyState:
        graph = self.tenant(news.tenant_id)
        if olds.user_sync_allowed != news.user_sync_allowed:
            await self._patch(graph, news)
        if olds.group_sync_allowed != news.group_sync_allowed:
            await self._patch_group_sync(graph, news)
        return state

    async def delete(self, inputs: IdentitySyncPolicyInputs, state: IdentitySyncPolicyState) -> None:
        graph = self.tenant(inputs.tenant_id)
        await if_present(graph.call("DELETE", policy_builder(graph, inputs.source_tenant_id)))

    async def _get(self, graph: TenantGraph, inputs: IdentitySyncPolicyInputs):
        return await graph.call("GET", policy_builder(graph, inputs.source_tenant_id))

    async def _group_sync(self, graph: TenantGraph, inputs: IdentitySyncPolicyInputs) -> bool:
        policy = await graph.send("GET", graph.on_beta(policy_builder(graph, inputs.source_tenant_id))) or {}
        return bool((policy.get("groupSyncInbound") or {}).get("isSyncAllowed"))

    async def _patch_group_sync(self, graph: TenantGraph, inputs: IdentitySyncPolicyInputs) -> None:
        body = {"groupSyncInbound": {"isSyncAllowed": inputs.group_sync_allowed}}
        await graph.send("PATCH", graph.on_beta(policy_builder(graph, inputs.source_tenant_id)), body)

    async def _patch(self, graph: TenantGraph, inputs: IdentitySyncPolicyInputs) -> None:
        # Not the display name: it is set on create only, a policy taken over keeps its own.
        body = {"userSyncInbound": {"isSyncAllowed": inputs.user_sync_allowed}}
        await graph.send("PATCH", policy_builder(graph, inputs.source_tenant_id), body)

