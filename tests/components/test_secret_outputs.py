"""A field declared secret reaches the engine as an additional secret output of the program-side
class the code generator writes, whichever resource declares it."""
from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import pulumi

from providers import codegen
from providers.framework import GraphResource, attribute, computed, package_schema


@dataclass(frozen=True)
class VaultInputs:
    tenant_id: str = attribute(replace=True)
    password: str | None = attribute(default=None, secret=True)


@dataclass(frozen=True)
class VaultState:
    token: str = computed(secret=True)
    issued: str = computed()


class VaultResource(GraphResource[VaultInputs, VaultState]):
    module = "test"
    type_name = "Vault"
    id_format = "{tenant_id}/vault"
    Inputs = VaultInputs
    State = VaultState


def generated_vault_classes() -> dict:
    """The generated module, importable like providers/sdk (Pulumi reads its type annotations)."""
    module = types.ModuleType("generated_vault_sdk")
    sys.modules[module.__name__] = module
    exec(compile(codegen.sdk(package_schema.build([VaultResource], "0.0.0")), "<generated sdk>", "exec"), vars(module))
    return vars(module)


def test_secret_fields_are_registered_as_additional_secret_outputs(monitor):
    classes = generated_vault_classes()

    def program():
        classes["Vault"]("vault", classes["VaultArgs"](tenant_id="t", password="p"))

    pulumi.runtime.test(program)()
    registered = monitor.named("vault")
    assert registered.typ == "ctsync:test:Vault"
    assert registered.additional_secret_outputs == ("password", "token")
