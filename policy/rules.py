"""The rules of the ctsync policy pack, as pure functions over the stack's resources.

A security team sets these independently of any stack's config: they hold for every stack the pack
runs on (``pulumi preview --policy-pack policy``). Each rule takes every ``ctsync:`` resource of the
stack (its type, URN and input properties) and the pack's config, and returns the violations, each
naming the resource and what to change. ``__main__.py`` serves them through pulumi-policy; tests call
them directly (pulumi-policy pins a protobuf the project's own virtualenv does not have).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PARTNER_ACCESS = "ctsync:crossTenantAccess:PartnerAccess"
SECRETS = "ctsync:synchronization:SynchronizationSecrets"
SCHEMA = "ctsync:synchronization:SynchronizationSchema"
ORGANIZATION = "ctsync:multiTenantOrganization:MultiTenantOrganization"
MTO_TENANT = "ctsync:multiTenantOrganization:MtoTenant"
DEFAULT_MAX_DELETION_THRESHOLD = 500


@dataclass(frozen=True)
class Resource:
    type: str
    urn: str
    props: Mapping[str, Any]
    # The component it belongs to: a direction's app, secrets, job and schema share one.
    parent: str | None = None


@dataclass(frozen=True)
class Violation:
    urn: str
    message: str


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    check: Callable[[list[Resource], Mapping[str, Any]], list[Violation]]
    config: Mapping[str, Any]  # JSON schema of the rule's own config properties


def _of(resources: Iterable[Resource], type_token: str) -> list[Resource]:
    return [r for r in resources if r.type == type_token]


def mto_members(resources: list[Resource]) -> set[str]:
    """The tenants the stack puts in its multitenant organization: the owner and every member."""
    members = {str(r.props.get("tenant_id", "")).lower() for r in _of(resources, ORGANIZATION)}
    members |= {str(r.props.get("member_tenant_id", "")).lower() for r in _of(resources, MTO_TENANT)}
    return members - {""}


def mfa_trust_inside_mto(resources: list[Resource], config: Mapping[str, Any]) -> list[Violation]:
    """A partner entry that lets the partner's users in (inbound automatic redemption: a sync into
    this tenant) between two MTO tenants must accept the partner's MFA."""
    members = mto_members(resources)
    return [
        Violation(r.urn, f"tenant {r.props.get('tenant_id')} must trust MFA from {r.props.get('partner_tenant_id')}: both are "
                         "in the multitenant organization (set trust.mfa: true on the sync entry into this tenant)")
        for r in _of(resources, PARTNER_ACCESS)
        if {str(r.props.get("tenant_id", "")).lower(), str(r.props.get("partner_tenant_id", "")).lower()} <= members
        and r.props.get("inbound_auto_redeem") is True and r.props.get("trust_mfa") is not True
    ]


def deletion_threshold(resources: list[Resource], config: Mapping[str, Any]) -> list[Violation]:
    maximum = int(config.get("maxDeletionThreshold", DEFAULT_MAX_DELETION_THRESHOLD))
    violations = []
    for r in _of(resources, SECRETS):
        value = r.props.get("deletion_threshold")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        value = int(value)  # the engine sends every number as a float
        if value <= 0:
            violations.append(Violation(r.urn, f"the accidental-deletion threshold of the sync from {r.props.get('tenant_id')} "
                                               f"to {r.props.get('target_tenant_id')} is off: set deletionThreshold between 1 and {maximum}"))
        elif value > maximum:
            violations.append(Violation(r.urn, f"the accidental-deletion threshold of the sync from {r.props.get('tenant_id')} "
                                               f"to {r.props.get('target_tenant_id')} is {value}: at most {maximum} allowed"))
    return violations


def no_sync_all(resources: list[Resource], config: Mapping[str, Any]) -> list[Violation]:
    return [
        Violation(r.urn, f"the sync from {r.props.get('tenant_id')} to {r.props.get('target_tenant_id')} puts every user of the "
                         "source in scope (scope.allUsers, or scoping filters alone): scope it by groups or users")
        for r in _of(resources, SECRETS) if r.props.get("sync_all") is True
    ]


def member_only_inside_mto(resources: list[Resource], config: Mapping[str, Any]) -> list[Violation]:
    members = mto_members(resources)
    # The schema and the secrets of one direction belong to the same component; the secrets name
    # the target. (Their app's id would join them too, but a preview does not know it yet.)
    targets = {r.parent: str(r.props.get("target_tenant_id", "")).lower() for r in _of(resources, SECRETS) if r.parent}
    violations = []
    for r in _of(resources, SCHEMA):
        if r.props.get("user_type", "Member") != "Member":
            continue
        source = str(r.props.get("tenant_id", "")).lower()
        target = targets.get(r.parent or "")
        if target is None:
            continue  # no secrets beside it: not a direction ctsync declares
        if not {source, target} <= members:
            violations.append(Violation(r.urn, f"the sync from {source} to {target} makes its users Members, but not both tenants "
                                               "are in the multitenant organization: set userType: Guest, or add both to ctsync:mto"))
    return violations


RULES: tuple[Rule, ...] = (
    Rule("mfa-trust-inside-mto", "Tenants of the multitenant organization trust each other's MFA.", mfa_trust_inside_mto, {}),
    Rule("deletion-threshold", "Every sync has the accidental-deletion threshold on, at most maxDeletionThreshold.",
         deletion_threshold, {"maxDeletionThreshold": {"type": "integer", "minimum": 1, "default": DEFAULT_MAX_DELETION_THRESHOLD}}),
    Rule("no-sync-all", "No sync puts every user of its source in scope.", no_sync_all, {}),
    Rule("member-only-inside-mto", "Users arrive as Members only between tenants of the multitenant organization.",
         member_only_inside_mto, {}),
)
