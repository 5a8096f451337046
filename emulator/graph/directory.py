"""Users, groups, group members and directory/deletedItems: enough to seed, change and inspect
the directories that cross-tenant sync reads from and writes to."""
from __future__ import annotations

import copy
import functools
from typing import Any

from graphtypes import structural_properties

from .. import permissions as perm
from ..odata import collection, count, expansions, project
from ..routing import route
from ..state import EmulatorState, Tenant, is_guid, new_id
from ..wire import ErrorReply, GraphRequest, Reply, bad_request, no_content, resource_not_found

USER_PROPERTIES = (
    "accountEnabled", "displayName", "givenName", "surname", "mail", "mailNickname", "userPrincipalName",
    "department", "jobTitle", "companyName", "employeeId", "employeeType", "city", "country", "state",
    "streetAddress", "postalCode", "officeLocation", "mobilePhone", "businessPhones", "usageLocation",
    "preferredLanguage", "otherMails", "showInAddressList", "userType",
)
USER_READ_ONLY = ("id", "createdDateTime", "creationType", "externalUserState", "externalUserStateChangeDateTime", "deletedDateTime",
                  "identities")
# A B2B user's identity: signed in at its home Entra tenant (https://learn.microsoft.com/en-us/graph/api/resources/objectidentity).
EXTERNAL_IDENTITY = {"signInType": "federated", "issuer": "ExternalAzureAD", "issuerAssignedId": None}
# GET /users returns only these unless $select asks for more (a classic Graph pitfall, kept on purpose).
USER_DEFAULT_SELECT = (
    "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation",
    "preferredLanguage", "surname", "userPrincipalName", "id",
)
USER_REQUIRED = ("accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile")
# A group's properties Graph returns only when `$select` names them (the group resource page); every
# other structural property comes back by default, null where unset.
GROUP_SELECT_ONLY = frozenset({
    "accessType", "allowExternalSenders", "assignedLabels", "assignedLicenses", "autoSubscribeNewMembers",
    "hasMembersWithLicenseErrors", "hideFromAddressLists", "hideFromOutlookClients", "infoCatalogs", "isArchived",
    "isFavorite", "isManagementRestricted", "isSubscribedByMail", "licenseProcessingState", "onPremisesExtensionAttributes",
    "organizationId", "unseenConversationsCount", "unseenCount", "unseenMessagesCount", "welcomeMessageEnabled",
})
GROUP_PROPERTIES = ("displayName", "description", "mailEnabled", "mailNickname", "securityEnabled", "groupTypes", "visibility")
GROUP_REQUIRED = ("displayName", "mailEnabled", "mailNickname", "securityEnabled")
_LIST_PROPERTIES = ("businessPhones", "otherMails", "groupTypes")
_CAST_SEGMENT = "{cast:(?:microsoft\\.)?graph\\.\\w+}"
_TYPE_NAMES = {"user": "#microsoft.graph.user", "group": "#microsoft.graph.group",
               "application": "#microsoft.graph.application", "servicePrincipal": "#microsoft.graph.servicePrincipal"}


# -- building blocks shared with fixtures and the provisioning engine -----------------------
def _apply_properties(obj: dict, body: dict, writable: tuple[str, ...], type_name: str) -> None:
    for name, value in body.items():
        if name.startswith("@odata.") or name == "passwordProfile":
            continue  # passwords are accepted but never stored
        if name not in writable:
            raise bad_request(f"Property '{name}' does not exist or is read-only on type '{type_name}'.")
        if name in _LIST_PROPERTIES and not isinstance(value, list):
            raise bad_request(f"Invalid value specified for property '{name}' of resource '{type_name}'.")
        obj[name] = copy.deepcopy(value)


def _check_upn(tenant: Tenant, upn: object, user_id: str | None = None) -> str:
    if not isinstance(upn, str) or "@" not in upn:
        raise bad_request("Invalid value specified for property 'userPrincipalName' of resource 'User'.")
    domain = upn.rsplit("@", 1)[1].lower()
    if domain not in (d.lower() for d in tenant.domains):
        raise bad_request(
            "The domain portion of the userPrincipalName property is invalid. "
            "You must use one of the verified domain names in your organization."
        )
    holder = tenant.upn_index.get(upn.lower())
    if holder is not None and holder != user_id:
        raise bad_request("Another object with the same value for property userPrincipalName already exists.")
    return upn


