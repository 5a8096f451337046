"""Cross-tenant access policy: default configuration, partner configurations, partner identity
synchronization, and the MTO templates (docs/graph-notes.md#partners, #identity-sync, #mto)."""
from __future__ import annotations

import copy

from .. import permissions as perm
from ..odata import collection, expansions
from ..routing import route
from ..shapes import check_expand, whole
from ..state import Tenant, default_identity_sync_template, default_partner_template, is_guid
from ..wire import (
    ErrorReply,
    GraphRequest,
    Reply,
    bad_request,
    no_content,
    object_not_found,
    resource_not_found,
    same_key_conflict,
)

BASE = "/policies/crossTenantAccessPolicy"
PARTNERS = f"{BASE}/partners"

_TRUST_KEYS = ("isMfaAccepted", "isCompliantDeviceAccepted", "isHybridAzureADJoinedDeviceAccepted")
_CONSENT_KEYS = ("inboundAllowed", "outboundAllowed")
_B2B_SETTINGS = ("b2bCollaborationInbound", "b2bCollaborationOutbound", "b2bDirectConnectInbound", "b2bDirectConnectOutbound")
PARTNER_PROPERTIES = ("isServiceProvider", "inboundTrust", "automaticUserConsentSettings", *_B2B_SETTINGS, "tenantRestrictions")
TEMPLATE_PARTNER_PROPERTIES = ("inboundTrust", "automaticUserConsentSettings", *_B2B_SETTINGS)


def _access(access_type: str, target: str, target_type: str) -> dict:
    return {"accessType": access_type, "targets": [{"target": target, "targetType": target_type}]}


def _b2b_setting(access_type: str) -> dict:
    return {
        "usersAndGroups": _access(access_type, "AllUsers", "user"),
        "applications": _access(access_type, "AllApplications", "application"),
    }


def system_default_policy() -> dict:
    """The service default: B2B collaboration allowed, direct connect blocked, no trust, no
    automatic redemption (which the default can never carry)."""
    return {
        "isServiceDefault": True,
        "inboundTrust": {key: False for key in _TRUST_KEYS},
        "automaticUserConsentSettings": {key: False for key in _CONSENT_KEYS},
        "b2bCollaborationInbound": _b2b_setting("allowed"),
        "b2bCollaborationOutbound": _b2b_setting("allowed"),
        "b2bDirectConnectInbound": _b2b_setting("blocked"),
        "b2bDirectConnectOutbound": _b2b_setting("blocked"),
        "tenantRestrictions": {**_b2b_setting("blocked"), "devices": None},
        "invitationRedemptionIdentityProviderConfiguration": {
            "primaryIdentityProviderPrecedenceOrder": ["externalFederation", "azureActiveDirectory", "socialIdentityProviders"],
            "fallbackIdentityProvider": "defaultConfiguredIdp",
        },
    }


_B2B_KEYS = ("usersAndGroups", "applications")
# Each nested setting's properties: Graph returns them all, null when unset
# (https://learn.microsoft.com/en-us/graph/api/resources/crosstenantaccesspolicyb2bsetting).
_NESTED_KEYS = {
    "inboundTrust": _TRUST_KEYS,
    **{name: _B2B_KEYS for name in _B2B_SETTINGS},
    "tenantRestrictions": (*_B2B_KEYS, "devices"),
}


def _complete(name: str, value):
    """Nested settings are replaced whole; sub-properties not sent read back as null."""
    if name == "automaticUserConsentSettings":
        value = value or {}
        return {key: value.get(key) for key in _CONSENT_KEYS}
    if name in _NESTED_KEYS and isinstance(value, dict):
        return {**{key: None for key in _NESTED_KEYS[name]}, **copy.deepcopy(value)}
    return copy.deepcopy(value)


def _merge(target: dict, body: dict, allowed: tuple[str, ...]) -> None:
    """PATCH semantics: properties sent replace the stored value (explicit null = inherit from the
    default); properties not sent are untouched."""
    for name, value in body.items():
        if name.startswith("@odata."):
            continue
        if name not in allowed:
            raise bad_request(f"Property '{name}' is read-only or does not exist on this resource.")
        if value is not None and name != "isServiceProvider" and not isinstance(value, dict):
            raise bad_request(f"Invalid value specified for property '{name}'.")
        target[name] = _complete(name, value)


