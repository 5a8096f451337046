"""Table-driven tests of the behaviour the framework derives from field declarations."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from pulumi.runtime.rpc import UNKNOWN

from providers.framework import attribute, computed
from providers.framework.schema import check, diff, dump, load, secret_fields
from providers.framework.values import guid, lower_guid, non_negative, one_of, plain_text

TENANT = "11111111-1111-4111-8111-111111111111"


@dataclass(frozen=True)
class Inputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    display_name: str = attribute(default="ctsync", validate=plain_text)
    threshold: int = attribute(default=500, validate=non_negative)
    user_type: str = attribute(default="Member", validate=one_of("Member", "Guest"))
    groups: list = attribute(default=[])
    email: str | None = attribute(default=None)
    password: str | None = attribute(default=None, secret=True)


@dataclass(frozen=True)
class State:
    object_id: str = computed()
    token: str = computed(secret=True)


CHECK_CASES = {
    "minimal, defaults applied": ({"tenant_id": TENANT}, [], {"display_name": "ctsync", "threshold": 500, "groups": []}),
    "GUID normalised to lower case": ({"tenant_id": TENANT.upper()}, [], {"tenant_id": TENANT}),
    "missing required": ({}, ["tenant_id"], {}),
    "not a GUID": ({"tenant_id": "contoso"}, ["tenant_id"], {}),
    "GUID with a trailing newline": ({"tenant_id": TENANT + "\n"}, ["tenant_id"], {}),
    "name with a NUL": ({"tenant_id": TENANT, "display_name": "Contoso\x00"}, ["display_name"], {}),
    "name with a bidi isolate": ({"tenant_id": TENANT, "display_name": "\u2067Contoso"}, ["display_name"], {}),
    "wrong type": ({"tenant_id": TENANT, "threshold": "many"}, ["threshold"], {}),
    "bool is not an int": ({"tenant_id": TENANT, "threshold": True}, ["threshold"], {}),
    "integral float accepted as int": ({"tenant_id": TENANT, "threshold": 10.0}, [], {"threshold": 10.0}),
    "negative": ({"tenant_id": TENANT, "threshold": -1}, ["threshold"], {}),
    "not in enum": ({"tenant_id": TENANT, "user_type": "Admin"}, ["user_type"], {}),
    "optional may be None": ({"tenant_id": TENANT, "email": None}, [], {"email": None}),
    "unknown property": ({"tenant_id": TENANT, "colour": "blue"}, ["colour"], {}),
    "several failures at once": ({"threshold": -5, "user_type": "x"}, ["tenant_id", "threshold", "user_type"], {}),
    "unknown during preview is not validated": ({"tenant_id": UNKNOWN}, [], {}),
}


@pytest.mark.parametrize("news,failing,expected", CHECK_CASES.values(), ids=CHECK_CASES.keys())
def test_check(news, failing, expected):
    inputs, failures = check(Inputs, news)
    assert sorted(f.property for f in failures) == sorted(failing)
    for name, value in expected.items():
        assert inputs[name] == value
    for failure in failures:
        assert failure.property in failure.reason


BASE = {"tenant_id": TENANT, "display_name": "a", "threshold": 500, "user_type": "Member", "groups": [],
        "email": None, "password": None}
DIFF_CASES = {
    "identical": ({}, {}, False, []),
    "update in place": ({}, {"display_name": "b"}, True, []),
    "replace-on-change field": ({}, {"tenant_id": "22222222-2222-4222-8222-222222222222"}, True, ["tenant_id"]),
    "server-normalised case is no change": ({}, {"tenant_id": TENANT.upper()}, False, []),
    "computed output is never a diff": ({"object_id": "x", "token": "t"}, {}, False, []),
    "__provider is never a diff": ({"__provider": "old"}, {"__provider": "new"}, False, []),
    "protobuf float equals int": ({"threshold": 500.0}, {}, False, []),
    "tuple equals list": ({"groups": ["g"]}, {"groups": ("g",)}, False, []),
    "list order matters": ({"groups": ["a", "b"]}, {"groups": ["b", "a"]}, True, []),
    "unknown replace field plans a replace": ({}, {"tenant_id": UNKNOWN}, True, ["tenant_id"]),
    "missing optional equals its default": ({"email": None}, {"email": None}, False, []),
}


@pytest.mark.parametrize("old_extra,new_extra,changes,replaces", DIFF_CASES.values(), ids=DIFF_CASES.keys())
def test_diff(old_extra, new_extra, changes, replaces):
    result = diff(Inputs, {**BASE, **old_extra}, {**BASE, **new_extra}, delete_before_replace=True)
    assert result.changes is changes
    assert result.replaces == replaces
    assert result.delete_before_replace is bool(replaces)


def test_secret_fields_are_declared_for_additional_secret_outputs():
    assert secret_fields(Inputs, State) == ["password", "token"]


def test_load_and_dump_round_trip_with_protobuf_numbers():
    inputs = load(Inputs, {**BASE, "threshold": 7.0})
    assert inputs.threshold == 7 and isinstance(inputs.threshold, int)
    props = dump(inputs, State(object_id="o"))
    assert props["threshold"] == 7 and props["object_id"] == "o" and props["token"] is None