def blank_user(user_id: str, now: str) -> dict:
    user: dict[str, Any] = {name: None for name in (*USER_READ_ONLY, *USER_PROPERTIES)}
    user.update(id=user_id, createdDateTime=now, businessPhones=[], otherMails=[], identities=[], userType="Member",
                accountEnabled=True)
    return user


def _home_identity(tenant: Tenant, upn: str) -> dict:
    """A tenant's own user signs in with its userPrincipalName, issued by the tenant's initial domain."""
    return {"signInType": "userPrincipalName", "issuer": tenant.default_domain, "issuerAssignedId": upn}


def add_user(state: EmulatorState, tenant: Tenant, user: dict) -> dict:
    tenant.users[user["id"]] = user
    tenant.upn_index[user["userPrincipalName"].lower()] = user["id"]
    tenant.user_versions[user["id"]] = state.next_version()
    return user


def create_user(state: EmulatorState, tenant: Tenant, body: dict, user_id: str | None = None) -> dict:
    user = blank_user(user_id or new_id(), state.clock.now_iso())
    _apply_properties(user, body, USER_PROPERTIES, "microsoft.graph.user")
    _check_upn(tenant, user["userPrincipalName"])
    external = "#EXT#" in user["userPrincipalName"].upper()  # a B2B user (a fixture's invited guest)
    user["identities"] = [dict(EXTERNAL_IDENTITY) if external else _home_identity(tenant, user["userPrincipalName"])]
    return add_user(state, tenant, user)


def update_user(state: EmulatorState, tenant: Tenant, user: dict, changes: dict) -> None:
    updated = dict(user)
    _apply_properties(updated, changes, USER_PROPERTIES, "microsoft.graph.user")
    if updated["userPrincipalName"] != user["userPrincipalName"]:
        _check_upn(tenant, updated["userPrincipalName"], user["id"])
        tenant.upn_index.pop(user["userPrincipalName"].lower(), None)
        tenant.upn_index[updated["userPrincipalName"].lower()] = user["id"]
        updated["identities"] = [_home_identity(tenant, updated["userPrincipalName"]) if i["signInType"] == "userPrincipalName"
                                 else i for i in user.get("identities") or []]
    user.update(updated)
    tenant.user_versions[user["id"]] = state.next_version()


def soft_delete(state: EmulatorState, tenant: Tenant, kind: str, obj: dict) -> None:
    tenant.deleted[obj["id"]] = {"@odata.type": _TYPE_NAMES[kind], **obj, "deletedDateTime": state.clock.now_iso()}


def delete_user(state: EmulatorState, tenant: Tenant, user_id: str) -> None:
    user = tenant.users.pop(user_id)
    tenant.upn_index.pop(user["userPrincipalName"].lower(), None)
    tenant.user_versions.pop(user_id, None)
    soft_delete(state, tenant, "user", user)


def create_group(state: EmulatorState, tenant: Tenant, body: dict, group_id: str | None = None) -> dict:
    group: dict[str, Any] = {name: None for name in GROUP_PROPERTIES}
    group.update(id=group_id or new_id(), createdDateTime=state.clock.now_iso(), groupTypes=[], mail=None, deletedDateTime=None)
    _apply_properties(group, body, GROUP_PROPERTIES, "microsoft.graph.group")
    tenant.groups[group["id"]] = group
    tenant.members[group["id"]] = {}
    return group


def _object_id_from_reference(reference: object) -> str:
    """`https://graph.microsoft.com/v1.0/directoryObjects/{id}` (or users/{id}) -> id."""
    if not isinstance(reference, str):
        raise bad_request("The '@odata.id' reference is required.")
    object_id = reference.rstrip("/").rsplit("/", 1)[-1].lower()
    if not is_guid(object_id):
        raise bad_request(f"Invalid object identifier '{object_id}'.")
    return object_id


