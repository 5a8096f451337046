"""ProvisioningJob: one sync direction's objects in the source tenant, chained in the order Graph needs.

    (target ready: target partner entry + identity-sync policy, source partner entry)
      -> configuration app -> secrets (validate credentials) -> job -> schema
      -> scope assignments -> schedule (start / pause)

The credential check inside the secrets fails with AzureActiveDirectoryCrossTenantSyncPolicyCheckFailure
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
from providers.sdk import (
    ConfigurationApp,
    ConfigurationAppArgs,
    ScopeAssignment,
    ScopeAssignmentArgs,
    SynchronizationJob,
    SynchronizationJobArgs,
    SynchronizationJobSchedule,
    SynchronizationJobScheduleArgs,
    SynchronizationSchema,
    SynchronizationSchemaArgs,
    SynchronizationSecrets,
    SynchronizationSecretsArgs,
)
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
    # Object id of the scope's managed group (scoping.ManagedGroups); required when it has one.
    managed_group_id: pulumi.Input[str] | None = None


def app_display_name(target: Tenant) -> str:
    """The configuration app's name, its natural key in the source tenant: unique per target.

    Made of the tenant id only (as Microsoft 365's `MTO_Sync_<TenantID>`), so that editing a display
    name or renaming an alias changes nothing in a tenant.
    """
    return f"ctsync to {target.tenant_id}"


def filter_input(scope_filter: ScopeFilter) -> dict[str, Any]:
    return {"attribute": scope_filter.attribute, "operator": scope_filter.operator, "values": list(scope_filter.values)}


def mapping_input(mapping: AttributeMapping) -> dict[str, object]:
    return mapping.as_dict()


@dataclass(frozen=True)
class Principal:
    """A user or group assigned as scope, and where the config declares it."""

    object_id: pulumi.Input[str]
    kind: str  # Group | User
    declared_at: str


class ProvisioningJob(pulumi.ComponentResource):
    """Users of `source` provisioned into `target`: the source-side objects of one DirectionalSync."""

    def __init__(self, name: str, args: ProvisioningJobArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TYPE, name, None, opts)
        self._source_id = args.source.tenant_id
        self._prefix = names.direction(self._source_id, args.target.tenant_id)
        ready = list(args.target_ready)
        # After the target side: one that fails to deploy stops this direction before it leaves
        # anything in the source tenant.
        self.app = ConfigurationApp(
            f"{self._prefix}-app",
            ConfigurationAppArgs(
                tenant_id=self._source_id,
                display_name=app_display_name(args.target),
                target_tenant_id=args.target.tenant_id,
            ),
            pulumi.ResourceOptions(parent=self, depends_on=ready),
        )
        sync = args.sync
        # After the target side explicitly, not only through the app: its credential check needs it.
        self.secrets = self._on_app(
            SynchronizationSecrets, SynchronizationSecretsArgs, "secrets", ready,
            target_tenant_id=args.target.tenant_id,
            deletion_threshold=sync.deletion_threshold,
            notification_email=sync.notification_email,
            sync_all=sync.scope.sync_all,
        )
        self.job = self._on_app(SynchronizationJob, SynchronizationJobArgs, "job", [self.secrets])
        self.schema = self._on_app(
            SynchronizationSchema, SynchronizationSchemaArgs, "schema", [],
            job_id=self.job.job_id,
            user_type=sync.user_type,
            remove_disabled_users=sync.remove_disabled_users,
            scope_filters=[filter_input(f) for f in sync.scope.filters],
            attribute_mappings=[mapping_input(m) for m in sync.attribute_mappings],
            provision_groups=sync.provision_groups,
            flow_types=sync.target_object_actions.flow_types,
            unmanaged_attributes=list(sync.unmanaged_attributes),
        )
        self.assignments = [
            self._on_app(
                ScopeAssignment, ScopeAssignmentArgs, f"scope-{key}", [self.schema],
                app_role_id=self.app.app_role_id,
                principal_id=principal.object_id,
                principal_type=principal.kind,
                declared_at=principal.declared_at,
            )
            for key, principal in self._principals(args)
        ]
        self.schedule = self._on_app(
            SynchronizationJobSchedule, SynchronizationJobScheduleArgs, "schedule", [self.schema, *self.assignments],
            job_id=self.job.job_id,
            enabled=sync.start,
            # What a preview of a scope change compares, to count who leaves (read from Graph).
            scope_groups=[principal.object_id for _, principal in self._principals(args) if principal.kind == "Group"],
            scope_users=[principal.object_id for _, principal in self._principals(args) if principal.kind == "User"],
            sync_all=sync.scope.sync_all,
            deletes_users=sync.target_object_actions.delete,
            target_tenant_id=args.target.tenant_id,
            deletion_threshold=sync.deletion_threshold,
        )
        self.summary = self._summary(args)

    def _on_app(self, resource: type, inputs: type, suffix: str, depends_on: list[pulumi.Resource], **fields: Any):
        """A resource on the configuration app's service principal, named `<direction>-<suffix>`.

        Options are parent, ordering and ``deleted_with``: deleting the app deletes its service principal
        with the job, schema, secrets and assignments in Graph, so a destroy sends no write for them.
        The component's own options (protect, aliases...) are not copied down.
        """
        return resource(
            f"{self._prefix}-{suffix}",
            inputs(tenant_id=self._source_id, service_principal_id=self.app.service_principal_id, **fields),
            pulumi.ResourceOptions(parent=self, depends_on=depends_on, deleted_with=self.app),
        )

    def _summary(self, args: ProvisioningJobArgs) -> dict[str, Any]:
        """The stack output of this direction: the job's identity and its schedule.

        Not the job's last cycle or quarantine: a stack output is a snapshot of the last `up`, where
        those go stale within the hour (`python -m ctsync status` reads them live), and, null until a
        first cycle, the SDK shows them as [unknown] in every preview."""
        return {
            "source_tenant_id": self._source_id,
            "target_tenant_id": args.target.tenant_id,
            "service_principal_id": self.app.service_principal_id,
            "job_id": self.job.job_id,
            "enabled": args.sync.start,
            "status_code": self.schedule.status_code,
            "schedule_state": self.schedule.schedule_state,
        }

    @staticmethod
    def _principals(args: ProvisioningJobArgs) -> list[tuple[str, Principal]]:
        """(name key, principal) of everything assigned as scope."""
        scope, at = args.sync.scope, args.sync.scope_path
        principals: list[tuple[str, Principal]] = [
            *((group, Principal(group, "Group", f"{at}.groups[{index}]")) for index, group in enumerate(scope.groups)),
            *((user, Principal(user, "User", f"{at}.users[{index}]")) for index, user in enumerate(scope.users)),
        ]
        if scope.managed_group is not None:
            if args.managed_group_id is None:
                raise ValueError(f"{args.sync.source} -> {args.sync.target}: the managed group's object id is missing")
            principals.append(("managed-group", Principal(args.managed_group_id, "Group", f"{at}.managedGroup")))
        return principals
