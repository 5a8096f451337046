"""The policy pack's rules (policy/rules.py), table-driven over small stacks of resources.

The pack itself runs on the real CLI in tests/engine/test_operations.py; here each rule meets the
cases that decide it: what violates it, what does not, and what it cannot judge yet."""
from __future__ import annotations

import pytest

from policy.rules import (
    MTO_TENANT,
    ORGANIZATION,
    PARTNER_ACCESS,
    RULES,
    SCHEMA,
    SECRETS,
    Resource,
    deletion_threshold,
    member_only_inside_mto,
    mfa_trust_inside_mto,
    no_sync_all,
)

A, B, C = "aaaaaaaa-0000-4000-8000-00000000000a", "bbbbbbbb-0000-4000-8000-00000000000b", "cccccccc-0000-4000-8000-00000000000c"


def mto(owner: str, *members: str) -> list[Resource]:
    return [Resource(ORGANIZATION, "urn:mto", {"tenant_id": owner})] + [
        Resource(MTO_TENANT, f"urn:member-{m}", {"tenant_id": owner, "member_tenant_id": m}) for m in members
    ]


def partner(tenant: str, partner_id: str, **props) -> Resource:
    return Resource(PARTNER_ACCESS, f"urn:{tenant}-partner-{partner_id}", {"tenant_id": tenant, "partner_tenant_id": partner_id, **props})


def direction(source: str, target: str, user_type: str = "Member", **secrets) -> list[Resource]:
    parent = f"urn:{source}->{target}"
    return [
        Resource(SECRETS, f"{parent}-secrets", {"tenant_id": source, "target_tenant_id": target, "deletion_threshold": 500.0,
                                                "sync_all": False, **secrets}, parent),
        Resource(SCHEMA, f"{parent}-schema", {"tenant_id": source, "user_type": user_type}, parent),
    ]


@pytest.mark.parametrize("resources, violated", [
    (mto(A, B) + [partner(B, A, inbound_auto_redeem=True, trust_mfa=False)], [f"urn:{B}-partner-{A}"]),
    (mto(A, B) + [partner(B, A, inbound_auto_redeem=True, trust_mfa=True)], []),
    # No sync into the tenant (outbound only): the config has no trust to set there.
    (mto(A, B) + [partner(A, B, inbound_auto_redeem=False, trust_mfa=False)], []),
    # Outside the MTO the rule does not apply.
    (mto(A, B) + [partner(C, A, inbound_auto_redeem=True, trust_mfa=False)], []),
    ([partner(B, A, inbound_auto_redeem=True)], []),
], ids=["member-without-trust", "member-with-trust", "outbound-only", "outsider", "no-mto"])
def test_mfa_trust_inside_mto(resources, violated):
    assert [v.urn for v in mfa_trust_inside_mto(resources, {})] == violated


@pytest.mark.parametrize("threshold, config, message", [
    (500.0, {}, None),
    (0.0, {}, "is off: set deletionThreshold between 1 and 500"),
    (501.0, {}, "is 501: at most 500 allowed"),
    (200, {"maxDeletionThreshold": 100}, "is 200: at most 100 allowed"),
    (100, {"maxDeletionThreshold": 100}, None),
], ids=["default", "off", "above-default-max", "above-configured-max", "at-max"])
def test_deletion_threshold(threshold, config, message):
    found = deletion_threshold(direction(A, B, deletion_threshold=threshold), config)
    assert [v.message.split(f"to {B} ")[-1] for v in found] == ([message] if message else [])


def test_deletion_threshold_not_known_yet_is_not_judged():
    assert deletion_threshold(direction(A, B, deletion_threshold=None), {}) == []


@pytest.mark.parametrize("sync_all, violations", [(True, 1), (False, 0)], ids=["sync-all", "assigned"])
def test_no_sync_all(sync_all, violations):
    assert len(no_sync_all(direction(A, B, sync_all=sync_all), {})) == violations


@pytest.mark.parametrize("resources, violated", [
    (mto(A, B) + direction(A, B), []),
    (mto(A, B) + direction(A, C), [f"urn:{A}->{C}-schema"]),
    (mto(A, B) + direction(A, C, user_type="Guest"), []),
    (direction(A, B), [f"urn:{A}->{B}-schema"]),
], ids=["inside", "target-outside", "guest-outside", "no-mto"])
def test_member_only_inside_mto(resources, violated):
    assert [v.urn for v in member_only_inside_mto(resources, {})] == violated


def test_every_rule_has_a_unique_name_and_a_description():
    names = [rule.name for rule in RULES]
    assert len(set(names)) == len(names) == 4
    assert all(rule.description.endswith(".") for rule in RULES)
