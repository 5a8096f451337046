"""The typed model of a ctsync stack configuration, and the contract's vocabulary.

Everything here is immutable (frozen dataclasses, tuples) so that the rest of the program can pass
parts of the configuration around without anyone changing them on the way.
"""
from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from .clouds import CLOUDS, DEFAULT_CLOUD, Cloud

NAMESPACE = "ctsync"

AUTH_METHODS = ("default", "clientSecret", "certificate", "oidc", "azureCli", "managedIdentity", "emulator")

# operatorName strings of Graph scoping-filter clauses (the portal's operator set; https://learn.microsoft.com/en-us/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts).
FILTER_OPERATORS = (
    "EQUALS",
    "NOT EQUALS",
    "IS TRUE",
    "IS FALSE",
    "IS NULL",
    "IS NOT NULL",
    "REGEX MATCH",
    "NOT REGEX MATCH",
    "Greater_Than",
    "Greater_Than_OR_EQUALS",
    "Includes",
    "ENDS_WITH",
    "&",
    "!&",
)
# These test the attribute alone; every other operator compares it with at least one value.
VALUELESS_FILTER_OPERATORS = frozenset({"IS TRUE", "IS FALSE", "IS NULL", "IS NOT NULL"})

# Log categories of Entra ID (aadiam) diagnostic settings.
DIAGNOSTIC_CATEGORIES = (
    "AuditLogs",
    "SignInLogs",
    "NonInteractiveUserSignInLogs",
    "ServicePrincipalSignInLogs",
    "ManagedIdentitySignInLogs",
    "ProvisioningLogs",
    "ADFSSignInLogs",
    "RiskyUsers",
    "UserRiskEvents",
    "RiskyServicePrincipals",
    "ServicePrincipalRiskEvents",
    "NetworkAccessTrafficLogs",
    "NetworkAccessAlerts",
    "RemoteNetworkHealthLogs",
    "EnrichedOffice365AuditLogs",
    "MicrosoftGraphActivityLogs",
)
DEFAULT_DIAGNOSTIC_CATEGORIES = ("AuditLogs", "ProvisioningLogs")

DEFAULT_AUTH_METHOD = "default"
DEFAULT_USER_TYPE = "Member"
DEFAULT_DELETION_THRESHOLD = 500
# Graph's documented limit of active tenants in one multitenant organisation, owner included
# (https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/multi-tenant-organization-overview#limits).
MTO_MAX_TENANTS = 100


class Secret:
    """A secret string that never shows itself: not in repr/str, not in a pickle."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        # A constant keeps equal secrets' hashes equal without deriving anything from the value.
        return hash(Secret)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret is never pickled; read credentials from config in the provider's configure()")

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self


@dataclass(frozen=True)
class Auth:
    method: str = DEFAULT_AUTH_METHOD
    client_id: str | None = None
    client_secret: Secret | None = None
    certificate_path: str | None = None
    # oidc: the file holding the federated token (else AZURE_FEDERATED_TOKEN_FILE, as CI sets it).
    token_file: str | None = None


@dataclass(frozen=True)
class Diagnostics:
    """Route the tenant's Entra logs to a Log Analytics workspace (an aadiam diagnostic setting)."""

    workspace_id: str
    categories: tuple[str, ...] = DEFAULT_DIAGNOSTIC_CATEGORIES


@dataclass(frozen=True)
class Tenant:
    alias: str
    tenant_id: str
    display_name: str
    auth: Auth = Auth()
    graph_endpoint: str | None = None
    diagnostics: Diagnostics | None = None
    cloud: Cloud = CLOUDS[DEFAULT_CLOUD]
    # Where azure-identity signs in (None: the cloud's own sign-in host).
    authority_host: str | None = None

    @property
    def graph_url(self) -> str:
        return self.graph_endpoint or self.cloud.graph_endpoint


