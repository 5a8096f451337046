"""Table-driven tests of the pure schema edits: what is written, what is left alone, when a PUT is due."""
from __future__ import annotations

import json

import pytest

from providers.synchronization.schema_checks import canonical_mappings, invalid_filters, invalid_mappings
from providers.synchronization.schema_edits import Baseline, ManagedSchema, desired_schema, given_back, unknown_attributes
from providers.synchronization.schema_json import (
    ACCOUNT_ENABLED_CLAUSE,
    SCOPE_GROUP,
    SchemaError,
    find_attribute_mapping,
    normalized,
)
from providers.synchronization.schema_views import managed_view
from tests.providers.schema_samples import group_object_mapping, template, user_object_mapping, with_group_mapping

SALES = {"attribute": "department", "operator": "EQUALS", "values": ["Sales"]}
MARKETING = {"attribute": "department", "operator": "EQUALS", "values": ["Marketing"]}
COMPANY = {"target": "companyName", "constant": "Contoso"}
DEPARTMENT_FROM_TITLE = {"target": "department", "source": "jobTitle"}
DEPARTMENT_AS_IS = {"target": "department", "source": "department"}
FULL_NAME = {"target": "displayName", "expression": 'Join(" ", [givenName], [surname])'}
DEPARTMENT_ON_CREATE = {"target": "department", "source": "department", "flow": "objectAddOnly", "default": "Unassigned"}
NO_ADDRESS_LIST = {"target": "showInAddressList", "remove": True}


def with_flow_types(spelling: str) -> dict:
    document = template()
    user_object_mapping(document)["flowTypes"] = spelling
    return document


def with_user_group(*clauses: dict) -> dict:
    document = template()
    user_object_mapping(document)["scope"] = {"groups": [{"name": "made by hand", "clauses": list(clauses)}]}
    return document


def with_user_type(flow_type: str) -> dict:
    document = template()
    find_attribute_mapping(user_object_mapping(document), "userType")["flowType"] = flow_type
    return document


def mapping_of(document: dict, target: str) -> dict | None:
    return find_attribute_mapping(user_object_mapping(document), target)


def groups_of(document: dict) -> list[dict]:
    return (user_object_mapping(document).get("scope") or {}).get("groups") or []


def declared(managed: ManagedSchema) -> dict:
    return {
        "user_type": managed.user_type,
        "remove_disabled_users": managed.remove_disabled_users,
        "scope_filters": list(managed.scope_filters),
        "attribute_mappings": list(managed.attribute_mappings),
        "provision_groups": managed.provision_groups,
        "flow_types": managed.flow_types,
    }


DEPARTMENT_CLAUSE = {"operatorName": "EQUALS", "sourceOperandName": "department", "targetOperand": {"values": ["Sales"]}}
COUNTRY_CLAUSE = {"operatorName": "EQUALS", "sourceOperandName": "country", "targetOperand": {"values": ["NL"]}}

