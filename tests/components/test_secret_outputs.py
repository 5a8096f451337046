"""A field declared secret reaches the engine as an additional secret output: the dynamic-provider host
cannot return secrets itself (pulumi/pulumi#3012), so the registration must ask for it."""
from __future__ import annotations

from dataclasses import dataclass

import pulumi

from providers.framework import GraphDynamicResource, GraphResource, attribute, computed


@dataclass(frozen=True)
class VaultInputs:
    tenant_id: str = attribute(replace=True)
    password: str | None = attribute(default=None, secret=True)


@dataclass(frozen=True)
class VaultState:
    token: str = computed(secret=True)
    issued: str = computed()


class VaultResource(GraphResource[VaultInputs, VaultState]):
    type_name = "TestVault"
    Inputs = VaultInputs
    State = VaultState


class Vault(GraphDynamicResource, module="test", name="Vault"):
    definition = VaultResource


def test_secret_fields_are_registered_as_additional_secret_outputs(monitor):
    def program():
        Vault("vault", VaultInputs(tenant_id="t", password="p"))

    pulumi.runtime.test(program)()
    assert monitor.named("vault").additional_secret_outputs == ("password", "token")