@dataclass(frozen=True)
class Trust:
    """What the receiving tenant accepts from the sending tenant's sign-ins (inboundTrust)."""

    mfa: bool = False
    compliant_device: bool = False
    hybrid_joined_device: bool = False


@dataclass(frozen=True)
class TargetObjectActions:
    """What the job may do to users in the target (the user object mapping's flowTypes). Turning
    `delete` off keeps users who leave the scope in the target: Microsoft's answer to scope changes
    soft-deleting people, since SkipOutOfScopeDeletions does not apply to cross-tenant sync."""

    create: bool = True
    update: bool = True
    delete: bool = True

    # The config's action -> Graph's objectMappingFlowTypes member.
    FLOW_TYPES = (("create", "Add"), ("update", "Update"), ("delete", "Delete"))

    @property
    def flow_types(self) -> str:
        """Graph's spelling, e.g. "Add, Update" (the portal writes the flags with spaces)."""
        return ", ".join(flag for action, flag in self.FLOW_TYPES if getattr(self, action))


@dataclass(frozen=True)
class ScopeFilter:
    """One scoping clause; a sync's clauses are AND-ed."""

    attribute: str
    operator: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class ManagedGroup:
    """A security group that ctsync creates in the source tenant and assigns as scope."""

    display_name: str
    membership_rule: str | None = None


@dataclass(frozen=True)
class Scope:
    groups: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    filters: tuple[ScopeFilter, ...] = ()
    all_users: bool = False
    managed_group: ManagedGroup | None = None

    @property
    def assigns(self) -> bool:
        """Whether users come into scope through assignment (groups, users, the managed group)."""
        return bool(self.groups or self.users or self.managed_group)

    @property
    def is_empty(self) -> bool:
        return not (self.assigns or self.filters or self.all_users)

    @property
    def sync_all(self) -> bool:
        """The job's SyncAll secret: everyone is a candidate when nothing is assigned (filters then narrow)."""
        return self.all_users or (bool(self.filters) and not self.assigns)


@dataclass(frozen=True)
class AttributeMapping:
    """An addition to or override of the default schema: `target` from a source attribute, a
    constant or an expression (with the flow and default value of the mapping, when given); or, with
    `remove`, one of the template's default mappings taken out."""

    target: str
    source: str | None = None
    constant: str | None = None
    expression: str | None = None  # Graph's expression language, e.g. Join(" ", [givenName], [surname])
    flow: str | None = None  # always | objectAddOnly; None keeps the mapping's own
    default: str | None = None  # used when the source is empty
    remove: bool = False

    # The keys of one mapping, as the config and the provider's inputs both spell them.
    KEYS = ("target", "source", "constant", "expression", "flow", "default", "remove")

    def as_dict(self) -> dict[str, object]:
        return {key: value for key in self.KEYS if (value := getattr(self, key)) not in (None, False)}


@dataclass(frozen=True, kw_only=True)
class DirectionalSync:
    """Users of `source` provisioned into `target` (tenant aliases)."""

    source: str
    target: str
    trust: Trust = Trust()
    user_type: str = DEFAULT_USER_TYPE
    scope: Scope
    remove_disabled_users: bool = True
    deletion_threshold: int = DEFAULT_DELETION_THRESHOLD
    notification_email: str | None = None
    attribute_mappings: tuple[AttributeMapping, ...] = ()
    start: bool = True
    # The assigned security groups are provisioned too, with their synced members (preview).
    provision_groups: bool = False
    # The acknowledgement that deletion_threshold 0 (prevention off) is meant.
    allow_unlimited_deletions: bool = False
    target_object_actions: TargetObjectActions = TargetObjectActions()
    # Where the config declares this direction's scope (ctsync:sync[0].scope): what a check made later
    # against Graph (a scope group that does not exist) names.
    scope_path: str = field(default="", compare=False)
    # Target attributes whose mappings are left to the admin center ("*": every one not declared):
    # not held to the template's defaults by the drift check.
    unmanaged_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartnerSettings:
    """What tenant `tenant`'s one cross-tenant-access partner entry for `partner` must carry."""

    tenant: str
    partner: str
    inbound_trust: Trust
    inbound_auto_redeem: bool
    outbound_auto_redeem: bool
    inbound_sync_allowed: bool