# name: (document before, declaration, PUT expected, what the written document must show)
APPLY_CASES = {
    "defaults on the template: nothing to do": (template(), ManagedSchema(), False, lambda d: d == template()),
    "deletes turned off (targetObjectActions.delete: false)": (
        template(), ManagedSchema(flow_types="Add, Update"), True,
        lambda d: user_object_mapping(d)["flowTypes"] == "Add, Update",
    ),
    "flow types spelt without spaces are the same": (
        with_flow_types("Add,Update,Delete"), ManagedSchema(), False, lambda d: user_object_mapping(d)["flowTypes"] == "Add,Update,Delete",
    ),
    "an expression becomes Graph's structured source": (
        template(), ManagedSchema(attribute_mappings=(FULL_NAME,)), True,
        lambda d: mapping_of(d, "displayName")["source"] == {
            "expression": 'Join(" ", [givenName], [surname])', "name": "Join", "type": "Function",
            "parameters": [{"key": "separator", "value": {"expression": '" "', "name": " ", "parameters": [], "type": "Constant"}},
                           {"key": "source1", "value": {"expression": "[givenName]", "name": "givenName", "parameters": [], "type": "Attribute"}},
                           {"key": "source2", "value": {"expression": "[surname]", "name": "surname", "parameters": [], "type": "Attribute"}}]},
    ),
    "flow and default set what they declare, and only that": (
        template(), ManagedSchema(attribute_mappings=(DEPARTMENT_ON_CREATE,)), True,
        lambda d: (mapping_of(d, "department")["flowType"], mapping_of(d, "department")["defaultValue"]) == ("ObjectAddOnly", "Unassigned")
        and mapping_of(d, "department")["source"]["name"] == "department",
    ),
    "remove takes a default mapping out": (
        template(), ManagedSchema(attribute_mappings=(NO_ADDRESS_LIST,)), True,
        lambda d: mapping_of(d, "showInAddressList") is None,
    ),
    "group provisioning enables the group object mapping, and only that": (
        with_group_mapping(), ManagedSchema(provision_groups=True), True,
        lambda d: group_object_mapping(d)["enabled"] is True and user_object_mapping(d) == user_object_mapping(template()),
    ),
    "group provisioning off disables a mapping enabled by hand": (
        with_group_mapping(enabled=True), ManagedSchema(), True, lambda d: group_object_mapping(d)["enabled"] is False,
    ),
    "a schema without a group mapping and no group provisioning is left alone": (
        template(), ManagedSchema(provision_groups=False), False, lambda d: d == template(),
    ),
    "flowTypes without spaces is the same flags value": (
        with_flow_types("Add,Update,Delete"), ManagedSchema(), False, lambda d: True,
    ),
    "flowTypes kept exactly as spelt when something else changes": (
        with_flow_types("Delete,Add,Update"), ManagedSchema(user_type="Guest"), True,
        lambda d: user_object_mapping(d)["flowTypes"] == "Delete,Add,Update",
    ),
    "userType Guest is a constant applied always": (
        template(), ManagedSchema(user_type="Guest"), True,
        lambda d: mapping_of(d, "userType")["source"] == {"expression": '"Guest"', "name": "Guest", "parameters": [], "type": "Constant"}
        and mapping_of(d, "userType")["flowType"] == "Always",
    ),
    "userType applied only on creation is made Always": (
        with_user_type("ObjectAddOnly"), ManagedSchema(), True, lambda d: mapping_of(d, "userType")["flowType"] == "Always",
    ),
    "a constant mapping of an unmapped target is added": (
        template(), ManagedSchema(attribute_mappings=(COMPANY,)), True,
        lambda d: mapping_of(d, "companyName")["source"]["type"] == "Constant"
        and mapping_of(d, "companyName")["source"]["name"] == "Contoso"
        and mapping_of(d, "companyName")["flowType"] == "Always",
    ),
    "a source mapping replaces the source of the existing mapping only": (
        with_user_type("Always"), ManagedSchema(attribute_mappings=(DEPARTMENT_FROM_TITLE,)), True,
        lambda d: mapping_of(d, "department")["source"] == {"expression": "[jobTitle]", "name": "jobTitle", "parameters": [], "type": "Attribute"}
        and mapping_of(d, "department")["flowBehavior"] == "FlowWhenChanged"
        and len(user_object_mapping(d)["attributeMappings"]) == len(user_object_mapping(template())["attributeMappings"]),
    ),
    "a mapping that already means the same is not rewritten": (
        template(), ManagedSchema(attribute_mappings=(DEPARTMENT_AS_IS,)), False, lambda d: d == template(),
    ),
    "a scoping filter goes into a ctsync group when there is none": (
        template(), ManagedSchema(scope_filters=(SALES,)), True,
        lambda d: groups_of(d) == [{"name": SCOPE_GROUP, "clauses": [DEPARTMENT_CLAUSE]}],
    ),
    "remove_disabled_users adds the accountEnabled IS TRUE clause": (
        template(), ManagedSchema(remove_disabled_users=True), True,
        lambda d: groups_of(d) == [{"name": SCOPE_GROUP, "clauses": [ACCOUNT_ENABLED_CLAUSE]}],
    ),
    "clauses narrow a group made by hand instead of OR-ing a new one": (
        with_user_group(COUNTRY_CLAUSE), ManagedSchema(scope_filters=(SALES,), remove_disabled_users=True), True,
        lambda d: groups_of(d) == [{"name": "made by hand", "clauses": [COUNTRY_CLAUSE, DEPARTMENT_CLAUSE, ACCOUNT_ENABLED_CLAUSE]}],
    ),
    "a clause the group already has is not added twice": (
        with_user_group(COUNTRY_CLAUSE, DEPARTMENT_CLAUSE), ManagedSchema(scope_filters=(SALES,)), False, lambda d: True,
    ),
}