def new_partner(tenant_id: str) -> dict:
    partner = {"tenantId": tenant_id, "isInMultiTenantOrganization": False}
    for name in PARTNER_PROPERTIES:
        partner[name] = _complete(name, None)
    return partner


def _partner(tenant: Tenant, partner_id: str, absent: ErrorReply | None = None) -> dict:
    partner = tenant.partners.get(partner_id.lower())
    if partner is None:
        raise absent or resource_not_found(partner_id)
    return partner


def template_applies(template: dict, newly_created: bool) -> bool:
    """`templateApplicationLevel` flags: newPartners / existingPartners / none."""
    levels = {flag.strip().lower() for flag in (template.get("templateApplicationLevel") or "").split(",")}
    return ("newpartners" if newly_created else "existingpartners") in levels


def apply_template(target: dict, template: dict, properties: tuple[str, ...]) -> None:
    """A null template value leaves the partner's value untouched; a non-null one overwrites it
    (for nested settings, leaf by leaf)."""
    for name in properties:
        value = template.get(name)
        if isinstance(value, dict):
            merged = dict(target.get(name) or {})
            merged.update({key: copy.deepcopy(leaf) for key, leaf in value.items() if leaf is not None})
            target[name] = _complete(name, merged)
        elif value is not None:
            target[name] = copy.deepcopy(value)


# -- default configuration ------------------------------------------------------------------
def get_policy(req: GraphRequest) -> Reply:
    return req.singleton(
        "policies/crossTenantAccessPolicy",
        whole("crossTenantAccessPolicy", {"id": "crossTenantAccessPolicy", "displayName": "CrossTenantAccessPolicy",
                                          "allowedCloudEndpoints": [], "definition": []}),
    )


def get_default(req: GraphRequest) -> Reply:
    return req.singleton("policies/crossTenantAccessPolicy/default", whole("crossTenantAccessPolicyConfigurationDefault",
                                                                           req.tenant.default_policy))


def patch_default(req: GraphRequest) -> Reply:
    body = {k: v for k, v in req.json_object().items() if k not in ("automaticUserConsentSettings", "isServiceDefault")}
    # automaticUserConsentSettings is read-only on the default and always false: ignored.
    allowed = ("inboundTrust", *_B2B_SETTINGS, "tenantRestrictions", "invitationRedemptionIdentityProviderConfiguration")
    _merge(req.tenant.default_policy, body, allowed)
    req.tenant.default_policy["isServiceDefault"] = False
    return no_content()


def reset_default(req: GraphRequest) -> Reply:
    req.tenant.default_policy = system_default_policy()
    return no_content()


# -- partners -------------------------------------------------------------------------------
PARTNER = "crossTenantAccessPolicyConfigurationPartner"


def _expanded(req: GraphRequest, partner: dict) -> dict:
    """``$expand=identitySynchronization`` inlines the partner's policy (null when it has none), as
    https://learn.microsoft.com/en-us/graph/api/crosstenantaccesspolicy-list-partners documents."""
    asked = list(expansions(req.query))
    check_expand(PARTNER, asked)
    partner = whole(PARTNER, partner)
    if not asked:
        return partner
    policy = req.tenant.identity_sync.get(partner["tenantId"].lower())
    return {**partner, "identitySynchronization": None if policy is None else _sync_view(policy, req.version)}


def list_partners(req: GraphRequest) -> Reply:
    partners = [_expanded(req, partner) for partner in req.tenant.partners.values()]
    return collection(req, "policies/crossTenantAccessPolicy/partners", partners, type_name=PARTNER)


