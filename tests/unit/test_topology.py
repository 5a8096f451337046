"""Topology invariants, checked on random stacks: expansion, one partner entry per (tenant, partner), union flags."""
import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackconfig import DirectionalSync, Scope, Trust, load_stack_config, pair_up

TRUST_KEYS = {"mfa": "mfa", "compliantDevice": "compliant_device", "hybridJoinedDevice": "hybrid_joined_device"}
trusts = st.fixed_dictionaries({key: st.booleans() for key in TRUST_KEYS})
settings_for_ci = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


def tenant_id(index):
    return f"{index + 1:08x}-1111-4111-8111-111111111111"


def as_trust(flags):
    return Trust(**{attribute: flags[key] for key, attribute in TRUST_KEYS.items()})


@st.composite
def stacks(draw):
    """A random valid stack, and what it asks for: (source, target) -> the Trust that direction requests."""
    aliases = [f"t{index}" for index in range(draw(st.integers(2, 7)))]
    values = {"ctsync:tenants": {alias: {"tenantId": tenant_id(i)} for i, alias in enumerate(aliases)}}
    asked = {}
    shape = draw(st.sampled_from(["none", "hubAndSpoke", "mesh"]))
    if shape != "none":
        trust = draw(trusts)
        topology = {"kind": shape, "defaults": {"trust": trust, "scope": {"allUsers": True}}}
        if shape == "hubAndSpoke":
            hub = draw(st.sampled_from(aliases))
            spokes = draw(st.lists(st.sampled_from([a for a in aliases if a != hub]), min_size=1, unique=True))
            direction = draw(st.sampled_from(["hubToSpokes", "spokesToHub", "both"]))
            topology.update(hub=hub, members=spokes, direction=direction)
            pairs = [(hub, s) for s in spokes] * (direction != "spokesToHub")
            pairs += [(s, hub) for s in spokes] * (direction != "hubToSpokes")
        else:
            members = draw(st.lists(st.sampled_from(aliases), min_size=2, unique=True))
            topology["members"] = members
            pairs = [(a, b) for a in members for b in members if a != b]
        values["ctsync:topology"] = topology
        asked.update({pair: as_trust(trust) for pair in pairs})
    free = [(a, b) for a in aliases for b in aliases if a != b and (a, b) not in asked]
    entries = []
    for source, target in draw(st.lists(st.sampled_from(free), unique=True)) if free else []:
        if (source, target) in asked:
            continue  # already declared by an earlier bidirectional entry
        bidirectional = (target, source) not in asked and draw(st.booleans())
        trust = draw(trusts)
        entries.append({"from": source, "to": target, "bidirectional": bidirectional, "trust": trust,
                        "scope": {"allUsers": True}})
        asked[(source, target)] = as_trust(trust)
        if bidirectional:
            asked[(target, source)] = as_trust(trust)
    values["ctsync:sync"] = entries
    if draw(st.booleans()):  # the JSON text form Pulumi hands to programs and providers
        values = {key: json.dumps(value) for key, value in values.items()}
    return values, asked


@settings_for_ci
@given(stacks())
def test_every_directional_sync_appears_exactly_once(stack):
    values, asked = stack
    config = load_stack_config(values)
    declared = [(sync.source, sync.target) for sync in config.syncs]
    in_pairs = [(sync.source, sync.target) for pair in config.pairs for sync in pair.syncs]
    assert sorted(declared) == sorted(in_pairs) == sorted(asked)
    assert max(Counter(in_pairs).values(), default=1) == 1
    assert all(pair.a < pair.b for pair in config.pairs)


@settings_for_ci
@given(stacks())
def test_one_partner_entry_per_tenant_and_partner(stack):
    values, asked = stack
    entries = [(entry.tenant, entry.partner) for entry in load_stack_config(values).partner_entries()]
    assert len(entries) == len(set(entries))
    assert set(entries) == {(t, p) for s, d in asked for t, p in ((s, d), (d, s))}


@settings_for_ci
@given(stacks())
def test_partner_entry_flags_are_the_union_of_both_directions(stack):
    values, asked = stack
    for entry in load_stack_config(values).partner_entries():
        inbound = (entry.partner, entry.tenant) in asked
        outbound = (entry.tenant, entry.partner) in asked
        assert entry.inbound_auto_redeem is inbound
        assert entry.inbound_sync_allowed is inbound
        assert entry.outbound_auto_redeem is outbound
        assert entry.inbound_trust == asked.get((entry.partner, entry.tenant), Trust())


def tenants(count):
    return {f"t{index}": {"tenantId": tenant_id(index)} for index in range(count)}


@pytest.mark.parametrize("direction, per_spoke", [("hubToSpokes", 1), ("spokesToHub", 1), ("both", 2)])
@pytest.mark.parametrize("spokes", [1, 2, 5, 12])
def test_hub_and_spoke_expands_to_each_spoke(direction, per_spoke, spokes):
    topology = {"kind": "hubAndSpoke", "hub": "t0", "members": [f"t{i}" for i in range(1, spokes + 1)],
                "direction": direction, "defaults": {"scope": {"allUsers": True}}}
    config = load_stack_config({"ctsync:tenants": tenants(spokes + 1), "ctsync:topology": topology})
    assert len(config.syncs) == per_spoke * spokes
    assert len(config.pairs) == spokes
    assert all("t0" in (sync.source, sync.target) for sync in config.syncs)


@pytest.mark.parametrize("members", [2, 3, 6, 10])
def test_mesh_expands_to_every_ordered_pair(members):
    topology = {"kind": "mesh", "members": [f"t{i}" for i in range(members)], "defaults": {"scope": {"allUsers": True}}}
    config = load_stack_config({"ctsync:tenants": tenants(members), "ctsync:topology": topology})
    assert len(config.syncs) == members * (members - 1)
    assert len(config.pairs) == members * (members - 1) // 2
    assert len(config.partner_entries()) == members * (members - 1)


def test_one_way_pair_gives_each_side_only_its_half():
    sync = DirectionalSync(source="b", target="a", trust=Trust(compliant_device=True), scope=Scope(all_users=True))
    (pair,) = pair_up([sync])
    assert (pair.a, pair.b, pair.a_to_b, pair.b_to_a) == ("a", "b", None, sync)
    receiving, sending = pair.partner_settings("a"), pair.partner_settings("b")
    assert (receiving.inbound_trust, receiving.inbound_auto_redeem, receiving.outbound_auto_redeem) == (
        Trust(compliant_device=True), True, False)
    assert (sending.inbound_trust, sending.inbound_auto_redeem, sending.outbound_auto_redeem) == (Trust(), False, True)
    assert not sending.inbound_sync_allowed
    with pytest.raises(ValueError, match="not a tenant of the pair"):
        pair.partner_settings("c")


def test_pair_up_refuses_a_direction_given_twice():
    sync = DirectionalSync(source="a", target="b", scope=Scope(all_users=True))
    with pytest.raises(ValueError, match="given twice"):
        pair_up([sync, sync])