@pytest.mark.parametrize("before,managed,put,shows", APPLY_CASES.values(), ids=APPLY_CASES.keys())
def test_apply(before, managed, put, shows):
    desired = desired_schema(before, managed)
    assert desired.changed is put
    assert shows(desired.document)
    assert managed_view(desired.document, managed) == declared(managed)
    again = desired_schema(desired.document, managed, desired.baseline)
    assert not again.changed, "applying the same declaration twice must not PUT"
    assert json.dumps(again.document) == json.dumps(desired.document)


def test_no_op_is_byte_identical_and_keeps_the_annotations_out():
    current = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#schema", **template()}
    desired = desired_schema(current, ManagedSchema(attribute_mappings=(DEPARTMENT_AS_IS,)))
    assert not desired.changed
    assert json.dumps(desired.document) == json.dumps(template())


# name: (first declaration, second declaration): the second replaces the first without leftovers
CHANGE_CASES = {
    "filter value changed": (ManagedSchema(scope_filters=(SALES,)), ManagedSchema(scope_filters=(MARKETING,))),
    "filter dropped": (ManagedSchema(scope_filters=(SALES,), remove_disabled_users=True), ManagedSchema(remove_disabled_users=True)),
    "mapping source changed": (ManagedSchema(attribute_mappings=(DEPARTMENT_FROM_TITLE,)), ManagedSchema(attribute_mappings=({"target": "department", "constant": "R&D"},))),
    "mapping dropped": (ManagedSchema(attribute_mappings=(COMPANY, DEPARTMENT_FROM_TITLE)), ManagedSchema(attribute_mappings=(COMPANY,))),
}


@pytest.mark.parametrize("first,second", CHANGE_CASES.values(), ids=CHANGE_CASES.keys())
def test_change_leaves_nothing_behind(first, second):
    applied = desired_schema(template(), first)
    changed = desired_schema(applied.document, second, applied.baseline)
    fresh = desired_schema(template(), second)
    assert normalized(changed.document) == normalized(fresh.document)
    assert managed_view(changed.document, second) == declared(second)


# name: (document before ctsync, declaration): giving back restores the document ctsync found
GIVE_BACK_CASES = {
    "template defaults": (template(), ManagedSchema(user_type="Guest", scope_filters=(SALES,), remove_disabled_users=True,
                                                    attribute_mappings=(COMPANY, DEPARTMENT_FROM_TITLE))),
    "hand-made group keeps its own clause": (with_user_group(COUNTRY_CLAUSE), ManagedSchema(scope_filters=(SALES,))),
    "a customised userType comes back": (with_user_type("ObjectAddOnly"), ManagedSchema(user_type="Guest")),
    "flow types come back as they were": (with_flow_types("Add, Update"), ManagedSchema(flow_types="Add, Update, Delete")),
}


@pytest.mark.parametrize("found,managed", GIVE_BACK_CASES.values(), ids=GIVE_BACK_CASES.keys())
def test_give_back(found, managed):
    applied = desired_schema(found, managed)
    given_back = desired_schema(applied.document, None, applied.baseline)
    assert given_back.changed
    assert normalized(given_back.document) == normalized(found)
    assert given_back.baseline == Baseline()


def test_baseline_survives_state_as_json():
    applied = desired_schema(template(), ManagedSchema(user_type="Guest", scope_filters=(SALES,)))
    assert Baseline.from_json(applied.baseline.to_json()) == applied.baseline
    assert Baseline.from_json(None) == Baseline()


# name: (document, drift shows as)
DRIFT_CASES = {
    "userType constant changed": (
        lambda d: mapping_of(d, "userType")["source"].update(name="Member", expression='"Member"'), {"user_type": "Member"},
    ),
    "userType applied on creation only": (
        lambda d: mapping_of(d, "userType").update(flowType="ObjectAddOnly"), {"user_type": "Guest (flowType ObjectAddOnly)"},
    ),
    "userType mapping deleted": (
        lambda d: user_object_mapping(d)["attributeMappings"].remove(mapping_of(d, "userType")), {"user_type": "unmapped"},
    ),
    "a group without ctsync's clauses widens the scope": (
        lambda d: groups_of(d).append({"name": "everyone", "clauses": [COUNTRY_CLAUSE]}),
        {"scope_filters": [], "remove_disabled_users": False},
    ),
    "a mapped constant turned into an expression": (
        lambda d: mapping_of(d, "companyName")["source"].update(type="Function", expression="Join(\"\", [x])"),
        {"attribute_mappings": [{"target": "companyName", "expression": "Join(\"\", [x])"}]},
    ),
    "a mapping deleted": (
        lambda d: user_object_mapping(d)["attributeMappings"].remove(mapping_of(d, "companyName")), {"attribute_mappings": []},
    ),
}