def create_partner(req: GraphRequest) -> Reply:
    body = dict(req.json_object())
    partner_id = body.pop("tenantId", None)
    if not is_guid(partner_id):
        raise bad_request("Property 'tenantId' is required and must be a tenant id (GUID).")
    partner_id = partner_id.lower()
    if partner_id == req.tenant.id:
        raise bad_request("A partner configuration can't be created for your own tenant.")
    if partner_id in req.tenant.partners:
        raise same_key_conflict("Another object with the same value for property tenantId already exists.")
    body.pop("isInMultiTenantOrganization", None)
    partner = new_partner(partner_id)
    _merge(partner, body, PARTNER_PROPERTIES)
    req.tenant.partners[partner_id] = partner
    req.state.faults.note_created(req.tenant.id, f"{PARTNERS}/{partner_id}")
    return req.entity("policies/crossTenantAccessPolicy/partners", partner, 201)


def get_partner(req: GraphRequest) -> Reply:
    partner = _expanded(req, _partner(req.tenant, req.params["tenantId"]))
    return req.entity("policies/crossTenantAccessPolicy/partners", partner)


def patch_partner(req: GraphRequest) -> Reply:
    partner = _partner(req.tenant, req.params["tenantId"], absent=object_not_found())
    body = {k: v for k, v in req.json_object().items() if k not in ("tenantId", "isInMultiTenantOrganization")}
    _merge(partner, body, PARTNER_PROPERTIES)
    return no_content()


def delete_partner(req: GraphRequest) -> Reply:
    partner_id = req.params["tenantId"].lower()
    _partner(req.tenant, partner_id)
    if partner_id in req.tenant.identity_sync:
        raise bad_request(
            f"The partner configuration for tenant {partner_id} still has an identitySynchronization policy. "
            f"Delete {PARTNERS}/{partner_id}/identitySynchronization first."
        )
    del req.tenant.partners[partner_id]
    return no_content()


# -- partner identity synchronization -------------------------------------------------------
def _sync_policy(req: GraphRequest, absent: ErrorReply | None = None) -> dict:
    policy = req.tenant.identity_sync.get(req.params["tenantId"].lower())
    if policy is None:
        raise absent or resource_not_found(req.params["tenantId"])
    return policy


# `groupSyncInbound` exists on beta only
# (https://learn.microsoft.com/en-us/graph/api/resources/crosstenantidentitysyncpolicypartner?view=graph-rest-beta).
_SYNC_INBOUND = {"v1.0": ("userSyncInbound",), "beta": ("userSyncInbound", "groupSyncInbound")}


def _sync_fields(body: dict, version: str) -> dict:
    fields = {}
    for name, value in body.items():
        if name.startswith("@odata.") or name == "tenantId":
            continue
        if name == "displayName":
            fields[name] = value
        elif name in _SYNC_INBOUND[version]:
            if value is not None and not isinstance(value, dict):
                raise bad_request(f"Invalid value specified for property '{name}'.")
            fields[name] = None if value is None else {"isSyncAllowed": value.get("isSyncAllowed")}
        else:
            raise bad_request(f"Property '{name}' does not exist on type 'microsoft.graph.crossTenantIdentitySyncPolicyPartner'.")
    return fields


def _sync_view(policy: dict, version: str) -> dict:
    """The policy as the addressed version shows it: beta adds groupSyncInbound (null when unset)."""
    view = {key: value for key, value in policy.items() if key != "groupSyncInbound"}
    return {**view, "groupSyncInbound": policy.get("groupSyncInbound")} if version == "beta" else view


def put_identity_sync(req: GraphRequest) -> Reply:
    partner_id = req.params["tenantId"].lower()
    _partner(req.tenant, partner_id, absent=object_not_found())
    if partner_id in req.tenant.identity_sync:
        raise same_key_conflict("A conflicting object with one or more of the specified property values is present in the directory.")
    policy = {"tenantId": partner_id, "displayName": None, "userSyncInbound": None}
    policy.update(_sync_fields(req.json_object(), req.version))
    req.tenant.identity_sync[partner_id] = policy
    req.state.faults.note_created(req.tenant.id, f"{PARTNERS}/{partner_id}/identitySynchronization")
    return no_content()


