"""The configuration app's synchronization secrets (``/servicePrincipals/{id}/synchronization/secrets``).

For cross-tenant synchronization they say where users go (``CompanyId`` = target tenant), how
(``AuthenticationType=SyncPolicy``: the partners' cross-tenant policies, no stored credential), whom
(``SyncAll=false``: assigned users and groups only) and the safety net (``SyncNotificationSettings``:
the accidental-deletion threshold and who is told). A PUT replaces the whole set, so it is always
sent whole; msgraph-sdk generates no GET for it, so refresh reads it raw
(https://learn.microsoft.com/en-us/graph/api/synchronization-synchronization-secrets).

Before the set is first written (and whenever the target changes) the credentials are validated, as
the portal's "Test connection" does: it is the moment the target tenant's readiness is checked, and
the one place to say which setting, in which tenant, is missing.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from providers.framework import GraphResource, Observed, attribute, computed
from providers.framework.values import email, guid, lower_guid, non_negative
from providers.graph import GraphError, models
from providers.graph.paths import synchronization_builder
from providers.graph.retry import sync_endpoint_lag, until_sync_ready
from providers.graph.session import TenantGraph, if_present
from providers.resources.sync_job import JOB_TEMPLATE
from providers.synchronization.instances import saved_secrets
from providers.synchronization.readiness import TARGET_NOT_READY, explain_not_ready, is_policy_check_failure

AUTHENTICATION_TYPE = "SyncPolicy"
# GET secrets answers "*" for the values Graph considers sensitive.
MASKED = "*"


@dataclass(frozen=True)
class SynchronizationSecretsInputs:
    tenant_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    service_principal_id: str = attribute(replace=True, normalize=lower_guid, validate=guid)
    target_tenant_id: str = attribute(normalize=lower_guid, validate=guid)
    deletion_threshold: int = attribute(
        default=500, validate=non_negative, description="deletions per cycle that quarantine the job; 0 = no check"
    )
    notification_email: str | None = attribute(
        default=None, validate=email,
        description="told of failures and quarantine",
    )
    sync_all: bool = attribute(
        default=False, description="every user of the source is in scope (allUsers, or scoping filters alone)"
    )


@dataclass(frozen=True)
class SynchronizationSecretsState:
    validated: bool | None = computed(description="the target tenant accepted the credentials")


class TargetNotReady(RuntimeError):
    """validateCredentials refused: the tenants' cross-tenant policies do not allow this sync yet."""


def secret_values(inputs: SynchronizationSecretsInputs) -> dict[models.SynchronizationSecret, str]:
    """The full set, as the portal writes it for cross-tenant synchronization."""
    notifications = {
        "Enabled": inputs.notification_email is not None,
        "Recipients": inputs.notification_email or "",
        "DeleteThresholdEnabled": inputs.deletion_threshold > 0,
        "DeleteThresholdValue": inputs.deletion_threshold,
    }
    return {
        models.SynchronizationSecret.AuthenticationType: AUTHENTICATION_TYPE,
        models.SynchronizationSecret.CompanyId: inputs.target_tenant_id,
        models.SynchronizationSecret.SyncNotificationSettings: json.dumps(notifications, separators=(",", ":")),
        models.SynchronizationSecret.SyncAll: "true" if inputs.sync_all else "false",
    }


def _pairs(values: dict[models.SynchronizationSecret, str]) -> list[models.SynchronizationSecretKeyStringValuePair]:
    # Keys must be enum members: msgraph-sdk 1.65 silently drops a str key (tests/emulator pins it).
    return [models.SynchronizationSecretKeyStringValuePair(key=key, value=value) for key, value in values.items()]


def observed_inputs(inputs: SynchronizationSecretsInputs, saved: dict[str, str]) -> SynchronizationSecretsInputs | None:
    """The inputs the saved set stands for; None when it holds no target (never written, or deleted)."""
    written = {key.value: value for key, value in secret_values(inputs).items()}
    # A masked value cannot drift visibly: take it as what was written.
    seen = {key: written.get(key) if value == MASKED else value for key, value in saved.items()}
    target = seen.get(models.SynchronizationSecret.CompanyId.value)
    if not target:
        return None
    notifications = json.loads(seen.get(models.SynchronizationSecret.SyncNotificationSettings.value) or "{}")
    threshold = int(notifications.get("DeleteThresholdValue") or 0) if notifications.get("DeleteThresholdEnabled") else 0
    email = (notifications.get("Recipients") or None) if notifications.get("Enabled") else None
    sync_all = (seen.get(models.SynchronizationSecret.SyncAll.value) or "false").lower() == "true"
    return dataclasses.replace(
        inputs, target_tenant_id=lower_guid(target), deletion_threshold=threshold, notification_email=email,
        sync_all=sync_all,
    )