@pytest.mark.parametrize("drift,shows", DRIFT_CASES.values(), ids=DRIFT_CASES.keys())
def test_drift_shows_in_the_view_and_the_next_apply_heals_it(drift, shows):
    managed = ManagedSchema(user_type="Guest", scope_filters=(SALES,), remove_disabled_users=True, attribute_mappings=(COMPANY,))
    applied = desired_schema(template(), managed)
    drifted = json.loads(json.dumps(applied.document))
    drift(drifted)
    view = managed_view(drifted, managed)
    assert view == {**declared(managed), **shows}
    healed = desired_schema(drifted, managed, applied.baseline)
    assert healed.changed
    assert managed_view(healed.document, managed) == declared(managed)


FULL = ManagedSchema(user_type="Guest", scope_filters=(SALES,), attribute_mappings=(COMPANY,))


def revert_user_type(document: dict) -> None:
    mapping_of(document, "userType")["source"].update(name="Member", expression='"Member"')


def revert_everything(document: dict) -> None:
    revert_user_type(document)
    user_object_mapping(document)["scope"] = None
    user_object_mapping(document)["attributeMappings"].remove(mapping_of(document, "companyName"))


# name: (declaration, what happens to the applied document, baseline kept?, reads as gone)
GONE_CASES = {
    "just applied": (FULL, lambda d: None, True, False),
    "given back by delete": (FULL, "give back", True, True),
    "every managed part reverted by hand": (FULL, revert_everything, True, True),
    "one part reverted by hand is drift": (FULL, revert_user_type, True, False),
    "a declaration that changes nothing is never gone": (ManagedSchema(), lambda d: None, True, False),
    "no baseline recorded": (FULL, "give back", False, False),
}


@pytest.mark.parametrize("managed,then,baseline_kept,gone", GONE_CASES.values(), ids=GONE_CASES.keys())
def test_given_back_reads_as_gone(managed, then, baseline_kept, gone):
    applied = desired_schema(template(), managed)
    if then == "give back":
        document = desired_schema(applied.document, None, applied.baseline).document
    else:
        document = json.loads(json.dumps(applied.document))
        then(document)
    baseline = applied.baseline if baseline_kept else Baseline()
    assert given_back(document, managed, baseline) is gone


# name: (a, b, equal after normalisation)
NORMALISE_CASES = {
    "key order": ({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"d": 3, "c": 2}, "a": 1}, True),
    "flags spacing": ({"flowTypes": "Add, Update, Delete"}, {"flowTypes": "Add,Update,Delete"}, True),
    "flags order and case": ({"flowTypes": "Add, Update, Delete"}, {"flowTypes": "delete,add,update"}, True),
    "flags member removed": ({"flowTypes": "Add, Update, Delete"}, {"flowTypes": "Add, Update"}, False),
    "commas elsewhere are text": ({"name": "Smith, John"}, {"name": "John,Smith"}, False),
    "null, empty and missing": ({"scope": None, "parameters": [], "x": 1}, {"x": 1, "metadata": {}}, True),
    "integral float": ({"matchingPriority": 0}, {"matchingPriority": 0.0}, True),
    "list order matters": ({"values": ["a", "b"]}, {"values": ["b", "a"]}, False),
}


@pytest.mark.parametrize("a,b,equal", NORMALISE_CASES.values(), ids=NORMALISE_CASES.keys())
def test_normalized(a, b, equal):
    assert (normalized(a) == normalized(b)) is equal


def test_a_schema_without_the_user_rule_is_refused_with_a_reason():
    document = template()
    document["synchronizationRules"][0]["name"] = "GROUP_INBOUND_GROUP"
    with pytest.raises(SchemaError, match="USER_INBOUND_USER"):
        desired_schema(document, ManagedSchema())