def add_member(tenant: Tenant, group_id: str, member_id: str) -> None:
    if tenant.principal(member_id) is None:
        raise resource_not_found(member_id)
    members = tenant.members[group_id]
    if member_id in members:
        raise bad_request("One or more added object references already exist for the following modified properties: 'members'.")
    members[member_id] = None


# -- users ----------------------------------------------------------------------------------
def _user(req: GraphRequest) -> dict:
    user = req.tenant.find_user(req.params["userId"])
    if user is None:
        raise resource_not_found(req.params["userId"])
    return user


def post_user(req: GraphRequest) -> Reply:
    body = req.json_object()
    missing = [name for name in USER_REQUIRED if body.get(name) is None]
    if missing:
        raise bad_request(f"Invalid value specified for property '{missing[0]}' of resource 'User'.")
    user = create_user(req.state, req.tenant, body)
    req.state.faults.note_created(req.tenant.id, f"/users/{user['id']}")
    return req.entity("users", project(user, {}, USER_DEFAULT_SELECT), 201)


def list_users(req: GraphRequest) -> Reply:
    return collection(req, "users", _with_managers(req, list(req.tenant.users.values())), USER_DEFAULT_SELECT)


def get_user(req: GraphRequest) -> Reply:
    [user] = _with_managers(req, [_user(req)])
    return req.entity("users", project(user, req.query, USER_DEFAULT_SELECT, "user"))


def _with_managers(req: GraphRequest, users: list[dict]) -> list[dict]:
    """``$expand=manager`` (with its own `$select`, if any): each user with its manager inlined; a
    user with no manager comes back without one."""
    options = next((value for name, value in expansions(req.query).items() if name.lower() == "manager"), None)
    if options is None:
        return users
    inlined = []
    for user in users:
        manager = req.tenant.users.get(req.tenant.managers.get(user["id"], ""))
        inlined.append(user if manager is None else {
            **user, "manager": {"@odata.type": "#microsoft.graph.user", **project(manager, options, USER_DEFAULT_SELECT, "user")}})
    return inlined


def patch_user(req: GraphRequest) -> Reply:
    update_user(req.state, req.tenant, _user(req), req.json_object())
    return no_content()


def get_manager(req: GraphRequest) -> Reply:
    manager = req.tenant.users.get(req.tenant.managers.get(_user(req)["id"], ""))
    if manager is None:
        raise ErrorReply(404, "Request_ResourceNotFound", "Resource 'manager' does not exist or one of its queried "
                         "reference-property objects are not present.")
    return req.singleton("directoryObjects", {"@odata.type": "#microsoft.graph.user", **project(manager, req.query, USER_DEFAULT_SELECT)})


def put_manager(req: GraphRequest) -> Reply:
    """`{"@odata.id": "https://graph.microsoft.com/v1.0/users/{id}"}`: the manager, a user of the same tenant."""
    user = _user(req)
    reference = str(req.json_object().get("@odata.id") or "")
    named = "/users/" in reference or "/directoryObjects/" in reference
    manager = req.tenant.find_user(reference.rstrip("/").rsplit("/", 1)[-1]) if named else None
    if manager is None or manager["id"] == user["id"]:
        raise bad_request(f"Invalid object identifier '{reference}'.")
    req.tenant.managers[user["id"]] = manager["id"]
    return no_content()


def delete_manager(req: GraphRequest) -> Reply:
    if req.tenant.managers.pop(_user(req)["id"], None) is None:
        raise ErrorReply(404, "Request_ResourceNotFound", "Resource 'manager' does not exist.")
    return no_content()


def remove_user(req: GraphRequest) -> Reply:
    delete_user(req.state, req.tenant, _user(req)["id"])
    return no_content()


# -- groups ---------------------------------------------------------------------------------
def _group(req: GraphRequest) -> dict:
    return req.lookup(req.tenant.groups, "groupId")


def post_group(req: GraphRequest) -> Reply:
    body = dict(req.json_object())
    missing = [name for name in GROUP_REQUIRED if body.get(name) is None]
    if missing:
        raise bad_request(f"Invalid value specified for property '{missing[0]}' of resource 'Group'.")
    references = body.pop("members@odata.bind", [])
    body.pop("owners@odata.bind", None)
    member_ids = [_object_id_from_reference(reference) for reference in references]
    group = create_group(req.state, req.tenant, body)
    for member_id in member_ids:
        add_member(req.tenant, group["id"], member_id)
    req.state.faults.note_created(req.tenant.id, f"/groups/{group['id']}")
    return req.entity("groups", group, 201)


