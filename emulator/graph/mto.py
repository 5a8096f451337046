"""Multitenant organizations (docs/graph-notes.md#mto): creation, members, join requests, removal, and the
partner configurations and identity-sync policies that joining generates (docs/graph-notes.md#partners).

One `Organization` is shared by its tenants; each tenant sees it through its own object id.
Asynchronous steps are events on the emulator clock: joins, role changes and removals (default
2 h); a join completes no earlier than 2 h after the organization's creation. The organization is
active as soon as it is created, as the documented PUT answers (a fixture may delay that).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from .. import permissions as perm
from ..odata import collection
from ..routing import route
from ..state import NIL_GUID, EmulatorState, Tenant, is_guid, new_id, unjoined_request
from ..wire import GraphRequest, Reply, access_denied, bad_request, no_content, object_not_found
from .policies import TEMPLATE_PARTNER_PROPERTIES, apply_template, new_partner, template_applies

BASE = "/tenantRelationships/multiTenantOrganization"
CONTEXT = "tenantRelationships/multiTenantOrganization"
ALREADY_ADDED = "Tenant is already being added in Multi-Tenant Organization."


@dataclass
class Organization:
    id: str
    display_name: str
    description: str | None
    created: str
    created_at: float  # emulator clock, for the wait between creation and joins
    creator: str
    active: bool = False
    members: dict[str, dict] = field(default_factory=dict)  # tenant id -> multiTenantOrganizationMember
    object_ids: dict[str, str] = field(default_factory=dict)  # tenant id -> that tenant's object id

    def view(self, tenant_id: str) -> dict:
        return {
            "id": self.object_ids[tenant_id],
            "createdDateTime": self.created,
            "displayName": self.display_name,
            "description": self.description,
            "state": "active" if self.active else "inactive",
        }

    def active_members(self) -> list[dict]:
        return [m for m in self.members.values() if m["state"] == "active"]

    def is_active_owner(self, tenant_id: str) -> bool:
        member = self.members.get(tenant_id)
        return bool(member and member["state"] == "active" and member["role"] == "owner")


def _member(tenant_id: str, display_name: str | None, added_by: str, role: str, now: str) -> dict:
    return {
        "tenantId": tenant_id,
        "displayName": display_name,
        "addedDateTime": now,
        "joinedDateTime": None,
        "addedByTenantId": added_by,
        "role": role,
        "state": "pending",
        "transitionDetails": {"desiredState": "active", "desiredRole": role, "status": "notStarted", "details": None},
    }


def _organization(req: GraphRequest) -> Organization | None:
    return req.state.mtos.get(req.tenant.mto_id) if req.tenant.mto_id else None


def _owned_organization(req: GraphRequest) -> Organization:
    org = _organization(req)
    if org is None:
        raise object_not_found()
    if not org.is_active_owner(req.tenant.id):
        raise access_denied("Only an active owner tenant can manage the multitenant organization.")
    return org


# -- the organization -----------------------------------------------------------------------
def put_organization(req: GraphRequest) -> Reply:
    tenant, state = req.tenant, req.state
    if tenant.mto_id or tenant.join_request["memberState"] == "pending":
        raise bad_request("Tenant is already part of a multitenant organization or has a pending join request.")
    body = req.json_object()
    if not isinstance(body.get("displayName"), str) or not body["displayName"].strip():
        raise bad_request("Property 'displayName' is required.")
    now = state.clock.now_iso()
    org = Organization(new_id(), body["displayName"], body.get("description"), now, state.clock.now(), tenant.id)
    owner = _member(tenant.id, tenant.display_name, tenant.id, "owner", now)
    owner.update(state="active", joinedDateTime=now, transitionDetails=None)
    org.members[tenant.id] = owner
    org.object_ids[tenant.id] = new_id()
    state.mtos[org.id] = org
    tenant.mto_id = org.id
    tenant.join_request = {**unjoined_request(), "addedByTenantId": tenant.id, "memberState": "active", "role": "owner"}
    if state.mto_activation_seconds > 0:
        state.clock.schedule(state.mto_activation_seconds, lambda: setattr(org, "active", True))
    else:
        org.active = True
    state.faults.note_created(tenant.id, BASE)
    return req.entity(CONTEXT, org.view(tenant.id), 201)


def get_organization(req: GraphRequest) -> Reply:
    org = _organization(req)
    if org is None:
        # No organization: Graph answers the singleton with state `inactive`.
        placeholder = str(uuid.uuid5(uuid.NAMESPACE_URL, f"mto:{req.tenant.id}"))
        view = {"id": placeholder, "createdDateTime": None, "displayName": None, "description": None, "state": "inactive"}
        return req.singleton(CONTEXT, view)
    return req.singleton(CONTEXT, org.view(req.tenant.id))


def patch_organization(req: GraphRequest) -> Reply:
    org = _owned_organization(req)
    body = req.json_object()
    unknown = set(body) - {"displayName", "description", "@odata.type"}
    if unknown:
        raise bad_request(f"Properties can't be updated: {', '.join(sorted(unknown))}.")
    org.display_name = body.get("displayName", org.display_name)
    org.description = body.get("description", org.description)
    return no_content()


# -- members (owner side) -------------------------------------------------------------------
def list_members(req: GraphRequest) -> Reply:
    org = _organization(req)
    return collection(req, f"{CONTEXT}/tenants", org.members.values() if org else [])


def _member_of(req: GraphRequest, org: Organization | None) -> dict:
    member = org.members.get(req.params["tenantId"].lower()) if org else None
    if member is None:
        raise object_not_found()
    return member


def get_member(req: GraphRequest) -> Reply:
    return req.entity(f"{CONTEXT}/tenants", _member_of(req, _organization(req)))


def add_member(req: GraphRequest) -> Reply:
    org = _owned_organization(req)
    if not org.active:
        raise bad_request("The multitenant organization is not active yet; retry when its state is active.")
    body = req.json_object()
    tenant_id = body.get("tenantId")
    role = body.get("role") or "member"
    if not is_guid(tenant_id):
        raise bad_request("Property 'tenantId' is required and must be a tenant id (GUID).")
    if role not in ("owner", "member"):
        raise bad_request("Property 'role' must be 'owner' or 'member'.")
    tenant_id = tenant_id.lower()
    if tenant_id in org.members:
        raise bad_request(ALREADY_ADDED)
    member = _member(tenant_id, body.get("displayName"), req.tenant.id, role, req.state.clock.now_iso())
    org.members[tenant_id] = member
    req.state.faults.note_created(req.tenant.id, f"{BASE}/tenants/{tenant_id}")
    return req.entity(f"{CONTEXT}/tenants", member, 201)


def patch_member(req: GraphRequest) -> Reply:
    org = _owned_organization(req)
    member = _member_of(req, org)
    role = req.json_object().get("role")
    if role not in ("owner", "member"):
        raise bad_request("Property 'role' must be 'owner' or 'member'.")
    if role == "member" and member["role"] == "owner" and len(_owners(org)) == 1 and member["state"] == "active":
        raise bad_request("A multitenant organization must keep at least one active owner tenant.")
    if member["state"] != "active":
        member["role"] = role
        member["transitionDetails"]["desiredRole"] = role
        return no_content()
    member["transitionDetails"] = {"desiredState": "active", "desiredRole": role, "status": "notStarted", "details": None}

    def complete() -> None:
        member["role"] = role
        member["transitionDetails"] = None

    req.state.clock.schedule(req.state.mto_transition_seconds, complete)
    return no_content()


def _owners(org: Organization) -> list[dict]:
    return [m for m in org.active_members() if m["role"] == "owner"]


def _check_removal(org: Organization, caller: str, target: str) -> None:
    active = org.active_members()
    last_active = len(active) == 1 and active[0]["tenantId"] == target
    if caller != target and not org.is_active_owner(caller):
        raise access_denied("Only an owner tenant can remove other tenants from the multitenant organization.")
    if target == org.creator and not last_active:
        raise bad_request("The tenant that created the multitenant organization can't be removed from it.")
    if caller == target and org.is_active_owner(caller) and len(_owners(org)) == 1 and not last_active:
        raise bad_request("The last active owner can't leave while other tenants remain; make another tenant an owner first.")


def remove_member(req: GraphRequest) -> Reply:
    org = _organization(req)
    if org is None:
        raise object_not_found()
    member = _member_of(req, org)
    if not org.members.get(req.tenant.id, {}).get("state") == "active":
        raise access_denied("Only an active tenant of the multitenant organization can remove tenants.")
    _check_removal(org, req.tenant.id, member["tenantId"])
    member["state"] = "pending"
    member["transitionDetails"] = {"desiredState": "removed", "desiredRole": member["role"], "status": "notStarted", "details": None}
    req.state.clock.schedule(req.state.mto_transition_seconds, lambda: _complete_removal(req.state, org, member["tenantId"]))
    return no_content()


def _complete_removal(state: EmulatorState, org: Organization, tenant_id: str) -> None:
    org.members.pop(tenant_id, None)
    org.object_ids.pop(tenant_id, None)
    removed = state.tenant(tenant_id)
    if removed and removed.mto_id == org.id:
        removed.mto_id = None
        removed.join_request = unjoined_request()
    # Leaving does not revert cross-tenant access settings; only the MTO flag changes.
    for other in org.members:
        _set_mto_flag(state.tenant(other), tenant_id, False)
        _set_mto_flag(removed, other, False)
    if not org.active_members():
        for leftover in org.members:
            leftover_tenant = state.tenant(leftover)
            if leftover_tenant and leftover_tenant.mto_id == org.id:
                leftover_tenant.mto_id = None
        state.mtos.pop(org.id, None)


def _set_mto_flag(tenant: Tenant | None, partner_id: str, value: bool) -> None:
    partner = tenant.partners.get(partner_id) if tenant else None
    if partner is not None:
        partner["isInMultiTenantOrganization"] = value


# -- join requests (joiner side) ------------------------------------------------------------
def get_join_request(req: GraphRequest) -> Reply:
    return req.singleton(f"{CONTEXT}/joinRequest", req.tenant.join_request)


def patch_join_request(req: GraphRequest) -> Reply:
    tenant = req.tenant
    owner_id = req.json_object().get("addedByTenantId")
    if not is_guid(owner_id):
        raise bad_request("Property 'addedByTenantId' is required and must be a tenant id (GUID).")
    if tenant.mto_id:
        raise bad_request("Tenant is already part of a multitenant organization.")
    if owner_id == NIL_GUID:
        tenant.join_request = unjoined_request()
        return no_content()
    request = {
        "id": tenant.join_request["id"],
        "addedByTenantId": owner_id.lower(),
        "memberState": "pending",
        "role": None,
        "transitionDetails": {"desiredMemberState": "active", "status": "notStarted", "details": ""},
    }
    tenant.join_request = request
    req.state.clock.schedule(_join_delay(req.state, owner_id.lower()), lambda: _complete_join(req.state, tenant, request))
    return no_content()


def _join_delay(state: EmulatorState, owner_id: str) -> float:
    """A join takes the transition time, and completes no earlier than the wait after creation."""
    owner = state.tenant(owner_id)
    org = state.mtos.get(owner.mto_id) if owner and owner.mto_id else None
    if org is None:
        return state.mto_transition_seconds
    return max(state.mto_transition_seconds, org.created_at + state.mto_join_wait_seconds - state.clock.now())


def _join_target(state: EmulatorState, tenant: Tenant, owner_id: str) -> tuple[Organization, dict] | None:
    owner = state.tenant(owner_id)
    org = state.mtos.get(owner.mto_id) if owner and owner.mto_id else None
    if org is None or not org.active or not org.is_active_owner(owner_id):
        return None
    member = org.members.get(tenant.id)
    if member is None or member["state"] != "pending" or member["transitionDetails"]["desiredState"] != "active":
        return None
    return org, member


def _complete_join(state: EmulatorState, tenant: Tenant, request: dict) -> None:
    if tenant.join_request is not request or state.tenant(tenant.id) is not tenant:
        return  # reset or superseded meanwhile
    target = _join_target(state, tenant, request["addedByTenantId"])
    if target is None:
        request["transitionDetails"] = {
            "desiredMemberState": "active",
            "status": "failed",
            "details": "The tenant was not added to an active multitenant organization by the owner tenant.",
        }
        return
    org, member = target
    now = state.clock.now_iso()
    member.update(state="active", joinedDateTime=now, role=member["transitionDetails"]["desiredRole"], transitionDetails=None)
    org.object_ids[tenant.id] = new_id()
    tenant.mto_id = org.id
    request.update(memberState="active", role=member["role"], transitionDetails=None)
    for other in org.active_members():
        other_tenant = state.tenant(other["tenantId"])
        if other_tenant is not None and other_tenant is not tenant:
            ensure_mto_partner(other_tenant, tenant.id, member["displayName"] or tenant.display_name)
            ensure_mto_partner(tenant, other_tenant.id, other["displayName"] or other_tenant.display_name)


def ensure_mto_partner(tenant: Tenant, partner_id: str, partner_name: str) -> None:
    """Generate (or adopt) the partner configuration and identity-sync policy for an MTO partner,
    then apply this tenant's templates as their templateApplicationLevel says."""
    new_config = partner_id not in tenant.partners
    partner = tenant.partners.setdefault(partner_id, new_partner(partner_id))
    partner["isInMultiTenantOrganization"] = True
    if template_applies(tenant.partner_template, new_config):
        apply_template(partner, tenant.partner_template, TEMPLATE_PARTNER_PROPERTIES)
    new_policy = partner_id not in tenant.identity_sync
    policy = tenant.identity_sync.setdefault(
        partner_id, {"tenantId": partner_id, "displayName": partner_name, "userSyncInbound": {"isSyncAllowed": False}}
    )
    if template_applies(tenant.identity_sync_template, new_policy):
        apply_template(policy, tenant.identity_sync_template, ("userSyncInbound",))


ROUTES = [
    route("GET", BASE, get_organization, perm.MTO_READ),
    route("PUT", BASE, put_organization, perm.MTO_WRITE),
    route("PATCH", BASE, patch_organization, perm.MTO_WRITE),
    route("GET", f"{BASE}/tenants", list_members, perm.MTO_READ),
    route("POST", f"{BASE}/tenants", add_member, perm.MTO_WRITE),
    route("GET", f"{BASE}/tenants/{{tenantId}}", get_member, perm.MTO_READ),
    route("PATCH", f"{BASE}/tenants/{{tenantId}}", patch_member, perm.MTO_WRITE),
    route("DELETE", f"{BASE}/tenants/{{tenantId}}", remove_member, perm.MTO_WRITE),
    route("GET", f"{BASE}/joinRequest", get_join_request, perm.MTO_READ),
    route("PATCH", f"{BASE}/joinRequest", patch_join_request, perm.MTO_WRITE),
]