@dataclass(frozen=True)
class TenantPair:
    """Both directions between two tenants, `a` < `b`: one partner entry per side serves both."""

    a: str
    b: str
    a_to_b: DirectionalSync | None
    b_to_a: DirectionalSync | None

    @property
    def syncs(self) -> tuple[DirectionalSync, ...]:
        return tuple(sync for sync in (self.a_to_b, self.b_to_a) if sync is not None)

    def direction(self, source: str, target: str) -> DirectionalSync | None:
        if (source, target) == (self.a, self.b):
            return self.a_to_b
        if (source, target) == (self.b, self.a):
            return self.b_to_a
        raise ValueError(f"{source} -> {target} is not a direction of the pair {self.a}, {self.b}")

    def partner_settings(self, tenant_alias: str) -> PartnerSettings:
        """The union of both directions' needs: inbound from the sync partner -> tenant, outbound from the other."""
        if tenant_alias not in (self.a, self.b):
            raise ValueError(f"{tenant_alias} is not a tenant of the pair {self.a}, {self.b}")
        partner = self.b if tenant_alias == self.a else self.a
        inbound = self.direction(partner, tenant_alias)
        outbound = self.direction(tenant_alias, partner)
        return PartnerSettings(
            tenant=tenant_alias,
            partner=partner,
            inbound_trust=inbound.trust if inbound else Trust(),
            inbound_auto_redeem=inbound is not None,
            outbound_auto_redeem=outbound is not None,
            inbound_sync_allowed=inbound is not None,
        )


# Which partner configurations an MTO template is applied to when a tenant joins (templateApplicationLevel).
TEMPLATE_TARGETS = ("newPartners", "existingPartners")


@dataclass(frozen=True)
class PartnerTemplate:
    """ctsync:mto.templates.partnerConfiguration: what a join writes into the partner entries it makes."""

    # None: the template leaves that setting of the partner entries as it is (Graph: a null value).
    trust: Trust | None = None
    inbound_redemption: bool | None = None
    outbound_redemption: bool | None = None
    apply_to: tuple[str, ...] = TEMPLATE_TARGETS


@dataclass(frozen=True)
class IdentitySyncTemplate:
    """ctsync:mto.templates.identitySync: the identity-sync policies a join makes."""

    user_sync_inbound: bool = False
    apply_to: tuple[str, ...] = TEMPLATE_TARGETS


@dataclass(frozen=True)
class Mto:
    display_name: str
    owner: str
    members: tuple[str, ...] = ()
    description: str = ""
    # Members that are owners too (a member entry {tenant: <alias>, role: owner}).
    co_owners: tuple[str, ...] = ()
    partner_template: PartnerTemplate | None = None
    identity_sync_template: IdentitySyncTemplate | None = None

    @property
    def tenants(self) -> tuple[str, ...]:
        return (self.owner, *self.members)

    def role_of(self, alias: str) -> str:
        return "owner" if alias == self.owner or alias in self.co_owners else "member"


@dataclass(frozen=True)
class StackConfig:
    tenants: Mapping[str, Tenant]
    syncs: tuple[DirectionalSync, ...]
    pairs: tuple[TenantPair, ...]
    mto: Mto | None = None
    # pulumi destroy (and removing an entry) also deletes what existed before ctsync took it over.
    delete_taken_over: bool = False
    # The stacks (`<project>/<stack>`, or "*") whose marked objects this stack may take over.
    take_over_from: tuple[str, ...] = ()

    def partner_entries(self) -> tuple[PartnerSettings, ...]:
        """Every (tenant, partner) entry the syncs need, each exactly once."""
        return tuple(pair.partner_settings(alias) for pair in self.pairs for alias in (pair.a, pair.b))