@functools.cache
def _group_default_select() -> tuple[str, ...]:
    """Read at the first group request, not at import: graphtypes loads the SDK's model then."""
    return tuple(name for name in structural_properties("group") if name not in GROUP_SELECT_ONLY)


def list_groups(req: GraphRequest) -> Reply:
    return collection(req, "groups", req.tenant.groups.values(), _group_default_select())


def get_group(req: GraphRequest) -> Reply:
    return req.entity("groups", project(_group(req), req.query, _group_default_select(), "group"))


def patch_group(req: GraphRequest) -> Reply:
    _apply_properties(_group(req), req.json_object(), GROUP_PROPERTIES, "microsoft.graph.group")
    return no_content()


def remove_group(req: GraphRequest) -> Reply:
    delete_group(req.state, req.tenant, _group(req)["id"])
    return no_content()


def delete_group(state: EmulatorState, tenant: Tenant, group_id: str) -> None:
    group = tenant.groups[group_id]
    del tenant.groups[group["id"]]
    del tenant.members[group["id"]]
    for members in tenant.members.values():
        members.pop(group["id"], None)
    for assignments in tenant.assignments.values():
        for assignment_id in [a for a, body in assignments.items() if body["principalId"] == group["id"]]:
            del assignments[assignment_id]
    # Microsoft 365 groups are soft-deleted; security groups are deleted permanently.
    if "Unified" in (group.get("groupTypes") or []):
        soft_delete(state, tenant, "group", group)


def _members(req: GraphRequest) -> list[dict]:
    tenant = req.tenant
    rows = []
    for member_id in tenant.members[_group(req)["id"]]:
        found = tenant.principal(member_id)
        if found is not None:
            kind, obj = found
            rows.append({"@odata.type": _TYPE_NAMES[kind], **obj})
    return rows


def list_members(req: GraphRequest) -> Reply:
    return collection(req, "directoryObjects", _members(req), USER_DEFAULT_SELECT)


def _cast_members(req: GraphRequest) -> tuple[str, list[dict]]:
    """``members/microsoft.graph.user``: the members of one type, and the entity set they answer as."""
    cast = _cast(req)
    return cast.removeprefix("#microsoft.graph.") + "s", [row for row in _members(req) if row["@odata.type"] == cast]


def list_cast_members(req: GraphRequest) -> Reply:
    entity_set, rows = _cast_members(req)
    defaults = {"users": USER_DEFAULT_SELECT, "groups": _group_default_select()}.get(entity_set)
    return collection(req, entity_set, rows, defaults)


def count_cast_members(req: GraphRequest) -> Reply:
    return count(req, _cast_members(req)[1])


def post_member_ref(req: GraphRequest) -> Reply:
    group = _group(req)
    add_member(req.tenant, group["id"], _object_id_from_reference(req.json_object().get("@odata.id")))
    return no_content()


def delete_member_ref(req: GraphRequest) -> Reply:
    members = req.tenant.members[_group(req)["id"]]
    member_id = req.params["memberId"].lower()
    if member_id not in members:
        raise resource_not_found(member_id)
    del members[member_id]
    return no_content()


# -- directory/deletedItems -----------------------------------------------------------------
def _cast(req: GraphRequest) -> str:
    """The `@odata.type` an OData cast segment names. The SDK addresses casts by their short alias
    (graph.user); Graph accepts both spellings."""
    wanted = "#microsoft." + req.params["cast"].lower().removeprefix("microsoft.")
    cast = next((name for name in _TYPE_NAMES.values() if name.lower() == wanted), None)
    if cast is None:
        raise bad_request(f"Unsupported type cast '{req.params['cast']}'.")
    return cast


def list_deleted(req: GraphRequest) -> Reply:
    cast = _cast(req)
    rows = [item for item in req.tenant.deleted.values() if item["@odata.type"] == cast]
    return collection(req, f"directory/deletedItems/{req.params['cast']}", rows)


