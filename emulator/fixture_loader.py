"""Seeding the emulator from a fixture (a YAML file, or the same structure as a dict).

    settings:                        # optional
      mtoActivationSeconds: 0        # MTO creation -> active (documented: at once)
      mtoTransitionSeconds: 7200     # joins, role changes, removals
      mtoJoinWaitSeconds: 7200       # a join completes no earlier than this after the MTO's creation
    tenants:
      - tenantId: 11111111-1111-4111-8111-111111111111
        displayName: Contoso
        domains: [contoso.onmicrosoft.com]   # optional; the first is the default domain
        userQuota: 100                       # optional: at most this many users (directory quota)
        users:
          - id: <guid>                       # optional
            userPrincipalName: adele@contoso.onmicrosoft.com
            displayName: Adele Vance
            department: Sales                # any writable user property
            accountEnabled: true             # default true
        groups:
          - id: <guid>                       # optional
            displayName: Sales
            members: [adele@contoso.onmicrosoft.com]   # userPrincipalNames or object ids
        appRegistrations:                    # who may sign in at the token endpoint (emulator/signin.py)
          - clientId: <guid>
            permissions: [Policy.ReadWrite.CrossTenantAccess]  # optional; default every permission
            secrets: [<client secret>]
            certificates: [<PEM file path or PEM text>]
            federatedCredentials:
              - issuer: https://token.actions.githubusercontent.com
                subject: repo:contoso/ctsync:environment:prod
                audiences: [api://AzureADTokenExchange]     # optional; this is the default
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .graph.directory import add_member, create_group, create_user
from .registrations import read_registration
from .state import EmulatorState, Tenant, is_guid
from .tenants import add_tenant
from .wire import ErrorReply

_SETTINGS = {
    "mtoActivationSeconds": "mto_activation_seconds",
    "mtoTransitionSeconds": "mto_transition_seconds",
    "mtoJoinWaitSeconds": "mto_join_wait_seconds",
}


class FixtureError(ValueError):
    pass


def read_fixture(source: str | Path | dict | None) -> dict:
    if source is None:
        return {}
    if isinstance(source, dict):
        return source
    with open(source, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise FixtureError(f"{source}: a fixture must be a mapping with a 'tenants' list.")
    return data


def load_fixture(state: EmulatorState, source: str | Path | dict | None) -> list[Tenant]:
    """Adds the fixture's tenants, users, groups and memberships; returns the tenants added."""
    data = read_fixture(source)
    for key, value in (data.get("settings") or {}).items():
        if key == "strictQueries" and isinstance(value, bool):
            state.strict_queries = value  # false: queries Graph refuses are answered, and marked in the log
            continue
        if key not in _SETTINGS or isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise FixtureError(f"settings.{key}: unknown setting or not a non-negative number (strictQueries: a boolean).")
        setattr(state, _SETTINGS[key], value)
    tenants = data.get("tenants") or []
    if not isinstance(tenants, list):
        raise FixtureError("'tenants' must be a list.")
    return [_load_tenant(state, entry, f"tenants[{index}]") for index, entry in enumerate(tenants)]


def _load_tenant(state: EmulatorState, entry: Any, where: str) -> Tenant:
    if not isinstance(entry, dict):
        raise FixtureError(f"{where}: must be a mapping.")
    domains = entry.get("domains") or ([entry["domain"]] if entry.get("domain") else None)
    try:
        tenant = add_tenant(state, entry.get("tenantId"), entry.get("displayName"), domains)
    except ErrorReply as err:
        raise FixtureError(f"{where}: {err.message}") from err
    quota = entry.get("userQuota")
    if quota is not None and (isinstance(quota, bool) or not isinstance(quota, int) or quota < 0):
        raise FixtureError(f"{where}.userQuota: must be a non-negative integer.")
    tenant.user_quota = quota
    for index, user in enumerate(entry.get("users") or []):
        _load_user(state, tenant, user, f"{where}.users[{index}]")
    for index, group in enumerate(entry.get("groups") or []):
        _load_group(state, tenant, group, f"{where}.groups[{index}]")
    for index, app in enumerate(entry.get("appRegistrations") or []):
        registration = read_registration(app, f"{where}.appRegistrations[{index}]", FixtureError)
        tenant.app_registrations[registration.client_id] = registration
    return tenant


def _load_user(state: EmulatorState, tenant: Tenant, entry: Any, where: str) -> None:
    if not isinstance(entry, dict) or not isinstance(entry.get("userPrincipalName"), str) or "@" not in entry["userPrincipalName"]:
        raise FixtureError(f"{where}: a user needs a userPrincipalName.")
    properties = {key: value for key, value in entry.items() if key != "id"}
    local, domain = properties["userPrincipalName"].rsplit("@", 1)
    if domain.lower() not in (known.lower() for known in tenant.domains):
        tenant.domains.append(domain)  # fixture domains count as verified
    properties.setdefault("mailNickname", local)
    properties.setdefault("displayName", local)
    try:
        create_user(state, tenant, properties, _optional_id(entry, where))
    except ErrorReply as err:
        raise FixtureError(f"{where}: {err.message}") from err


def _load_group(state: EmulatorState, tenant: Tenant, entry: Any, where: str) -> None:
    if not isinstance(entry, dict) or not isinstance(entry.get("displayName"), str):
        raise FixtureError(f"{where}: a group needs a displayName.")
    properties = {key: value for key, value in entry.items() if key not in ("id", "members")}
    properties.setdefault("mailEnabled", False)
    properties.setdefault("securityEnabled", True)
    properties.setdefault("mailNickname", "".join(ch for ch in entry["displayName"] if ch.isalnum()) or "group")
    try:
        group = create_group(state, tenant, properties, _optional_id(entry, where))
        for member in entry.get("members") or []:
            user = tenant.find_user(str(member))
            add_member(tenant, group["id"], user["id"] if user else str(member).lower())
    except ErrorReply as err:
        raise FixtureError(f"{where}: {err.message}") from err


def _optional_id(entry: dict, where: str) -> str | None:
    object_id = entry.get("id")
    if object_id is not None and not is_guid(object_id):
        raise FixtureError(f"{where}: id must be a GUID.")
    return object_id.lower() if object_id else None
