"""ctsync:mto: the multitenant organisation that the declared tenants form, and its templates."""
from __future__ import annotations

from collections.abc import Collection, Iterable

from .model import (
    MTO_MAX_TENANTS,
    TEMPLATE_TARGETS,
    IdentitySyncTemplate,
    Mto,
    PartnerTemplate,
    Trust,
)
from .reader import Node, member_alias
from .syncs import TRUST_KEYS, Declaration, read_trust

MTO_KEYS = ("displayName", "description", "owner", "members", "templates")
MEMBER_KEYS = ("tenant", "role")
ROLES = ("member", "owner")
TEMPLATE_KEYS = ("partnerConfiguration", "identitySync")
PARTNER_TEMPLATE_KEYS = ("trust", "automaticRedemption", "applyTo")
REDEMPTION_KEYS = ("inbound", "outbound")
IDENTITY_SYNC_TEMPLATE_KEYS = ("userSyncInbound", "applyTo")


def read_mto(node: Node, aliases: Collection[str]) -> Mto | None:
    if not node.present or not node.object(MTO_KEYS):
        return None
    display_name = node.at("displayName").text(fix="the organisation's name, e.g. Contoso Group")
    description = node.at("description").text(default="")
    owner = node.at("owner").alias(aliases)
    members_node = node.at("members")
    entries = members_node.distinct(lambda item: _member(item, aliases, owner), key=lambda entry: entry[0])
    if entries is not None and 1 + len(entries) > MTO_MAX_TENANTS:
        members_node.report(
            f"makes {1 + len(entries)} tenants with the owner; an MTO holds at most {MTO_MAX_TENANTS}",
            "remove members (Microsoft support can raise the limit; ctsync keeps to it)",
        )
    templates = node.at("templates")
    if templates.present and not templates.object(TEMPLATE_KEYS):
        return None
    partner = _partner_template(templates.at("partnerConfiguration"))
    identity_sync = _identity_sync_template(templates.at("identitySync"))
    if display_name is None or owner is None or description is None:
        return None  # reported where it is
    if entries is None:
        return Mto(display_name=display_name, owner=owner, description=description)
    return Mto(
        display_name=display_name, owner=owner, members=tuple(alias for alias, _ in entries), description=description,
        co_owners=tuple(alias for alias, role in entries if role == "owner"),
        partner_template=partner, identity_sync_template=identity_sync,
    )


def _member(node: Node, aliases: Collection[str], owner: str | None) -> tuple[str, str] | None:
    """`<alias>`, or `{tenant: <alias>, role: owner|member}`."""
    if not isinstance(node.value, dict):
        alias = member_alias(node, aliases, owner, "owner")
        return None if alias is None else (alias, "member")
    if not node.object(MEMBER_KEYS):
        return None
    alias = member_alias(node.at("tenant"), aliases, owner, "owner")
    role = node.at("role").choice(ROLES, default="member")
    return None if alias is None or role is None else (alias, role)


def _apply_to(node: Node) -> tuple[str, ...] | None:
    return node.distinct(lambda item: item.choice(TEMPLATE_TARGETS), default=TEMPLATE_TARGETS)


def _partner_template(node: Node) -> PartnerTemplate | None:
    """Settings left out stay null in the template: a join then leaves them as they are."""
    if not node.present or not node.object(PARTNER_TEMPLATE_KEYS):
        return None
    trust_node, redemption = node.at("trust"), node.at("automaticRedemption")
    trust = read_trust(trust_node) if trust_node.present else None
    if redemption.present and not redemption.object(REDEMPTION_KEYS):
        return None
    given = [redemption.at(key) for key in REDEMPTION_KEYS]
    inbound, outbound = (key.flag(False) if key.present else None for key in given)
    apply_to = _apply_to(node.at("applyTo"))
    unreadable = (trust_node.present and trust is None) or any(key.present and value is None
                                                               for key, value in zip(given, (inbound, outbound), strict=False))
    if apply_to is None or unreadable:
        return None
    return PartnerTemplate(trust=trust, inbound_redemption=inbound, outbound_redemption=outbound, apply_to=apply_to)


def _identity_sync_template(node: Node) -> IdentitySyncTemplate | None:
    if not node.present or not node.object(IDENTITY_SYNC_TEMPLATE_KEYS):
        return None
    inbound = node.at("userSyncInbound").flag(False)
    apply_to = _apply_to(node.at("applyTo"))
    if inbound is None or apply_to is None:
        return None
    return IdentitySyncTemplate(user_sync_inbound=inbound, apply_to=apply_to)


def check_template_agreement(mto: Mto | None, mto_node: Node, declarations: Iterable[Declaration]) -> None:
    """A sync between two tenants of the MTO must ask for the trust the partner template writes.

    The template writes its trust into the partner entries a join makes; the sync entry's trust is
    what ctsync keeps there afterwards. Were they to differ, a join would set one value and the next
    `pulumi up` the other: refused, naming both places."""
    template = mto.partner_template if mto else None
    if mto is None or template is None or template.trust is None:
        return  # a template that writes no trust leaves every entry's trust as the syncs declare it
    members = set(mto.tenants)
    for declaration in declarations:
        trust: Trust = (declaration.settings or {}).get("trust") or Trust()
        if not {declaration.source, declaration.target} <= members:
            continue
        for key, field in TRUST_KEYS.items():
            if getattr(trust, field) != getattr(template.trust, field):
                mto_node.problems.add(
                    f"{declaration.path}.trust.{key}",
                    f"is {str(getattr(trust, field)).lower()}, but ctsync:mto.templates.partnerConfiguration.trust.{key} is "
                    f"{str(getattr(template.trust, field)).lower()} for every MTO tenant ({declaration.source} and "
                    f"{declaration.target} are both in it)",
                    "make the two agree: a join would write the template's value and the next up the sync's",
                )
