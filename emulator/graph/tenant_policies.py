"""The organization, and tenant-wide policies that decide whether cross-tenant sync works for a user, as `ctsync doctor`
reads them: the authorization policy (who may invite guests), the beta External Identities policy
(whether external users may leave), and Conditional Access policies (docs/graph-notes.md#doctor).

Shapes as Microsoft documents them:
https://learn.microsoft.com/en-us/graph/api/resources/authorizationpolicy,
https://learn.microsoft.com/en-us/graph/api/resources/externalidentitiespolicy?view=graph-rest-beta,
https://learn.microsoft.com/en-us/graph/api/resources/conditionalaccesspolicy.
"""
from __future__ import annotations

import copy
import uuid

from .. import permissions as perm
from ..odata import collection
from ..routing import route
from ..shapes import whole
from ..wire import GraphRequest, Reply, bad_request, no_content

AUTHORIZATION = "/policies/authorizationPolicy"
EXTERNAL_IDENTITIES = "/policies/externalIdentitiesPolicy"
CONDITIONAL_ACCESS = "/identity/conditionalAccess/policies"
INVITES_FROM = ("none", "adminsAndGuestInviters", "adminsGuestInvitersAndAllMembers", "everyone")
CA_STATES = ("enabled", "disabled", "enabledForReportingButNotEnforced")


def _patched(current: dict, body: dict, allowed: dict[str, object]) -> None:
    unknown = sorted(set(body) - set(allowed) - {"@odata.type"})
    if unknown:
        raise bad_request(f"Invalid property '{unknown[0]}'.")
    for key, rule in allowed.items():
        if key in body:
            value = body[key]
            if isinstance(rule, tuple) and value not in rule or rule is bool and not isinstance(value, bool):
                raise bad_request(f"Invalid value for property '{key}'.")
            current[key] = value


def get_authorization(req: GraphRequest) -> Reply:
    return req.singleton("policies/authorizationPolicy", whole("authorizationPolicy", req.tenant.authorization_policy))


def patch_authorization(req: GraphRequest) -> Reply:
    _patched(req.tenant.authorization_policy, req.json_object(),
             {"allowInvitesFrom": INVITES_FROM, "allowedToUseSSPR": bool, "allowEmailVerifiedUsersToJoinOrganization": bool,
              "blockMsolPowerShell": bool, "allowedToSignUpEmailBasedSubscriptions": bool})
    return no_content()


def get_external_identities(req: GraphRequest) -> Reply:
    return req.singleton("policies/externalIdentitiesPolicy", req.tenant.external_identities_policy)


def patch_external_identities(req: GraphRequest) -> Reply:
    _patched(req.tenant.external_identities_policy, req.json_object(),
             {"allowExternalIdentitiesToLeave": bool, "allowDeletedIdentitiesDataRemoval": bool})
    return no_content()


def list_ca_policies(req: GraphRequest) -> Reply:
    return collection(req, "identity/conditionalAccess/policies", list(req.tenant.ca_policies.values()))


def create_ca_policy(req: GraphRequest) -> Reply:
    body = req.json_object()
    if not isinstance(body.get("displayName"), str) or body.get("state") not in CA_STATES:
        raise bad_request("displayName and state (enabled, disabled, enabledForReportingButNotEnforced) are required.")
    if not isinstance(body.get("conditions"), dict):
        raise bad_request("conditions is required.")
    policy = whole("conditionalAccessPolicy", {"id": str(uuid.uuid4()), "createdDateTime": req.state.clock.now_iso(),
                                               **copy.deepcopy(body)})
    policy.pop("@odata.type", None)
    req.tenant.ca_policies[policy["id"]] = policy
    return req.entity("identity/conditionalAccess/policies", policy, 201)


def list_organization(req: GraphRequest) -> Reply:
    """The tenant's organization: its verified domains (`ctsync doctor` matches invited guests' mail to them)."""
    tenant = req.tenant
    domains = [{"name": name, "isDefault": index == 0, "isInitial": name.endswith(".onmicrosoft.com"),
                "type": "Managed", "capabilities": "Email, OfficeCommunicationsOnline"}
               for index, name in enumerate(tenant.domains)]
    organization = {"id": tenant.id, "displayName": tenant.display_name, "tenantType": "AAD", "verifiedDomains": domains}
    return collection(req, "organization", [organization])


ROUTES = [
    route("GET", "/organization", list_organization, perm.ORGANIZATION_READ),
    route("GET", AUTHORIZATION, get_authorization, perm.POLICY_READ),
    route("PATCH", AUTHORIZATION, patch_authorization, perm.AUTHORIZATION_POLICY_WRITE),
    route("GET", EXTERNAL_IDENTITIES, get_external_identities, perm.POLICY_READ, beta=True),
    route("PATCH", EXTERNAL_IDENTITIES, patch_external_identities, perm.EXTERNAL_IDENTITIES_WRITE, beta=True),
    route("GET", CONDITIONAL_ACCESS, list_ca_policies, perm.POLICY_READ),
    route("POST", CONDITIONAL_ACCESS, create_ca_policy, perm.CONDITIONAL_ACCESS_WRITE),
]
