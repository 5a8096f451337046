"""Guards the rule in providers/framework/provider.py: stacks created by an earlier version keep
working. Their state holds ``__provider`` strings like the one saved in data/provider-v1.b64."""
from __future__ import annotations

import base64
from pathlib import Path

import dill
from pulumi.dynamic.dynamic import serialize_provider

from providers.framework.provider import GraphProvider
from providers.framework.resource import REGISTRY

SAVED_V1 = (Path(__file__).parent / "data" / "provider-v1.b64").read_text().strip()


def test_provider_from_existing_state_still_loads_and_resolves_its_resource():
    provider = dill.loads(base64.b64decode(SAVED_V1))
    assert isinstance(provider, GraphProvider)
    assert provider._definition is REGISTRY["PartnerAccess"]


def test_serialised_provider_is_unchanged_so_no_stack_sees_a_provider_diff():
    assert serialize_provider(GraphProvider("PartnerAccess")) == SAVED_V1


def test_every_registered_type_name_is_stable_and_unique():
    import providers.resources  # noqa: F401

    for type_name, definition in REGISTRY.items():
        assert definition.type_name == type_name
        assert GraphProvider(type_name)._definition is definition


def test_provider_pickles_by_reference_and_carries_only_its_type_name():
    provider = GraphProvider("PartnerAccess")
    provider._session = object()  # what configure() sets in the host; must never be pickled
    raw = base64.b64decode(serialize_provider(provider))
    assert b"providers.framework.provider" in raw and b"GraphProvider" in raw
    assert dill.loads(raw).__dict__ == {"type_name": "PartnerAccess"}


def test_serialising_many_providers_does_not_grow_the_pickler():
    """Regression: pulumi 3.272 leaked one pickle wrapper per dynamic resource (see dynamic.py)."""
    import pickle

    import providers.framework.dynamic  # noqa: F401  (installs the fix)
    from pulumi.dynamic import dynamic

    before = pickle._Pickler._batch_setitems
    for _ in range(1500):
        assert dynamic.serialize_provider(GraphProvider("PartnerAccess")) == SAVED_V1
    assert pickle._Pickler._batch_setitems is before
