"""A credential is checked at its own path: one tenant's encrypted client secret makes ctsync:tenants
secret as a key, and must not let another tenant's plain-text one through (stackconfig/secrecy.py)."""
from __future__ import annotations

import copy

import pytest

from stackconfig import ConfigError, load_stack_config
from stackconfig.secrecy import is_secret, secret_paths, secure_paths
from tests.unit.conftest import BASE, CLIENT_SECRET

NORTHWIND_SECRET = "ctsync:tenants.northwind.auth.clientSecret"
CONTOSO_SECRET = "ctsync:tenants.contoso.auth.clientSecret"
ENCRYPTED = {"secure": "v1:c2FsdA==:ZW5jcnlwdGVk"}


def stack_file_with(contoso_secret, northwind_secret):
    """A stack file's config: two clientSecret tenants, each secret as given (encrypted or plain)."""
    config = copy.deepcopy(BASE)
    config["ctsync:tenants"]["contoso"]["auth"] = {"method": "clientSecret", "clientId": BASE["ctsync:tenants"]["northwind"]["auth"]["clientId"],
                                                  "clientSecret": contoso_secret}
    config["ctsync:tenants"]["northwind"]["auth"]["clientSecret"] = northwind_secret
    return config


def decrypted(config):
    """What Pulumi hands the program: every value in plain text."""
    plain = copy.deepcopy(config)
    for alias in ("contoso", "northwind"):
        auth = plain["ctsync:tenants"][alias]["auth"]
        if auth["clientSecret"] == ENCRYPTED:
            auth["clientSecret"] = CLIENT_SECRET
    return plain


def test_secure_paths_are_the_secure_leaves():
    config = stack_file_with(ENCRYPTED, CLIENT_SECRET)
    assert secure_paths(config) == {CONTOSO_SECRET}
    assert secure_paths({"ctsync:tenants": ENCRYPTED}) == {"ctsync:tenants"}
    assert secure_paths({"ctsync:sync": [{"x": ENCRYPTED}]}) == {"ctsync:sync[0].x"}


def test_a_plain_client_secret_beside_an_encrypted_one_is_refused_at_its_path():
    config = stack_file_with(ENCRYPTED, CLIENT_SECRET)
    # Pulumi holds the whole key as secret, since one leaf under it is: the old check passed here.
    secrets = secret_paths(config, secret_keys=["ctsync:tenants"])
    with pytest.raises(ConfigError) as raised:
        load_stack_config(decrypted(config), secret_paths=secrets)
    [problem] = raised.value.problems
    assert problem.path == NORTHWIND_SECRET
    assert problem.fix == f"pulumi config set --secret --path '{NORTHWIND_SECRET}' <value>"
    assert CLIENT_SECRET not in str(raised.value)


def test_every_client_secret_encrypted_is_accepted():
    config = stack_file_with(ENCRYPTED, ENCRYPTED)
    loaded = load_stack_config(decrypted(config), secret_paths=secret_paths(config, ["ctsync:tenants"]))
    assert loaded.tenants["northwind"].auth.client_secret.reveal() == CLIENT_SECRET


def test_a_key_secret_as_a_whole_covers_every_value_under_it():
    # `pulumi config set --secret ctsync:tenants '<json>'`: the key itself is one secure value
    assert is_secret(NORTHWIND_SECRET, {"ctsync:tenants"})
    assert not is_secret(NORTHWIND_SECRET, {"ctsync:tenants.contoso"})
    assert not is_secret("ctsync:tenantsX.a", {"ctsync:tenants"})


def test_a_secret_key_the_stack_file_does_not_declare_counts_as_a_whole():
    """From a Pulumi ESC environment, say: there are no leaves to look at."""
    assert secret_paths({"ctsync:sync": []}, ["ctsync:tenants"]) == {"ctsync:tenants"}
    assert secret_paths(None, ["ctsync:tenants"]) == {"ctsync:tenants"}
    assert secret_paths({"ctsync:tenants": {"a": {"tenantId": "x"}}}, ["ctsync:tenants"]) == set()
