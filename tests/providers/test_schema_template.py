"""What the stack does not declare is held to the template's defaults (schema_template.py): each
portal edit is drift in the admin center's words, restoring gives the template's mapping back, and
what the stack declares or leaves unmanaged is never touched. Table-driven, pure."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from providers.synchronization.schema_edits import ManagedSchema, desired_schema
from providers.synchronization.schema_json import find_attribute_mapping, normalized
from providers.synchronization.schema_template import drift_from_template, restore_template
from tests.providers.schema_samples import template, user_object_mapping

COMPANY = {"target": "companyName", "constant": "Contoso"}
DEPARTMENT_FROM_TITLE = {"target": "department", "source": "jobTitle"}
NO_ADDRESS_LIST = {"target": "showInAddressList", "remove": True}
SALES = {"attribute": "department", "operator": "EQUALS", "values": ["Sales"]}


def department_from_title(mapping: dict) -> None:
    find_attribute_mapping(mapping, "department")["source"] = {"expression": "[jobTitle]", "name": "jobTitle",
                                                               "parameters": [], "type": "Attribute"}


def display_name_on_create(mapping: dict) -> None:
    find_attribute_mapping(mapping, "displayName")["flowType"] = "ObjectAddOnly"


def no_address_list(mapping: dict) -> None:
    mapping["attributeMappings"] = [m for m in mapping["attributeMappings"] if m["targetAttributeName"] != "showInAddressList"]


def mobile_added(mapping: dict) -> None:
    mapping["attributeMappings"].append({**find_attribute_mapping(mapping, "department"), "targetAttributeName": "mobilePhone",
                                         "defaultValue": "none"})


def country_clause(mapping: dict) -> None:
    mapping["scope"] = {"groups": [{"name": "Only NL", "clauses": [
        {"operatorName": "EQUALS", "sourceOperandName": "country", "targetOperand": {"values": ["NL"]}}]}]}


def disabled(mapping: dict) -> None:
    mapping["enabled"] = False


# name: (portal edit, declared, unmanaged, the drift it shows)
CASES: dict[str, tuple[Callable[[dict], None], ManagedSchema, tuple[str, ...], list[str]]] = {
    "a default mapping's source": (department_from_title, ManagedSchema(), (),
                                   ["attribute mapping department: Attribute [jobTitle] (the template's: Attribute [department])"]),
    "a default mapping's flow": (display_name_on_create, ManagedSchema(), (),
                                 ["attribute mapping displayName: Attribute [displayName], applied only on object creation "
                                  "(the template's: Attribute [displayName])"]),
    "a default mapping removed": (no_address_list, ManagedSchema(), (),
                                  ["attribute mapping showInAddressList: removed (the template's: Constant \"True\")"]),
    "a mapping added": (mobile_added, ManagedSchema(), (),
                        ["attribute mapping mobilePhone: Attribute [department], default 'none', added (the template does not map it)"]),
    "a scoping clause added": (country_clause, ManagedSchema(), (),
                               ["scoping filter clause country EQUALS NL in scope group 'Only NL': not declared, not in the template"]),
    "the user mapping disabled": (disabled, ManagedSchema(), (), ["the user object mapping is disabled (the template's: enabled)"]),
    "a declared mapping is the declaration's business": (department_from_title, ManagedSchema(attribute_mappings=(DEPARTMENT_FROM_TITLE,)), (), []),
    "a declared removal is no drift": (no_address_list, ManagedSchema(attribute_mappings=(NO_ADDRESS_LIST,)), (), []),
    "a declared clause is no drift": (lambda m: None, ManagedSchema(scope_filters=(SALES,)), (), []),
    "an unmanaged attribute is left alone": (department_from_title, ManagedSchema(), ("Department",), []),
    "every undeclared attribute left alone": (mobile_added, ManagedSchema(), ("*",), []),
}


def edited(edit: Callable[[dict], None], managed: ManagedSchema) -> dict:
    """The template as ctsync's declaration leaves it, then edited in the portal."""
    document = desired_schema(template(), managed).document
    edit(user_object_mapping(document))
    return document


@pytest.mark.parametrize("edit, managed, unmanaged, shows", CASES.values(), ids=CASES.keys())
def test_drift_is_named_and_restoring_gives_the_template_back(edit, managed, unmanaged, shows):
    document = edited(edit, managed)
    assert drift_from_template(document, template(), managed, unmanaged) == shows
    restored = desired_schema(document, managed).document
    restore_template(restored, template(), managed, unmanaged)
    assert drift_from_template(restored, template(), managed, unmanaged) == []
    if shows:
        assert normalized(restored) == normalized(desired_schema(template(), managed).document), "exactly the declaration"
    else:
        assert normalized(restored) == normalized(desired_schema(document, managed).document), "nothing touched"


def test_the_template_itself_shows_no_drift():
    assert drift_from_template(template(), template(), ManagedSchema(), ()) == []
    assert drift_from_template(desired_schema(template(), ManagedSchema(attribute_mappings=(COMPANY,))).document,
                               template(), ManagedSchema(attribute_mappings=(COMPANY,)), ()) == []
