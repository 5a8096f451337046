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
}
EMAILS = {
    "address": ("identity-ops@contoso.com", True),
    "no domain dot": ("ops@contoso", False),
    "two at signs": ("a@b@contoso.com", False),
    "spaces": ("ops team@contoso.com", False),
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
