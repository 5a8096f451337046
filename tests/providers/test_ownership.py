"""Two stacks and one direction: the configuration app a stack makes carries its owner marker (the
application tag ``ctsync:stack=<project>/<stack>``); another stack refuses to take it over, naming the
owner, unless its ctsync:takeOverFrom names that stack; then the marker moves, and the first stack's
destroy leaves the app to its new owner."""
from __future__ import annotations

import json

import pytest

from tests.emulator.flows import CONTOSO, raw, two_tenants
from tests.providers.drivers import GrpcDriver, ProviderError
from tests.providers.source_side import APP_NAME

INPUTS = {"tenant_id": CONTOSO, "display_name": APP_NAME}


@pytest.fixture
def config(emulator, tenants_config):
    emulator.admin.load_fixture(two_tenants())
    return tenants_config(CONTOSO)


def app_driver(config: dict[str, str], stack: str, take_over_from: list[str] | None = None) -> GrpcDriver:
    extra = {"ctsync:takeOverFrom": json.dumps(take_over_from)} if take_over_from is not None else {}
    return GrpcDriver("ConfigurationApp", {**config, **extra}, stack=stack)


def tags(emulator, app_object_id: str) -> list[str]:
    return raw(emulator, "GET", f"/applications/{app_object_id}", emulator.admin.token(CONTOSO))[2]["tags"]


def test_a_new_app_carries_its_stacks_marker(config, emulator):
    _, outs = app_driver(config, "prod").create(INPUTS)
    assert "ctsync:stack=ctsync/prod" in tags(emulator, outs["application_object_id"])


def test_another_stack_refuses_to_take_it_over_and_names_the_owner(config, emulator):
    _, outs = app_driver(config, "prod").create(INPUTS)
    emulator.admin.clear_requests()
    with pytest.raises(ProviderError) as refused:
        app_driver(config, "staging").create(INPUTS)
    message = str(refused.value)
    assert "is managed by the ctsync stack ctsync/prod" in message and "not by this stack (ctsync/staging)" in message
    assert 'set ctsync:takeOverFrom to ["ctsync/prod"]' in message
    assert [e for e in emulator.admin.requests() if e["method"] != "GET"] == [], "nothing written"
    assert tags(emulator, outs["application_object_id"]) == ["ctsync:stack=ctsync/prod"]


@pytest.mark.parametrize("allowed", [["ctsync/prod"], ["*"]])
def test_told_to_it_takes_over_and_the_first_stacks_destroy_leaves_the_app(config, emulator, allowed):
    first = app_driver(config, "prod")
    id, first_outs = first.create(INPUTS)
    _, outs = app_driver(config, "staging", take_over_from=allowed).create(INPUTS)
    assert outs["application_object_id"] == first_outs["application_object_id"]
    assert tags(emulator, outs["application_object_id"]) == ["ctsync:stack=ctsync/staging"]

    first.delete(id, first_outs)
    assert tags(emulator, outs["application_object_id"]) == ["ctsync:stack=ctsync/staging"], "left to its new owner"


def test_its_own_stack_deletes_it(config, emulator):
    driver = app_driver(config, "prod")
    id, outs = driver.create(INPUTS)
    driver.delete(id, outs)
    status, _, _ = raw(emulator, "GET", f"/applications/{outs['application_object_id']}", emulator.admin.token(CONTOSO))
    assert status == 404