class SynchronizationSecretsResource(GraphResource[SynchronizationSecretsInputs, SynchronizationSecretsState]):
    """The secrets of the synchronization from ``tenant_id`` (its app's ``service_principal_id``) to ``target_tenant_id``."""

    module = "synchronization"
    type_name = "SynchronizationSecrets"
    id_format = "{tenant_id}/servicePrincipals/{service_principal_id}/synchronization/secrets"

    async def create(self, inputs: SynchronizationSecretsInputs) -> SynchronizationSecretsState:
        graph = self.tenant(inputs.tenant_id)
        await self._validate(graph, inputs)
        # The service principal may be minutes old: its synchronization endpoints lag behind it.
        await until_sync_ready(lambda: self._put(graph, inputs, secret_values(inputs)))
        return SynchronizationSecretsState(validated=True)

    async def find(self, inputs: SynchronizationSecretsInputs) -> Observed | None:
        """Secrets that already name a target: the job of an app ctsync takes over is configured."""
        # The app may be seconds old: its synchronization endpoints answer 403 for a while.
        return await until_sync_ready(lambda: self.read(inputs, SynchronizationSecretsState(validated=True)))

    async def read(self, inputs: SynchronizationSecretsInputs, state: SynchronizationSecretsState) -> Observed | None:
        saved = await saved_secrets(self.tenant(inputs.tenant_id), inputs.service_principal_id)
        observed = None if saved is None else observed_inputs(inputs, saved)
        return None if observed is None else Observed(observed, state)

    async def update(
        self, olds: SynchronizationSecretsInputs, news: SynchronizationSecretsInputs, state: SynchronizationSecretsState
    ) -> SynchronizationSecretsState:
        graph = self.tenant(news.tenant_id)
        if olds.target_tenant_id != news.target_tenant_id:
            await self._validate(graph, news)
        await self._put(graph, news, secret_values(news))
        return SynchronizationSecretsState(validated=True)

    async def delete(self, inputs: SynchronizationSecretsInputs, state: SynchronizationSecretsState) -> None:
        # As terraform-provider-azuread does: the same keys, emptied (there is no DELETE).
        graph = self.tenant(inputs.tenant_id)
        await if_present(self._put(graph, inputs, {key: "" for key in secret_values(inputs)}))

    async def _put(self, graph: TenantGraph, inputs, values: dict[models.SynchronizationSecret, str]) -> None:
        secrets = synchronization_builder(graph, inputs.service_principal_id).secrets
        await graph.call("PUT", secrets, models.SecretsPutRequestBody(value=_pairs(values)))

    async def _validate(self, graph: TenantGraph, inputs: SynchronizationSecretsInputs) -> None:
        body = models.ValidateCredentialsPostRequestBody(
            use_saved_credentials=False,
            template_id=JOB_TEMPLATE,
            credentials=_pairs(
                {
                    models.SynchronizationSecret.CompanyId: inputs.target_tenant_id,
                    models.SynchronizationSecret.AuthenticationType: AUTHENTICATION_TYPE,
                }
            ),
        )
        jobs = synchronization_builder(graph, inputs.service_principal_id).jobs
        try:
            await until_sync_ready(
                lambda: graph.call("POST", jobs.validate_credentials, body),
                lambda error: sync_endpoint_lag(error) and not _target_not_ready(error),
            )
        except GraphError as error:
            if not _target_not_ready(error):
                raise
            code = error.code if is_policy_check_failure(error.code) else TARGET_NOT_READY
            explanation = await explain_not_ready(self.tenant, inputs.tenant_id, inputs.target_tenant_id, code)
            raise TargetNotReady(f"{explanation} (Graph: {error.message})") from None


def _target_not_ready(error: GraphError) -> bool:
    return is_policy_check_failure(error.code, error.message)
