"""Who a change of scope takes out of a sync: the users assigned directly, or as direct members of an
assigned group (nested groups do not count: docs/graph-notes.md#scope), who are in the old scope and
not in the new one. The next cycle removes them from the target (soft
deleted), unless that is more than the job's deletion threshold: then it stops and holds them.

Disabled users are not counted: the job keeps no disabled user in the target (removeDisabledUsers,
on by default), so none of them leaves it. Users added to the scope since the last cycle, not yet
provisioned, are counted: Graph does not say which users a job has provisioned, short of its logs."""
from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass

from providers.graph import models
from providers.graph.paths import group_members_builder, principal_builder
from providers.graph.session import TenantGraph, all_pages, if_present


@dataclass(frozen=True)
class Scope:
    groups: frozenset[str]
    users: frozenset[str]

    @property
    def principals(self) -> frozenset[str]:
        """Every object id assigned: the groups and the users."""
        return self.groups | self.users


async def leaving(graph: TenantGraph, old: Scope, new: Scope) -> set[str] | None:
    """The ids of the users ``old`` covers and ``new`` does not (None: nothing left the scope)."""
    removed_groups, removed_users = old.groups - new.groups, old.users - new.users
    if not removed_groups and not removed_users:
        return None
    was = await _enabled(graph, removed_users) | await _members(graph, removed_groups, enabled_only=True)
    still = new.users | await _members(graph, new.groups)
    return set(was - still)


async def _members(graph: TenantGraph, groups: Collection[str], enabled_only: bool = False) -> set[str]:
    """Direct user members of ``groups`` (a group deleted meanwhile has none)."""
    async def of(group_id: str) -> list:
        members = group_members_builder(graph, group_id)
        config = members.MembersRequestBuilderGetRequestConfiguration(
            query_parameters=members.MembersRequestBuilderGetQueryParameters(select=["id", "accountEnabled"]))
        return await if_present(all_pages(graph, members, request_configuration=config)) or []

    pages = await asyncio.gather(*(of(group) for group in sorted(groups)))
    return {member.id.lower() for page in pages for member in page
            if isinstance(member, models.User) and member.id and not (enabled_only and member.account_enabled is False)}


async def _enabled(graph: TenantGraph, users: Collection[str]) -> set[str]:
    """Those of ``users`` that exist and are not disabled."""
    async def found(user_id: str) -> models.User | None:
        builder = principal_builder(graph, "User", user_id)
        config = builder.UserItemRequestBuilderGetRequestConfiguration(
            query_parameters=builder.UserItemRequestBuilderGetQueryParameters(select=["id", "accountEnabled"]))
        return await if_present(graph.call("GET", builder, request_configuration=config))

    users_found = await asyncio.gather(*(found(user) for user in sorted(users)))
    return {user.id.lower() for user in users_found if user is not None and user.id and user.account_enabled is not False}


def leaving_warning(source: str, target: str, count: int, threshold: int | None, deletes: bool = True) -> str:
    """``source`` and ``target`` as messages name tenants (``tenant contoso (<id>)``)."""
    text = f"this scope change takes {count} user(s) of {source} out of the sync to {target} (read from Graph now)"
    if not deletes:
        return text + (f": they stay in {target}, no longer updated, since the job does not delete "
                       "(targetObjectActions.delete: false)")
    text += (f": the next cycle removes them from {target} (soft deleted, restorable for 30 days; "
             "targetObjectActions.delete: false keeps them)")
    if threshold and count > threshold:
        text += (f"; that is more than the job's deletion threshold of {threshold}: the job will stop with "
                 "TooManyDeletes and hold them until someone releases them (python -m ctsync release-deletes)")
    return text
