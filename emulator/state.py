"""In-memory state: the tenants, their directories and policies, and the multitenant organizations.

Graph objects are stored as plain dicts in their JSON shape (camelCase), so a reply is the stored
dict (plus OData annotations). What Graph does not expose (versions, links between a synced user
and its source) lives beside them in separate maps.
"""
from __future__ import annotations

import itertools
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from cryptography.hazmat.primitives.asymmetric import rsa

from .clock import Clock
from .faults import Faults

NIL_GUID = "00000000-0000-0000-0000-000000000000"
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# Documented: PUT answers `state: active`, and a tenant can be added right away
# (https://learn.microsoft.com/en-us/graph/api/tenantrelationship-put-multitenantorganization); a
# fixture may still delay activation to model the how-to's "can take a few minutes".
MTO_ACTIVATION_SECONDS = 0
MTO_TRANSITION_SECONDS = 2 * 3600
# A tenant must wait at least 2 hours between the organization's creation and joining it (beta
# https://learn.microsoft.com/en-us/graph/api/multitenantorganizationjoinrequestrecord-update?view=graph-rest-beta).
MTO_JOIN_WAIT_SECONDS = 2 * 3600


def new_id() -> str:
    return str(uuid.uuid4())


def is_guid(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(GUID.fullmatch(value))


def _unconfigured_consent() -> dict:
    return {"inboundAllowed": None, "outboundAllowed": None}


def default_partner_template() -> dict:
    return {
        "id": new_id(),
        "inboundTrust": None,
        "automaticUserConsentSettings": _unconfigured_consent(),
        "b2bCollaborationInbound": None,
        "b2bCollaborationOutbound": None,
        "b2bDirectConnectInbound": None,
        "b2bDirectConnectOutbound": None,
        "templateApplicationLevel": "newPartners,existingPartners",
    }


def default_identity_sync_template() -> dict:
    return {"id": new_id(), "userSyncInbound": None, "templateApplicationLevel": "newPartners,existingPartners"}


def unjoined_request() -> dict:
    return {"id": new_id(), "addedByTenantId": NIL_GUID, "memberState": None, "role": None, "transitionDetails": None}


@dataclass
class SyncConfig:
    """The `synchronization` of one service principal: its jobs and saved secrets."""

    jobs: dict[str, Any] = field(default_factory=dict)  # job id -> provisioning.jobs.Job
    secrets: list[dict] = field(default_factory=list)

    def secret(self, key: str) -> str | None:
        return next((item.get("value") for item in self.secrets if item.get("key") == key), None)


GUEST_USER_ROLE = "10dae51f-b6af-4016-8d66-8c2a99b929b3"  # Guest User: the authorization policy's default


def default_authorization_policy() -> dict:
    return {
        "id": "authorizationPolicy",
        "displayName": "Authorization Policy",
        "description": "Used to manage authorization related settings across the company.",
        "allowInvitesFrom": "everyone",
        "allowedToSignUpEmailBasedSubscriptions": True,
        "allowedToUseSSPR": True,
        "allowEmailVerifiedUsersToJoinOrganization": False,
        "allowUserConsentForRiskyApps": None,
        "blockMsolPowerShell": False,
        "guestUserRoleId": GUEST_USER_ROLE,
        "defaultUserRolePermissions": {
            "allowedToCreateApps": True, "allowedToCreateSecurityGroups": True, "allowedToCreateTenants": True,
            "allowedToReadBitlockerKeysForOwnedDevice": True, "allowedToReadOtherUsers": True,
            "permissionGrantPoliciesAssigned": ["ManagePermissionGrantsForSelf.microsoft-user-default-legacy"],
        },
    }


def default_external_identities_policy() -> dict:
    return {
        "id": "Default",
        "displayName": "ExternalIdentitiesPolicy",
        "description": "",
        "allowExternalIdentitiesToLeave": True,
        "allowDeletedIdentitiesDataRemoval": False,
    }


@dataclass
class Tenant:
    id: str
    display_name: str
    domains: list[str]
    default_policy: dict = field(default_factory=dict)
    partners: dict[str, dict] = field(default_factory=dict)
    identity_sync: dict[str, dict] = field(default_factory=dict)
    partner_template: dict = field(default_factory=default_partner_template)
    identity_sync_template: dict = field(default_factory=default_identity_sync_template)
    users: dict[str, dict] = field(default_factory=dict)
    user_versions: dict[str, int] = field(default_factory=dict)
    upn_index: dict[str, str] = field(default_factory=dict)
    groups: dict[str, dict] = field(default_factory=dict)
    members: dict[str, dict[str, None]] = field(default_factory=dict)  # group id -> ordered member ids
    managers: dict[str, str] = field(default_factory=dict)  # user id -> their manager's id (the `manager` reference)
    applications: dict[str, dict] = field(default_factory=dict)
    service_principals: dict[str, dict] = field(default_factory=dict)
    assignments: dict[str, dict[str, dict]] = field(default_factory=dict)  # sp id -> assignment id -> body
    sync: dict[str, SyncConfig] = field(default_factory=dict)  # sp id -> synchronization
    deleted: dict[str, dict] = field(default_factory=dict)  # directory/deletedItems, by id
    provisioning_log: list[dict] = field(default_factory=list)
    directory_audits: list[dict] = field(default_factory=list)  # graph/audit.py, oldest first
    # Tenant-wide policies (graph/tenant_policies.py).
    authorization_policy: dict = field(default_factory=default_authorization_policy)
    external_identities_policy: dict = field(default_factory=default_external_identities_policy)
    ca_policies: dict[str, dict] = field(default_factory=dict)  # id -> conditionalAccessPolicy
    # B2B users created by cross-tenant sync, linked to their source (the matching anchor).
    b2b_source: dict[str, tuple[str, str]] = field(default_factory=dict)  # target user id -> (tenant, user)
    b2b_index: dict[tuple[str, str], str] = field(default_factory=dict)  # (tenant, user) -> target user id
    mto_id: str | None = None
    join_request: dict = field(default_factory=unjoined_request)
    # Directory object quota for users (None = the emulator's no limit): a sync create beyond it fails.
    user_quota: int | None = None
    # Who may sign in at this tenant's token endpoint (emulator/signin.py), by client id.
    app_registrations: dict[str, Any] = field(default_factory=dict)  # client id -> registrations.AppRegistration

    @property
    def default_domain(self) -> str:
        return self.domains[0]

    def find_user(self, key: str) -> dict | None:
        """Users are addressable by id or by userPrincipalName."""
        user = self.users.get(key.lower())
        if user is None and "@" in key:
            user_id = self.upn_index.get(key.lower())
            user = self.users.get(user_id) if user_id else None
        return user

    def principal(self, object_id: str) -> tuple[str, dict] | None:
        object_id = object_id.lower()
        if object_id in self.users:
            return "user", self.users[object_id]
        if object_id in self.groups:
            return "group", self.groups[object_id]
        if object_id in self.service_principals:
            return "servicePrincipal", self.service_principals[object_id]
        return None


class EmulatorState:
    """Everything the emulator knows. One lock guards it: requests are served one at a time
    against the state (the HTTP layer is threaded so slow clients and latency faults overlap)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clock = Clock()
        self.faults = Faults()
        self.tenants: dict[str, Tenant] = {}
        self.mtos: dict[str, Any] = {}  # mto id -> graph.mto.Organization
        self.request_log: list[dict] = []
        self.mto_activation_seconds: float = MTO_ACTIVATION_SECONDS
        self.mto_transition_seconds: float = MTO_TRANSITION_SECONDS
        self.mto_join_wait_seconds: float = MTO_JOIN_WAIT_SECONDS
        # Graph's query rules (query_rules.py) refused as Graph refuses them; off, broken ones are only marked.
        self.strict_queries = True
        # Every request whose query broke a rule, for the life of the emulator: clearing the request
        # log or resetting the state keeps it, so a test suite can check what was ever sent.
        self.broken_queries: list[dict] = []
        self._versions = itertools.count(1)
        self._token_epochs: dict[str, int] = {}
        self._federation_key: rsa.RSAPrivateKey | None = None

    def token_epoch(self, tenant_id: str) -> int:
        """Tokens carry the epoch they were issued in; Graph refuses those of an earlier one."""
        return self._token_epochs.get(tenant_id.lower(), 0)

    def revoke_tokens(self, tenant_id: str) -> None:
        """Every token issued for the tenant so far stops working (a revoked or expired session)."""
        self._token_epochs[tenant_id.lower()] = self.token_epoch(tenant_id) + 1

    @property
    def federation_key(self) -> rsa.RSAPrivateKey:
        """The key the emulator signs federated (external identity provider) tokens with."""
        if self._federation_key is None:
            self._federation_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return self._federation_key

    def next_version(self) -> int:
        """A global change counter: each user change records a fresh value, so a provisioning job
        can tell an unchanged user (same version as last exported) without comparing attributes."""
        return next(self._versions)

    def reset(self) -> None:
        self.clock.reset()
        self.faults.clear()
        self.tenants.clear()
        self.mtos.clear()
        self.request_log.clear()
        self.mto_activation_seconds = MTO_ACTIVATION_SECONDS
        self.mto_transition_seconds = MTO_TRANSITION_SECONDS
        self.mto_join_wait_seconds = MTO_JOIN_WAIT_SECONDS
        self._token_epochs.clear()

    def tenant(self, tenant_id: str) -> Tenant | None:
        return self.tenants.get(tenant_id.lower())
