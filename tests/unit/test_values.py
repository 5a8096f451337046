"""One set of value rules (stackconfig/values.py): the config contract and the provider's checks
accept and refuse exactly the same GUIDs and e-mail addresses."""
import pytest

from providers.framework.values import email, guid
from stackconfig import ConfigError, load_stack_config

GUIDS = {
    "canonical": ("11111111-1111-4111-8111-111111111111", True),
    "upper case": ("AAAAAAAA-1111-4111-8111-111111111111", True),
    "braces": ("{11111111-1111-4111-8111-111111111111}", False),
    "urn": ("urn:uuid:11111111-1111-4111-8111-111111111111", False),
    "unhyphenated": ("11111111111141118111111111111111", False),
    "nil": ("00000000-0000-0000-0000-000000000000", False),
    "too short": ("1111-1111", False),
    # a YAML block scalar (`tenantId: |`) ends in a newline, which `$` with re.match let through
    "trailing newline": ("11111111-1111-4111-8111-111111111111\n", False),
    "nil with a trailing newline": ("00000000-0000-0000-0000-000000000000\n", False),
    "leading newline": ("\n11111111-1111-4111-8111-111111111111", False),
}
EMAILS = {
    "address": ("identity-ops@contoso.com", True),
    "no domain dot": ("ops@contoso", False),
    "two at signs": ("a@b@contoso.com", False),
    "spaces": ("ops team@contoso.com", False),
    "trailing newline": ("identity-ops@contoso.com\n", False),
}


def config_accepts(tenant_id: str = "11111111-1111-4111-8111-111111111111", email_address: str | None = None) -> bool:
    values = {
        "ctsync:tenants": {"a": {"tenantId": tenant_id}, "b": {"tenantId": "22222222-2222-4222-8222-222222222222"}},
        "ctsync:sync": [{"from": "a", "to": "b", "scope": {"allUsers": True},
                         **({"notificationEmail": email_address} if email_address else {})}],
    }
    try:
        load_stack_config(values)
    except ConfigError:
        return False
    return True


@pytest.mark.parametrize("value,valid", GUIDS.values(), ids=GUIDS.keys())
def test_the_config_and_the_provider_agree_on_guids(value, valid):
    assert config_accepts(tenant_id=value) is valid
    assert (guid(value) is None) is valid


@pytest.mark.parametrize("value,valid", EMAILS.values(), ids=EMAILS.keys())
def test_the_config_and_the_provider_agree_on_email_addresses(value, valid):
    assert config_accepts(email_address=value) is valid
    assert (email(value) is None) is valid


def test_one_tenant_under_two_aliases_is_refused_even_with_a_trailing_newline():
    values = {"ctsync:tenants": {"a": {"tenantId": "11111111-1111-4111-8111-111111111111"},
                                 "b": {"tenantId": "11111111-1111-4111-8111-111111111111\n"}}}
    with pytest.raises(ConfigError) as raised:
        load_stack_config(values)
    assert [problem.path for problem in raised.value.problems] == ["ctsync:tenants.b.tenantId"]


@pytest.mark.parametrize("alias", ["contoso\n", "contoso\t", "con:toso", "1contoso", ""])
def test_an_alias_must_match_the_rule_as_a_whole(alias):
    values = {"ctsync:tenants": {alias: {"tenantId": "11111111-1111-4111-8111-111111111111"}}}
    with pytest.raises(ConfigError) as raised:
        load_stack_config(values)
    assert "is not a usable alias" in str(raised.value)


CONTROL = {
    "NUL": "Sales\x00",
    "escape": "Sales\x1b[31m",
    "right-to-left override": "Sales\u202e",
    "first-strong isolate": "\u2068Sales",
    "line break": "Sales\nTeam",
}


@pytest.mark.parametrize("text", CONTROL.values(), ids=CONTROL.keys())
@pytest.mark.parametrize("path", ["displayName", "constant", "filter value"])
def test_control_characters_are_refused_in_names_and_constants(text, path):
    sync = {"from": "a", "to": "b", "scope": {"allUsers": True}}
    tenants = {"a": {"tenantId": "11111111-1111-4111-8111-111111111111"}, "b": {"tenantId": "22222222-2222-4222-8222-222222222222"}}
    if path == "displayName":
        tenants["a"]["displayName"] = text
    elif path == "constant":
        sync["attributeMappings"] = [{"target": "companyName", "constant": text}]
    else:
        sync["scope"]["filters"] = [{"attribute": "department", "operator": "EQUALS", "values": [text]}]
    with pytest.raises(ConfigError) as raised:
        load_stack_config({"ctsync:tenants": tenants, "ctsync:sync": [sync]})
    [problem] = raised.value.problems
    assert "holds the control character U+" in problem.message
    assert text not in str(raised.value)


def test_an_expression_may_span_lines_but_its_strings_hold_no_control_character():
    tenants = {"a": {"tenantId": "11111111-1111-4111-8111-111111111111"}, "b": {"tenantId": "22222222-2222-4222-8222-222222222222"}}

    def load(expression: str) -> None:
        load_stack_config({"ctsync:tenants": tenants, "ctsync:sync": [
            {"from": "a", "to": "b", "scope": {"allUsers": True},
             "attributeMappings": [{"target": "companyName", "expression": expression}]}]})

    load('Join(" ",\n  [givenName],\n  [surname])')
    with pytest.raises(ConfigError, match="control character U\\+0000"):
        load('Join("\\u0000", [givenName], [surname])')


@pytest.mark.parametrize("code, message, recognised", [
    ("AzureActiveDirectoryCrossTenantSyncPolicyCheckFailure", "", True),  # the code the service reports now
    ("AzureDirectoryB2BManagementPolicyCheckFailure", "", True),  # jobs quarantined before the rename
    ("BadRequest", "failed: AzureDirectoryB2BManagementPolicyCheckFailure", True),  # named in the message only
    ("AzureActiveDirectoryForbidden", "", False),
    (None, "", False),
])
def test_both_policy_check_codes_are_recognised(code, message, recognised):
    from providers.synchronization.readiness import is_policy_check_failure

    assert is_policy_check_failure(code, message) is recognised
