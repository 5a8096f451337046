"""Multitenant organization (``/tenantRelationships/multiTenantOrganization``): the owner's
organisation, the tenants the owner adds, and each member's join request.

Graph runs MTO transitions asynchronously: creating the organisation takes minutes (create waits,
bounded), a member's join takes hours (create does not wait: the state is an output that refresh
keeps current, and a failed join shows as drift so the next ``pulumi up`` submits it again).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from providers.framework import GraphResource, Observed, adoption_notice, attribute, computed, notice
from providers.framework.values import guid, lower_guid, one_of, plain_text
from providers.graph import GraphError, models
from providers.graph.paths import member_builder, mto_builder
from providers.graph.retry import not_found, poll, replication_deadline, until_healed
from providers.graph.session import TenantGraph, if_present

# Graph's "no owner" value: PATCHing it resets a failed join request.
NO_TENANT = "00000000-0000-0000-0000-000000000000"
# Graph documents "a few minutes" for a new organisation to become active; `pulumi up` waits this
# long at most (CTSYNC_REPLICATION_DEADLINE lowers it), then the next `up` adopts it.
ACTIVATION_DEADLINE = 60.0


# Graph finishes a removal asynchronously, as it does a join (Microsoft documents joins taking up to
# 2 to 4 hours); until then the tenant shows ``transitionDetails.desiredState: removed``.
REMOVAL_PENDING = ("Graph completes the removal asynchronously, within hours (as a join), and refuses to add the "
                   "tenant again until then; `python -m ctsync mto-status --stack <stack>` follows it")


def removal_notice(type_name: str, what: str) -> None:
    notice(f"{type_name}: {what} is pending: {REMOVAL_PENDING}")


def _value(enum: Any) -> str | None:
    return enum.value if enum is not None else None


async def get_member(graph: TenantGraph, tenant_id: str) -> models.MultiTenantOrganizationMember | None:
    """``tenant_id``'s membership as ``graph``'s tenant sees it; None when there is none."""
    return await if_present(graph.call("GET", member_builder(graph, tenant_id)))


async def remove_tenant(graph: TenantGraph, tenant_id: str) -> bool:
    """Remove ``tenant_id`` from ``graph``'s organisation; False when it was not in it.

    Removing the last tenant deletes the organisation; a member removing itself leaves. Graph
    finishes removals asynchronously: meanwhile the member shows ``desiredState: removed``.
    """
    try:
        await graph.call("DELETE", member_builder(graph, tenant_id))
    except GraphError as error:
        if error.not_found:
            return False
        # An earlier run, interrupted, may have sent this removal already: while Graph completes it,
        # the tenant is no longer active and a second removal is refused (403). That is done, not failed.
        membership = await get_member(graph, tenant_id)
        if membership is None or not _being_removed(membership):
            raise
    return True


async def leaving(graph: TenantGraph, tenant_id: str) -> bool:
    """Whether ``tenant_id`` has left or is leaving its own organisation.

    The organisation and the join request still look active until Graph completes a removal;
    only the tenant's membership shows it is under way.
    """
    membership = await get_member(graph, tenant_id)
    return membership is None or _being_removed(membership)


# ---- the organisation (owner side) ----------------------------------------------------------------

@dataclass(frozen=True)
class MultiTenantOrganizationInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid, description="the owner tenant")
    display_name: str = attribute(validate=plain_text)
    description: str = attribute(default="", validate=plain_text)


@dataclass(frozen=True)
class MultiTenantOrganizationState:
    state: str | None = computed(description="active once Graph has created the organisation")
    organization_id: str | None = computed(description="the organisation's object id in the owner tenant")


class MultiTenantOrganizationResource(GraphResource[MultiTenantOrganizationInputs, MultiTenantOrganizationState]):
    """The multitenant organization owned by ``tenant_id`` (created, then awaited until active)."""

    module = "multiTenantOrganization"
    type_name = "MultiTenantOrganization"
    id_format = "{tenant_id}/multiTenantOrganization"

    async def find(self, inputs: MultiTenantOrganizationInputs) -> Observed | None:
        """An active organisation of this owner (one of someone else is refused)."""
        graph = self.tenant(inputs.tenant_id)
        existing = await self._get(graph)
        if _state(existing) != "active":
            return None
        await self._check_ours(graph, existing, inputs)
        observed = MultiTenantOrganizationInputs(inputs.tenant_id, existing.display_name or "", existing.description or "")
        return Observed(observed, _organization_state(existing))

    async def create(self, inputs: MultiTenantOrganizationInputs) -> MultiTenantOrganizationState:
        graph = self.tenant(inputs.tenant_id)
        existing = await self._get(graph)
        # A display name without `active` is an organisation still being created (an interrupted run).
        if _state(existing) == "active" or existing.display_name is not None:
            # A tenant has one organisation at most: take over ours, refuse someone else's.
            await self._adopt(graph, existing, inputs)
        else:
            await self._put(graph, inputs)
        organization = existing if _state(existing) == "active" else await poll(
            lambda: self._get(graph),
            lambda org: _state(org) == "active",
            deadline=min(ACTIVATION_DEADLINE, replication_deadline()),
            what=f"the multitenant organization of {self.named(inputs.tenant_id)} to become active; Graph may "
            "still be working on it: run `pulumi up` again later, it takes over the organisation once it is active",
        )
        return _organization_state(organization)

    async def read(self, inputs: MultiTenantOrganizationInputs, state: MultiTenantOrganizationState) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        organization = await self._get(graph)
        if _state(organization) != "active" or await leaving(graph, inputs.tenant_id):
            return None
        observed = MultiTenantOrganizationInputs(
            tenant_id=inputs.tenant_id,
            display_name=organization.display_name or "",
            description=organization.description or "",
        )
        return Observed(observed, _organization_state(organization))

    async def update(
        self, olds: MultiTenantOrganizationInputs, news: MultiTenantOrganizationInputs, state: MultiTenantOrganizationState
    ) -> MultiTenantOrganizationState:
        await self._patch(self.tenant(news.tenant_id), news)
        return state

    async def delete(self, inputs: MultiTenantOrganizationInputs, state: MultiTenantOrganizationState) -> None:
        # The owner leaving as the last tenant is how Graph deletes an organisation.
        if await remove_tenant(self.tenant(inputs.tenant_id), inputs.tenant_id):
            removal_notice(self.type_name, f"the deletion of the organization of {self.named(inputs.tenant_id)}")

    async def _get(self, graph: TenantGraph) -> models.MultiTenantOrganization:
        # The organisation is a singleton every tenant can read (unset until created): a 404 is only
        # replication lag, e.g. right after an interrupted run's PUT, so wait for it to heal.
        return await until_healed(lambda: graph.call("GET", mto_builder(graph)), not_found)

    async def _put(self, graph: TenantGraph, inputs: MultiTenantOrganizationInputs) -> None:
        body = {"displayName": inputs.display_name, "description": inputs.description}
        await graph.send("PUT", mto_builder(graph), body)

    async def _patch(self, graph: TenantGraph, inputs: MultiTenantOrganizationInputs) -> None:
        body = models.MultiTenantOrganization(display_name=inputs.display_name, description=inputs.description)
        await graph.call("PATCH", mto_builder(graph), body)

    async def _adopt(self, graph: TenantGraph, existing: models.MultiTenantOrganization, inputs: MultiTenantOrganizationInputs) -> None:
        await self._check_ours(graph, existing, inputs)
        if (existing.description or "") != inputs.description:
            await self._patch(graph, inputs)
        adoption_notice(self.type_name, f"organization {inputs.display_name!r} of {self.named(inputs.tenant_id)}")

    async def _check_ours(self, graph: TenantGraph, existing: models.MultiTenantOrganization, inputs: MultiTenantOrganizationInputs) -> None:
        own = await get_member(graph, inputs.tenant_id)
        if existing.display_name != inputs.display_name or own is None or _role(own) != "owner":
            raise ValueError(
                f"{self.named(inputs.tenant_id)} is already in the multitenant organization "
                f"{existing.display_name!r} (a tenant can be in one only); to manage it, it must be its "
                f"owner and display_name must be {existing.display_name!r}; or leave it first"
            )
        if _being_removed(own):
            raise ValueError(
                f"the multitenant organization {existing.display_name!r} of {self.named(inputs.tenant_id)} is "
                "being deleted; run `pulumi up` again once Graph has finished"
            )


def _state(organization: models.MultiTenantOrganization) -> str:
    return _value(organization.state) or "inactive"


def _organization_state(organization: models.MultiTenantOrganization) -> MultiTenantOrganizationState:
    return MultiTenantOrganizationState(state=_state(organization), organization_id=organization.id)


# ---- a tenant the owner adds ------------------------------------------------------------------------

@dataclass(frozen=True)
class MtoTenantInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid, description="the owner tenant")
    member_tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    display_name: str = attribute(set_on_create=True, validate=plain_text, description="the tenant's name in the organisation (Graph cannot change it)")
    role: str = attribute(default="member", validate=one_of("member", "owner"))


@dataclass(frozen=True)
class MtoTenantState:
    state: str | None = computed(description="pending until the member's join request completes, then active")
    joined: bool | None = computed(description="the member has completed its join")


class MtoTenantResource(GraphResource[MtoTenantInputs, MtoTenantState]):
    """The owner ``tenant_id`` adding ``member_tenant_id`` to its organisation."""

    module = "multiTenantOrganization"
    type_name = "MtoTenant"
    id_format = "{tenant_id}/multiTenantOrganization/tenants/{member_tenant_id}"
    # A new display name re-adds the same tenant: the old membership must be gone first.
    delete_before_replace = True

    async def find(self, inputs: MtoTenantInputs) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        member = await get_member(graph, inputs.member_tenant_id)
        if member is None:
            return None
        self._check_not_leaving(member, inputs)
        return Observed(self._observed(member, inputs), _member_state(member))

    async def create(self, inputs: MtoTenantInputs) -> MtoTenantState:
        graph = self.tenant(inputs.tenant_id)
        body = models.MultiTenantOrganizationMember(
            tenant_id=inputs.member_tenant_id,
            display_name=inputs.display_name,
            role=models.MultiTenantOrganizationMemberRole(inputs.role),
        )
        adopted = False
        try:
            await graph.call("POST", mto_builder(graph).tenants, body)
        except GraphError as error:
            if not _already_added(error):
                raise
            adopted = True
        member = await until_healed(lambda: self._get(graph, inputs), not_found)
        if adopted:
            await self._adopt(graph, member, inputs)
        return _member_state(member)

    async def read(self, inputs: MtoTenantInputs, state: MtoTenantState) -> Observed | None:
        member = await get_member(self.tenant(inputs.tenant_id), inputs.member_tenant_id)
        if member is None or _being_removed(member):
            return None
        return Observed(self._observed(member, inputs), _member_state(member))

    @staticmethod
    def _observed(member: models.MultiTenantOrganizationMember, inputs: MtoTenantInputs) -> MtoTenantInputs:
        return MtoTenantInputs(
            tenant_id=inputs.tenant_id,
            member_tenant_id=inputs.member_tenant_id,
            display_name=member.display_name or "",
            role=_role(member),
        )

    async def update(self, olds: MtoTenantInputs, news: MtoTenantInputs, state: MtoTenantState) -> MtoTenantState:
        await self._patch_role(self.tenant(news.tenant_id), news)
        return state

    async def delete(self, inputs: MtoTenantInputs, state: MtoTenantState) -> None:
        if await remove_tenant(self.tenant(inputs.tenant_id), inputs.member_tenant_id):
            removal_notice(self.type_name, f"the removal of {self.named(inputs.member_tenant_id)} from the organization")

    async def _get(self, graph: TenantGraph, inputs: MtoTenantInputs) -> models.MultiTenantOrganizationMember:
        # Right after the POST the member may not be readable yet: raise so until_healed retries.
        return await graph.call("GET", member_builder(graph, inputs.member_tenant_id))

    async def _patch_role(self, graph: TenantGraph, inputs: MtoTenantInputs) -> None:
        body = models.MultiTenantOrganizationMember(role=models.MultiTenantOrganizationMemberRole(inputs.role))
        await graph.call("PATCH", member_builder(graph, inputs.member_tenant_id), body)

    async def _adopt(self, graph: TenantGraph, member: models.MultiTenantOrganizationMember, inputs: MtoTenantInputs) -> None:
        self._check_not_leaving(member, inputs)
        if _role(member) != inputs.role:
            await self._patch_role(graph, inputs)
        adoption_notice(self.type_name, f"membership of {self.named(inputs.member_tenant_id)} in the organization of "
                                        f"{self.named(inputs.tenant_id)}")

    def _check_not_leaving(self, member: models.MultiTenantOrganizationMember, inputs: MtoTenantInputs) -> None:
        if _being_removed(member):
            raise ValueError(
                f"{self.named(inputs.member_tenant_id)} is being removed from the multitenant organization of "
                f"{self.named(inputs.tenant_id)}; run `pulumi up` again once the removal has finished "
                "(python -m ctsync mto-status shows how far it is)"
            )


def _already_added(error: GraphError) -> bool:
    # Graph answers a re-add of a pending or active tenant with 400 "Tenant is already being added ...".
    return error.status == 400 and "already being added" in error.message.lower()


def _being_removed(member: models.MultiTenantOrganizationMember) -> bool:
    desired = _value(member.transition_details.desired_state) if member.transition_details else None
    return _value(member.state) == "removed" or desired == "removed"


def _role(member: models.MultiTenantOrganizationMember) -> str:
    """The role the member has or is moving to, so a pending role change is no drift."""
    desired = _value(member.transition_details.desired_role) if member.transition_details else None
    return desired or _value(member.role) or "member"


def _member_state(member: models.MultiTenantOrganizationMember) -> MtoTenantState:
    return MtoTenantState(state=_value(member.state), joined=member.joined_date_time is not None)


# ---- a member's join request (member side) ----------------------------------------------------------

@dataclass(frozen=True)
class MtoJoinRequestInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid, description="the joining tenant")
    # None only as a refresh observes it, after a failed join: the diff then submits the join again.
    owner_tenant_id: str | None = attribute(normalize=lower_guid, validate=guid)


@dataclass(frozen=True)
class MtoJoinRequestState:
    member_state: str | None = computed(description="pending while Graph processes the join (hours), then active")
    transition_status: str | None = computed(description="notStarted, running, succeeded or failed")


class MtoJoinRequestResource(GraphResource[MtoJoinRequestInputs, MtoJoinRequestState]):
    """Member ``tenant_id`` asking to join the organisation of ``owner_tenant_id``; does not wait for it."""

    module = "multiTenantOrganization"
    type_name = "MtoJoinRequest"
    id_format = "{tenant_id}/multiTenantOrganization/joinRequest"

    async def find(self, inputs: MtoJoinRequestInputs) -> Observed | None:
        """A join to this owner that is under way or done: it is never submitted again."""
        record = await self._get(self.tenant(inputs.tenant_id))
        if _failed(record) or _left(record) or _requested_from(record) != inputs.owner_tenant_id:
            return None
        return Observed(inputs, _join_state(record))

    async def create(self, inputs: MtoJoinRequestInputs) -> MtoJoinRequestState:
        graph = self.tenant(inputs.tenant_id)
        record = await self._get(graph)
        under_way = None if (_failed(record) or _left(record)) else _requested_from(record)
        if under_way == inputs.owner_tenant_id:
            # An earlier (interrupted) run submitted it: never re-submit a join that is under way.
            adoption_notice(self.type_name, f"join request of {inputs.tenant_id} to {inputs.owner_tenant_id}")
            return _join_state(record)
        if under_way:
            raise ValueError(
                f"{self.named(inputs.tenant_id)} is already joining or in the multitenant organization of "
                f"{under_way}; leave it before joining {inputs.owner_tenant_id}"
            )
        # Joins take hours: return at once; refresh reports progress and the next `up` carries on.
        return await self._submit(graph, inputs, reset_first=_failed(record))

    async def read(self, inputs: MtoJoinRequestInputs, state: MtoJoinRequestState) -> Observed | None:
        graph = self.tenant(inputs.tenant_id)
        record = await self._get(graph)
        requested_from = _requested_from(record)
        if _left(record) or (requested_from is None and not _failed(record)):
            return None
        if _value(record.member_state) == "active" and await leaving(graph, inputs.tenant_id):
            return None
        # A failed join shows as a missing owner, so the next `up` submits the join again.
        observed = MtoJoinRequestInputs(inputs.tenant_id, None if _failed(record) else requested_from)
        return Observed(observed, _join_state(record))

    async def update(self, olds: MtoJoinRequestInputs, news: MtoJoinRequestInputs, state: MtoJoinRequestState) -> MtoJoinRequestState:
        return await self._submit(self.tenant(news.tenant_id), news, reset_first=state.transition_status == "failed")

    async def delete(self, inputs: MtoJoinRequestInputs, state: MtoJoinRequestState) -> None:
        graph = self.tenant(inputs.tenant_id)
        # A member leaves by removing itself; a tenant not in yet cancels its pending join instead,
        # which would otherwise complete hours later.
        if await remove_tenant(graph, inputs.tenant_id):
            removal_notice(self.type_name, f"{self.named(inputs.tenant_id)} leaving the organization")
        else:
            await self._patch(graph, NO_TENANT)

    async def _get(self, graph: TenantGraph) -> models.MultiTenantOrganizationJoinRequestRecord:
        # A singleton like the organisation: a 404 is replication lag.
        return await until_healed(lambda: graph.call("GET", mto_builder(graph).join_request), not_found)

    async def _submit(self, graph: TenantGraph, inputs: MtoJoinRequestInputs, reset_first: bool) -> MtoJoinRequestState:
        # Graph documents resetting a failed join request before it is submitted again.
        if reset_first:
            await self._patch(graph, NO_TENANT)
        # Declared inputs always name the owner (check requires it); only a refresh observes None.
        await self._patch(graph, inputs.owner_tenant_id or NO_TENANT)
        # What Graph shows right after the PATCH; refresh reads the progress.
        return MtoJoinRequestState(member_state="pending", transition_status="notStarted")

    async def _patch(self, graph: TenantGraph, owner_tenant_id: str) -> None:
        body = models.MultiTenantOrganizationJoinRequestRecord(added_by_tenant_id=owner_tenant_id)
        await graph.call("PATCH", mto_builder(graph).join_request, body)


def _requested_from(record: models.MultiTenantOrganizationJoinRequestRecord) -> str | None:
    owner = (record.added_by_tenant_id or "").lower()
    return None if owner in ("", NO_TENANT) else owner


def _failed(record: models.MultiTenantOrganizationJoinRequestRecord) -> bool:
    return bool(record.transition_details) and _value(record.transition_details.status) == "failed"


def _left(record: models.MultiTenantOrganizationJoinRequestRecord) -> bool:
    details = record.transition_details
    desired = _value(details.desired_member_state) if details else None
    return _value(record.member_state) == "removed" or desired == "removed"


def _join_state(record: models.MultiTenantOrganizationJoinRequestRecord) -> MtoJoinRequestState:
    status = _value(record.transition_details.status) if record.transition_details else None
    return MtoJoinRequestState(member_state=_value(record.member_state), transition_status=status)