def list_deleted_uncast(req: GraphRequest) -> Reply:
    raise bad_request("A type cast is required, e.g. /directory/deletedItems/microsoft.graph.user.")


def _deleted(req: GraphRequest) -> dict:
    return req.lookup(req.tenant.deleted, "objectId")


def get_deleted(req: GraphRequest) -> Reply:
    return req.entity("directory/deletedItems", _deleted(req))


def restore_deleted(req: GraphRequest) -> Reply:
    item = _deleted(req)
    tenant, kind = req.tenant, item["@odata.type"]
    restored = {key: value for key, value in item.items() if key != "@odata.type"}
    restored["deletedDateTime"] = None
    if kind == _TYPE_NAMES["user"]:
        _check_upn(tenant, restored["userPrincipalName"])
        add_user(req.state, tenant, restored)
    elif kind == _TYPE_NAMES["group"]:
        tenant.groups[restored["id"]] = restored
        tenant.members.setdefault(restored["id"], {})
    elif kind == _TYPE_NAMES["application"]:
        tenant.applications[restored["id"]] = restored
    else:
        tenant.service_principals[restored["id"]] = restored
    del tenant.deleted[restored["id"]]
    return req.entity("directoryObjects", {"@odata.type": kind, **restored})


def purge_deleted(req: GraphRequest) -> Reply:
    del req.tenant.deleted[_deleted(req)["id"]]
    return no_content()


ROUTES = [
    route("GET", "/users", list_users, perm.USER_READ),
    route("GET", "/users/$count", lambda req: count(req, req.tenant.users.values()), perm.USER_READ),
    route("POST", "/users", post_user, perm.USER_WRITE),
    route("GET", "/users/{userId}", get_user, perm.USER_READ),
    route("PATCH", "/users/{userId}", patch_user, perm.USER_WRITE),
    route("DELETE", "/users/{userId}", remove_user, perm.USER_WRITE),
    route("GET", "/users/{userId}/manager", get_manager, perm.USER_READ),
    route("PUT", "/users/{userId}/manager/$ref", put_manager, perm.USER_WRITE),
    route("DELETE", "/users/{userId}/manager/$ref", delete_manager, perm.USER_WRITE),
    route("GET", "/groups", list_groups, perm.GROUP_READ),
    route("GET", "/groups/$count", lambda req: count(req, req.tenant.groups.values()), perm.GROUP_READ),
    route("POST", "/groups", post_group, perm.GROUP_WRITE),
    route("GET", "/groups/{groupId}", get_group, perm.GROUP_READ),
    route("PATCH", "/groups/{groupId}", patch_group, perm.GROUP_WRITE),
    route("DELETE", "/groups/{groupId}", remove_group, perm.GROUP_WRITE),
    route("GET", "/groups/{groupId}/members", list_members, perm.GROUP_READ),
    route("GET", "/groups/{groupId}/members/$count", lambda req: count(req, _members(req)), perm.GROUP_READ),
    route("GET", f"/groups/{{groupId}}/members/{_CAST_SEGMENT}", list_cast_members, perm.GROUP_READ),
    route("GET", f"/groups/{{groupId}}/members/{_CAST_SEGMENT}/$count", count_cast_members, perm.GROUP_READ),
    route("POST", "/groups/{groupId}/members/$ref", post_member_ref, perm.MEMBER_WRITE),
    route("DELETE", "/groups/{groupId}/members/{memberId}/$ref", delete_member_ref, perm.MEMBER_WRITE),
    route("GET", "/directory/deletedItems", list_deleted_uncast, perm.DELETED_ITEMS_READ),
    route("GET", f"/directory/deletedItems/{_CAST_SEGMENT}", list_deleted, perm.DELETED_ITEMS_READ),
    route("GET", "/directory/deletedItems/{objectId}", get_deleted, perm.DELETED_ITEMS_READ),
    route("POST", "/directory/deletedItems/{objectId}/restore", restore_deleted, perm.DELETED_ITEMS_WRITE),
    route("DELETE", "/directory/deletedItems/{objectId}", purge_deleted, perm.DELETED_ITEMS_WRITE),
]