# name: (value, validator, failure mentions or None)
VALIDATION_CASES = {
    "filter ok": ([SALES], invalid_filters, None),
    "unary filter without values": ([{"attribute": "isSoftDeleted", "operator": "IS FALSE"}], invalid_filters, None),
    "filter without operator": ([{"attribute": "department", "values": ["x"]}], invalid_filters, "operator"),
    "filter with a number value": ([{"attribute": "a", "operator": "EQUALS", "values": [1]}], invalid_filters, "strings"),
    "filter with a typo": ([{**SALES, "valeus": ["x"]}], invalid_filters, "valeus"),
    "mapping ok": ([COMPANY, DEPARTMENT_FROM_TITLE], invalid_mappings, None),
    "mapping with both": ([{"target": "a", "source": "b", "constant": "c"}], invalid_mappings, "exactly one"),
    "mapping with neither": ([{"target": "a"}], invalid_mappings, "exactly one"),
    "userType as a mapping": ([{"target": "UserType", "constant": "Guest"}], invalid_mappings, "user_type"),
    "matching attribute": ([{"target": "alternativeSecurityIds", "source": "x"}], invalid_mappings, "matching"),
    "target twice": ([COMPANY, {"target": "CompanyName", "source": "x"}], invalid_mappings, "twice"),
    # the config contract's rule, applied by the provider to inputs from any program
    "constant with a NUL": ([{"target": "companyName", "constant": "Contoso\x00"}], invalid_mappings, "U+0000"),
    "constant with a bidi override": ([{"target": "companyName", "constant": "\u202eosotnoC"}], invalid_mappings, "U+202E"),
    "filter value with a line break": ([{**SALES, "values": ["Sales\n"]}], invalid_filters, "U+000A"),
}


@pytest.mark.parametrize("value,validator,mentions", VALIDATION_CASES.values(), ids=VALIDATION_CASES.keys())
def test_validation(value, validator, mentions):
    reason = validator(value)
    if mentions is None:
        assert reason is None
    else:
        assert mentions in reason


def test_group_provisioning_is_given_back_as_it_was():
    enabled = desired_schema(with_group_mapping(), ManagedSchema(provision_groups=True))
    restored = desired_schema(enabled.document, None, enabled.baseline)
    assert enabled.baseline.group_enabled is False and restored.changed
    assert group_object_mapping(restored.document)["enabled"] is False
    assert Baseline.from_json(enabled.baseline.to_json()) == enabled.baseline


def test_group_provisioning_needs_the_group_mapping():
    with pytest.raises(SchemaError, match="has no USER_INBOUND_USER rule mapping Group objects"):
        desired_schema(template(), ManagedSchema(provision_groups=True))


def test_a_removed_mapping_is_given_back_as_it_was():
    removed = desired_schema(template(), ManagedSchema(attribute_mappings=(NO_ADDRESS_LIST,)))
    restored = desired_schema(removed.document, None, removed.baseline)
    assert mapping_of(restored.document, "showInAddressList") == mapping_of(template(), "showInAddressList")


def test_an_expression_declared_in_any_spelling_compares_as_graph_spells_it():
    [canonical] = canonical_mappings([{"target": "displayName", "expression": 'Join( " ",[givenName] ,[surname])'}])
    assert canonical == FULL_NAME


@pytest.mark.parametrize("item, reason", [
    ({"target": "displayName", "expression": 'Jion(" ", [a])'}, "did you mean 'Join'?"),
    ({"target": "displayName", "expression": "ToUpper("}, "ends too early"),
    ({"target": "x", "source": "a", "constant": "b"}, "exactly one of source"),
    ({"target": "x", "remove": True, "flow": "always"}, "remove takes no source"),
    ({"target": "x", "source": "a", "flow": "sometimes"}, "flow must be one of always, objectAddOnly"),
], ids=["function", "syntax", "two-sources", "remove-with-flow", "flow"])
def test_invalid_mappings_say_why(item, reason):
    assert reason in invalid_mappings([item])


def test_unknown_attributes_are_named_with_the_closest_match():
    document = template()
    document["directories"] = [
        {"name": "Azure Active Directory", "objects": [{"name": "User", "attributes": [{"name": "givenName"}, {"name": "surname"}]}]},
        {"name": "Azure Active Directory (target tenant)", "objects": [{"name": "User", "attributes": [{"name": "displayName"}]}]},
    ]
    managed = ManagedSchema(attribute_mappings=({"target": "displayNme", "expression": 'Join(" ", [givenName], [surnme])'},))
    assert unknown_attributes(document, managed) == [
        "attribute_mappings[0]: 'displayNme' is not a user attribute of the target directory; did you mean 'displayName'?",
        "attribute_mappings[0]: 'surnme' is not a user attribute of the source directory; did you mean 'surname'?",
    ]

