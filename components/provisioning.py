"""ProvisioningJob: one sync direction's objects in the source tenant, chained in the order Graph needs.

    (target ready: target partner entry + identity-sync policy, source partner entry)
      -> configuration app -> secrets (validate credentials) -> job -> schema
      -> scope assignments -> schedule (start / pause)

The credential check inside the secrets fails with AzureDirectoryB2BManagementPolicyCheckFailure
unless the target side allows inbound sync and auto-redemption and the source allows outbound
auto-redemption, hence the explicit dependency on the target side. The schema goes in before any
start because every schema PUT restarts a full sync; the schedule comes last so a job never runs
with a half-written configuration.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components import names
from components.scoping import scoping_group
from providers.resources.configuration_app import ConfigurationApp, ConfigurationAppInputs
from providers.resources.scope_assignment import ScopeAssignment, ScopeAssignmentInputs
from providers.resources.sync_job import SynchronizationJob, SynchronizationJobInputs
from providers.resources.sync_job_schedule import SynchronizationJobSchedule, SynchronizationJobScheduleInputs
from providers.resources.sync_schema import SynchronizationSchema, SynchronizationSchemaInputs
from providers.resources.sync_secrets import SynchronizationSecrets, SynchronizationSecretsInputs
from stackconfig import AttributeMapping, DirectionalSync, ScopeFilter, Tenant

TYPE = "ctsync:provisioning:ProvisioningJob"


@dataclass(frozen=True)
class ProvisioningJobArgs:
    sync: DirectionalSync
    source: Tenant
    target: Tenant
    # What must exist before the credentials are validated: the target's partner entry for the
    # source and its identity-sync policy, and the source's partner entry for the target.
    target_ready: Sequence[pulumi.Resource] = ()
    # An azuread provider signed in to the source tenant; required when the scope has a managed group.
    azuread_provider: pulumi.ProviderResource | None = None


def app_display_name(target: Tenant) -> str:
    """The configuration app's name: its natural key in the source tenant, so unique per target."""
    return f"ctsync to {target.display_name} ({target.tenant_id})"


def filter_input(scope_filter: ScopeFilter) -> dict[str, Any]:
    return {"attribute": scope_filter.attribute, "operator": scope_filter.operator, "values": list(scope_filter.values)}


def mapping_input(mapping: AttributeMapping) -> dict[str, str]:
    return {key: value for key in ("target", "source", "constant") if (value := getattr(mapping, key)) is not None}


class ProvisioningJob(pulumi.ComponentResource):
    """Users of `source` provisioned into `target`: the source-side objects of one DirectionalSync."""

    def __init__(self, name: str, args: ProvisioningJobArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TYPE, name, None, opts)
        sync, source_id = args.sync, args.source.tenant_id
        prefix = names.direction(source_id, args.target.tenant_id)
        ready = list(args.target_ready)
        # A target side that fails to deploy stops this direction before it leaves anything in the source.
        self.app = ConfigurationApp(
            f"{prefix}-app",
            ConfigurationAppInputs(tenant_id=source_id, display_name=app_display_name(args.target)),
            self._child(ready),
        )
        service_principal_id = self.app.service_principal_id
        self.secrets = SynchronizationSecrets(
            f"{prefix}-secrets",
            SynchronizationSecretsInputs(
                tenant_id=source_id,
                service_principal_id=service_principal_id,
                target_tenant_id=args.target.tenant_id,
                deletion_threshold=sync.deletion_threshold,
                notification_email=sync.notification_email,
            ),
            # Explicit, not only through the app: this is the step whose credential check needs them.
            self._child(ready),
        )
        self.job = SynchronizationJob(
            f"{prefix}-job",
            SynchronizationJobInputs(tenant_id=source_id, service_principal_id=service_principal_id),
            self._child([self.secrets]),
        )
        self.schema = SynchronizationSchema(
            f"{prefix}-schema",
            SynchronizationSchemaInputs(
                tenant_id=source_id,
                service_principal_id=service_principal_id,
                job_id=self.job.job_id,
                user_type=sync.user_type,
                remove_disabled_users=sync.remove_disabled_users,
                scope_filters=[filter_input(f) for f in sync.scope.filters],
                attribute_mappings=[mapping_input(m) for m in sync.attribute_mappings],
            ),
            self._child([]),
        )
        self.scoping_group = self._scoping_group(f"{prefix}-managed-group", args)
        self.assignments = [
            ScopeAssignment(
                f"{prefix}-scope-{key}",
                ScopeAssignmentInputs(
                    tenant_id=source_id,
                    service_principal_id=service_principal_id,
                    app_role_id=self.app.app_role_id,
                    principal_id=principal_id,
                    principal_type=principal_type,
                ),
                self._child([self.schema]),
            )
            for key, principal_id, principal_type in self._principals(sync)
        ]
        self.schedule = SynchronizationJobSchedule(
            f"{prefix}-schedule",
            SynchronizationJobScheduleInputs(
                tenant_id=source_id,
                service_principal_id=service_principal_id,
                job_id=self.job.job_id,
                enabled=sync.start,
            ),
            self._child([self.schema, *self.assignments]),
        )
        self.summary = {
            "source_tenant_id": source_id,
            "target_tenant_id": args.target.tenant_id,
            "service_principal_id": service_principal_id,
            "job_id": self.job.job_id,
            "enabled": sync.start,
            "status_code": self.schedule.status_code,
            "schedule_state": self.schedule.schedule_state,
            "quarantine_reason": self.job.quarantine_reason,
            "last_execution_state": self.job.last_execution_state,
            "last_execution_time": self.job.last_execution_time,
        }
        self.register_outputs(self.summary)

    def _child(self, depends_on: list[pulumi.Resource]) -> pulumi.ResourceOptions:
        # Only parent and ordering: the component's own options (protect, aliases...) are not copied down.
        return pulumi.ResourceOptions(parent=self, depends_on=depends_on)

    def _scoping_group(self, name: str, args: ProvisioningJobArgs):
        group = args.sync.scope.managed_group
        if group is None:
            return None
        if args.azuread_provider is None:
            raise ValueError(f"{args.sync.source} -> {args.sync.target}: a managed group needs an azuread provider")
        return scoping_group(name, group, args.target, args.azuread_provider, self)

    def _principals(self, sync: DirectionalSync) -> list[tuple[str, pulumi.Input[str], str]]:
        """(name key, object id, principal type) of everything assigned as scope."""
        principals: list[tuple[str, pulumi.Input[str], str]] = [
            *((group, group, "Group") for group in sync.scope.groups),
            *((user, user, "User") for user in sync.scope.users),
        ]
        if self.scoping_group is not None:
            principals.append(("managed-group", self.scoping_group.object_id, "Group"))
        return principals
