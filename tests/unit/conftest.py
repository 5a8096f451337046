"""A valid stack configuration touching every section, which the config tests vary one edit at a time."""
import copy
import functools

import pytest

from stackconfig import load_stack_config

CONTOSO_ID = "11111111-1111-4111-8111-111111111111"
FABRIKAM_ID = "22222222-2222-4222-8222-222222222222"
NORTHWIND_ID = "33333333-3333-4333-8333-333333333333"
APP_ID = "44444444-4444-4444-8444-444444444444"
SALES_GROUP = "aaaaaaaa-0000-4000-8000-000000000001"
CLIENT_SECRET = "pl41n-t3xt-s3cr3t"
WORKSPACE = (
    "/subscriptions/55555555-5555-4555-8555-555555555555/resourceGroups/rg-identity"
    "/providers/Microsoft.OperationalInsights/workspaces/law-identity"
)

# contoso -> fabrikam, fabrikam <-> northwind (bidirectional), contoso -> northwind (topology), and an MTO.
BASE = {
    "ctsync:tenants": {
        "contoso": {
            "tenantId": CONTOSO_ID,
            "displayName": "Contoso",
            "auth": {"method": "oidc", "clientId": APP_ID},
        },
        "fabrikam": {
            "tenantId": FABRIKAM_ID,
            "auth": {"method": "emulator"},
            "graphEndpoint": "http://127.0.0.1:18080/",
        },
        "northwind": {
            "tenantId": NORTHWIND_ID,
            "auth": {"method": "clientSecret", "clientId": APP_ID, "clientSecret": CLIENT_SECRET},
            "diagnostics": {"workspaceId": WORKSPACE},
        },
    },
    "ctsync:sync": [
        {
            "from": "contoso",
            "to": "fabrikam",
            "trust": {"mfa": True},
            "scope": {"groups": [SALES_GROUP]},
            "attributeMappings": [{"target": "companyName", "constant": "Contoso"}],
        },
        {
            "from": "fabrikam",
            "to": "northwind",
            "bidirectional": True,
            "scope": {"filters": [{"attribute": "department", "operator": "EQUALS", "values": ["Sales"]}]},
        },
    ],
    "ctsync:topology": {
        "kind": "hubAndSpoke",
        "hub": "contoso",
        "members": ["northwind"],
        "direction": "hubToSpokes",
        "defaults": {"scope": {"allUsers": True}, "deletionThreshold": 50},
    },
    "ctsync:mto": {"displayName": "Contoso Group", "owner": "contoso", "members": ["fabrikam", "northwind"]},
    "azure-native:location": "westeurope",
}
SECRET_KEYS = ("ctsync:tenants",)


@pytest.fixture
def stack_values():
    """A fresh copy of BASE to edit."""
    return copy.deepcopy(BASE)


@pytest.fixture
def load():
    """load_stack_config with ctsync:tenants held as a Pulumi secret, as `pulumi config set --secret` makes it."""
    return functools.partial(load_stack_config, secret_paths=SECRET_KEYS)
