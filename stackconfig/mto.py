"""ctsync:mto: the multitenant organisation that the declared tenants form."""
from __future__ import annotations

from collections.abc import Collection

from .model import MTO_MAX_TENANTS, Mto
from .reader import Node, member_alias

MTO_KEYS = ("displayName", "owner", "members")


def read_mto(node: Node, aliases: Collection[str]) -> Mto | None:
    if not node.present or not node.object(MTO_KEYS):
        return None
    display_name = node.at("displayName").text(fix="the organisation's name, e.g. Contoso Group")
    owner = node.at("owner").alias(aliases)
    members_node = node.at("members")
    members = members_node.distinct(lambda item: member_alias(item, aliases, owner, "owner"))
    if members is not None and 1 + len(members) > MTO_MAX_TENANTS:
        members_node.report(
            f"makes {1 + len(members)} tenants with the owner; an MTO holds at most {MTO_MAX_TENANTS}",
            "remove members (Microsoft support can raise the limit; ctsync keeps to it)",
        )
    return Mto(display_name=display_name, owner=owner, members=members)