def get_identity_sync(req: GraphRequest) -> Reply:
    context = f"policies/crossTenantAccessPolicy/partners('{req.params['tenantId']}')/identitySynchronization"
    return req.entity(context, _sync_view(_sync_policy(req), req.version))


def patch_identity_sync(req: GraphRequest) -> Reply:
    _sync_policy(req, absent=object_not_found()).update(_sync_fields(req.json_object(), req.version))
    return no_content()


def delete_identity_sync(req: GraphRequest) -> Reply:
    _sync_policy(req)
    del req.tenant.identity_sync[req.params["tenantId"].lower()]
    return no_content()


# -- MTO templates --------------------------------------------------------------------------
_TEMPLATES = {
    "multiTenantOrganizationPartnerConfiguration": ("partner_template", TEMPLATE_PARTNER_PROPERTIES),
    "multiTenantOrganizationIdentitySynchronization": ("identity_sync_template", ("userSyncInbound",)),
}


def _template(req: GraphRequest) -> tuple[str, str, tuple[str, ...]]:
    for name, (attribute, properties) in _TEMPLATES.items():
        if name.lower() == req.params["template"].lower():
            return name, attribute, properties
    raise resource_not_found(req.params["template"])


def get_template(req: GraphRequest) -> Reply:
    name, attribute, _ = _template(req)
    return req.singleton(f"policies/crossTenantAccessPolicy/templates/{name}", getattr(req.tenant, attribute))


def patch_template(req: GraphRequest) -> Reply:
    _, attribute, properties = _template(req)
    template = getattr(req.tenant, attribute)
    body = dict(req.json_object())
    if "templateApplicationLevel" in body:
        level = body.pop("templateApplicationLevel")
        if level is not None and not isinstance(level, str):
            raise bad_request("Invalid value specified for property 'templateApplicationLevel'.")
        template["templateApplicationLevel"] = level or ""
    body.pop("id", None)
    _merge(template, body, properties)
    return no_content()


def reset_template(req: GraphRequest) -> Reply:
    _, attribute, _ = _template(req)
    fresh = default_partner_template() if attribute == "partner_template" else default_identity_sync_template()
    fresh["id"] = getattr(req.tenant, attribute)["id"]
    setattr(req.tenant, attribute, fresh)
    return no_content()


ROUTES = [
    route("GET", BASE, get_policy, perm.POLICY_READ),
    route("GET", f"{BASE}/default", get_default, perm.POLICY_READ),
    route("PATCH", f"{BASE}/default", patch_default, perm.POLICY_WRITE),
    route("POST", f"{BASE}/default/resetToSystemDefault", reset_default, perm.POLICY_WRITE),
    route("GET", PARTNERS, list_partners, perm.POLICY_READ),
    route("POST", PARTNERS, create_partner, perm.POLICY_WRITE),
    route("GET", f"{PARTNERS}/{{tenantId}}", get_partner, perm.POLICY_READ),
    route("PATCH", f"{PARTNERS}/{{tenantId}}", patch_partner, perm.POLICY_WRITE),
    route("DELETE", f"{PARTNERS}/{{tenantId}}", delete_partner, perm.POLICY_WRITE),
    route("GET", f"{PARTNERS}/{{tenantId}}/identitySynchronization", get_identity_sync, perm.POLICY_READ, beta=True),
    route("PUT", f"{PARTNERS}/{{tenantId}}/identitySynchronization", put_identity_sync, perm.POLICY_WRITE, beta=True),
    route("PATCH", f"{PARTNERS}/{{tenantId}}/identitySynchronization", patch_identity_sync, perm.POLICY_WRITE, beta=True),
    route("DELETE", f"{PARTNERS}/{{tenantId}}/identitySynchronization", delete_identity_sync, perm.POLICY_WRITE),
    route("GET", f"{BASE}/templates/{{template}}", get_template, perm.POLICY_READ),
    route("PATCH", f"{BASE}/templates/{{template}}", patch_template, perm.POLICY_WRITE),
    route("POST", f"{BASE}/templates/{{template}}/resetToDefaultSettings", reset_template, perm.POLICY_WRITE),
]
