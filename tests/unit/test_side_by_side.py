"""verify's comparison of one mapped attribute: source, what the mapping gives, the target now."""
from __future__ import annotations

import pytest

from ctsync.attributes import NOT_READ, rows, source_attributes


def mapping(target: str, kind: str, name: str | None = None, expression: str | None = None, default: str | None = None):
    return {"targetAttributeName": target, "defaultValue": default,
            "source": {"type": kind, "name": name, "expression": expression}}


# (mapping, source user, target user, what the mapping gives, verdict)
CASES = {
    "copied, equal": (mapping("jobTitle", "Attribute", "jobTitle"), {"jobTitle": "Lead"}, {"jobTitle": "Lead"}, "Lead", "yes"),
    "copied, edited in the target": (mapping("jobTitle", "Attribute", "jobTitle"), {"jobTitle": "Lead"},
                                     {"jobTitle": "Intern"}, "Lead", "NO"),
    "empty source takes the default": (mapping("companyName", "Attribute", "companyName", default="Contoso"),
                                       {"companyName": None}, {"companyName": "Contoso"}, "Contoso", "yes"),
    "a constant True is the boolean": (mapping("showInAddressList", "Constant", "True"), {}, {"showInAddressList": True},
                                       "True", "yes"),
    "an expression is Graph's to evaluate": (mapping("mail", "Function", expression="Join(...)"), {}, {"mail": "x"},
                                             "(expression)", "?"),
    "a B2B principal name": (mapping("userPrincipalName", "Attribute", "userPrincipalName"), {"userPrincipalName": "a@contoso.com"},
                             {"userPrincipalName": "a_contoso.com#EXT#@fabrikam.com"}, "a@contoso.com", "yes"),
    "another user's principal name": (mapping("userPrincipalName", "Attribute", "userPrincipalName"),
                                      {"userPrincipalName": "a@contoso.com"},
                                      {"userPrincipalName": "b_contoso.com#EXT#@fabrikam.com"}, "a@contoso.com", "NO"),
    "the target not read": (mapping("city", "Attribute", "city"), {"city": "Oslo"}, None, "Oslo", "?"),
    "objectId is Graph's id": (mapping("employeeId", "Attribute", "objectId"), {"id": "42"}, {"employeeId": "42"}, "42", "yes"),
}


@pytest.mark.parametrize("the_mapping, source, target, gives, verdict", CASES.values(), ids=CASES.keys())
def test_each_mapped_attribute_is_compared_as_graph_writes_it(the_mapping, source, target, gives, verdict):
    [row] = rows([the_mapping], source, target)
    assert (row.gives, row.agrees) == (gives, verdict)


def test_only_direct_sources_are_read_from_the_source_user_by_their_graph_names():
    mappings = [mapping("a", "Attribute", "objectId"), mapping("b", "Constant", "x"), mapping("c", "Attribute", "city")]
    assert source_attributes(mappings) == ["city", "id"]
    assert rows([mapping("city", "Attribute", "city")], None, {})[0].source_value == NOT_READ
