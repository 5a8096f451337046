"""msgraph-sdk's classes by name, each imported on first use: ``models.Application`` is
``msgraph.generated.models.application.Application``.

Why not import them at the top of each resource module: any msgraph-sdk import loads its client
stack (kiota's HTTP layer, msgraph-core, OpenTelemetry), about 0.2 s of CPU. The provider plugin
starts on every ``pulumi up`` and preview, the engine checks no ctsync resource before it is up, and
most runs only check and diff (no Graph call): those never load msgraph-sdk at all
(tests/providers/test_plugin_start.py pins it).
"""
from __future__ import annotations

import importlib
import re
from typing import Any

_MODELS = "msgraph.generated.models"
# The classes msgraph-sdk generates next to their request builders rather than among the models.
_ELSEWHERE = {
    "ODataError": f"{_MODELS}.o_data_errors.o_data_error",
    "RestartPostRequestBody":
        "msgraph.generated.service_principals.item.synchronization.jobs.item.restart.restart_post_request_body",
    "JobValidateCredentialsPostRequestBody":
        "msgraph.generated.service_principals.item.synchronization.jobs.item.validate_credentials."
        "validate_credentials_post_request_body",
    "ValidateCredentialsPostRequestBody":
        "msgraph.generated.service_principals.item.synchronization.jobs.validate_credentials."
        "validate_credentials_post_request_body",
    "SecretsPutRequestBody": "msgraph.generated.service_principals.item.synchronization.secrets.secrets_put_request_body",
    "ServicePrincipalsRequestBuilder": "msgraph.generated.service_principals.service_principals_request_builder",
    "RequestConfiguration": "kiota_abstractions.base_request_configuration",
}
# Two request bodies share a class name; the key above says which one.
_CLASS_NAMES = {"JobValidateCredentialsPostRequestBody": "ValidateCredentialsPostRequestBody"}


def module_of(name: str) -> str:
    """Where msgraph-sdk defines ``name``: a model's module is its class name in snake case."""
    return _ELSEWHERE.get(name) or f"{_MODELS}.{re.sub(r'(?<!^)(?=[A-Z])', '_', name).lower()}"


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        value = getattr(importlib.import_module(module_of(name)), _CLASS_NAMES.get(name, name))
    except (ImportError, AttributeError):
        raise AttributeError(f"msgraph-sdk has no class {name} in {module_of(name)} (providers/graph/models.py)") from None
    globals()[name] = value  # imported once: later lookups are plain module attributes
    return value
