"""ctsync:tenants: the tenants a stack manages, where their Graph API is and how to sign in to each."""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .clouds import CLOUDS, DEFAULT_CLOUD, Cloud
from .model import (
    AUTH_METHODS,
    DEFAULT_AUTH_METHOD,
    DEFAULT_DIAGNOSTIC_CATEGORIES,
    DIAGNOSTIC_CATEGORIES,
    Auth,
    Diagnostics,
    Secret,
    Tenant,
)
from .reader import Node, show
from .values import is_alias

TENANT_KEYS = ("tenantId", "displayName", "auth", "cloud", "graphEndpoint", "allowCustomGraphEndpoint", "authorityHost",
               "diagnostics")
AUTH_KEYS = ("method", "clientId", "clientSecret", "certificatePath", "tokenFile")
DIAGNOSTICS_KEYS = ("workspaceId", "categories")

_WORKSPACE_ID = re.compile(
    r"/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/Microsoft\.OperationalInsights/workspaces/[^/]+",
    re.IGNORECASE,
)
_EMULATOR_URL = "http://127.0.0.1:18080"

# The credential keys each auth method needs; _TAKES lists the ones a method may take but does not need
# (a client id picks a user-assigned managed identity). Any other credential key is refused.
_NEEDS = {
    "clientSecret": ("clientId", "clientSecret"),
    "certificate": ("clientId", "certificatePath"),
    "oidc": ("clientId",),
}
_TAKES = {"default": ("clientId",), "managedIdentity": ("clientId",), "oidc": ("tokenFile",)}
# Methods that sign in at an authority host (azure-identity's `authority`); the others do not take one.
_SIGN_IN_AT_AUTHORITY = ("default", "clientSecret", "certificate", "oidc")


# Whether Pulumi holds the value at a config path as a secret, the only safe home of a credential.
SecretAt = Callable[[str], bool]


def read_tenants(node: Node, secret: SecretAt) -> dict[str, Tenant | None] | None:
    """Alias -> tenant (None where its entry is not an object); None when the section itself is unreadable,
    so that the rest of the configuration is read without calling every alias undeclared."""
    if not node.present:
        node.report("is required", "declare each tenant as <alias>: {tenantId: <GUID>}")
        return {}
    if not node.object(node.keys(), "an object of alias -> tenant"):
        return None
    if not node.keys():
        node.report("declares no tenant", "declare each tenant as <alias>: {tenantId: <GUID>}")
    owners: dict[str, str] = {}
    return {alias: _read_tenant(alias, node.at(alias), owners, secret) for alias in node.keys()}


def _read_tenant(alias: str, node: Node, owners: dict[str, str], secret: SecretAt) -> Tenant | None:
    if not is_alias(alias):
        node.report("is not a usable alias", "start with a letter, then letters, digits, - or _ (at most 63)")
    if not node.object(TENANT_KEYS, "an object with at least tenantId"):
        return None
    tenant_id = node.at("tenantId").guid("a tenant id", "use the Tenant ID from the tenant's Entra ID overview")
    _claim(node.at("tenantId"), tenant_id, alias, owners)
    auth = _read_auth(node.at("auth"), secret)
    if auth is not None and auth.method == "emulator" and not node.at("graphEndpoint").present:
        node.at("graphEndpoint").report("is required with auth method emulator", f"set it to the emulator's URL, e.g. {_EMULATOR_URL}")
    cloud = node.at("cloud").choice(tuple(CLOUDS), default=DEFAULT_CLOUD)
    custom = node.at("allowCustomGraphEndpoint").flag(False)
    display_name = node.at("displayName").text(default=alias)
    if tenant_id is None or auth is None or display_name is None:
        return None  # each was reported where it is
    return Tenant(
        alias=alias,
        tenant_id=tenant_id,
        display_name=display_name,
        auth=auth,
        graph_endpoint=_read_endpoint(node.at("graphEndpoint"), CLOUDS[cloud or DEFAULT_CLOUD], bool(custom)),
        diagnostics=_read_diagnostics(node.at("diagnostics")),
        cloud=CLOUDS[cloud or DEFAULT_CLOUD],
        authority_host=_read_authority_host(node.at("authorityHost"), auth),
    )


def _claim(node: Node, tenant_id: str | None, alias: str, owners: dict[str, str]) -> None:
    """One tenant, one alias: two aliases would make two partner entries fight over one Graph object."""
    if tenant_id is None:
        return
    if tenant_id in owners:
        node.report(f"tenant {tenant_id} is already declared as {owners[tenant_id]!r}", "declare each tenant once")
    else:
        owners[tenant_id] = alias


def _read_auth(node: Node, secret: SecretAt) -> Auth | None:
    if not node.present:
        return Auth()
    if not node.object(AUTH_KEYS):
        return None
    method = node.at("method").choice(AUTH_METHODS, default=DEFAULT_AUTH_METHOD)
    if method is None:
        return None  # which credential keys belong here depends on the method
    credentials: dict[str, Any] = {}
    for key, (attribute, read) in _CREDENTIALS.items():
        value = node.at(key)
        if key in _NEEDS.get(method, ()) and not value.present:
            value.report(f"is required with auth method {method}")
        elif key in _NEEDS.get(method, ()) + _TAKES.get(method, ()):
            credentials[attribute] = read(value, secret) if value.present else None
        elif value.present:
            value.report(f"is not used by auth method {method}", "remove it")
    return Auth(method=method, **credentials)


def _read_client_secret(node: Node, secret: SecretAt) -> Secret | None:
    node = node.conceal()
    value = node.text()
    if value is None:
        return None
    if not secret(node.path):
        # Checked at its own path: another tenant's secret beside it makes the key secret, not this value.
        node.report(
            "is in plain text; a client secret must itself be a Pulumi secret (secure:)",
            f"pulumi config set --secret --path '{node.path}' <value>",
        )
        return None
    return Secret(value)


_CREDENTIALS: dict[str, tuple[str, Callable[[Node, SecretAt], object]]] = {
    "clientId": (
        "client_id",
        lambda node, secret: node.guid("an application (client) id", "use the app registration's Application (client) ID"),
    ),
    "clientSecret": ("client_secret", _read_client_secret),
    "certificatePath": ("certificate_path", lambda node, secret: node.text()),
    "tokenFile": ("token_file", lambda node, secret: node.text()),
}


def _read_endpoint(node: Node, cloud: Cloud, custom: bool) -> str | None:
    if not node.present:
        return None
    url = node.text()
    if url is None:
        return None
    problem = _endpoint_problem(url) or (None if custom else _foreign_graph(url, cloud))
    if problem:
        node.report(f"{show(url)} {problem[0]}", problem[1])
        return None
    return url.rstrip("/")


def _foreign_graph(url: str, cloud: Cloud) -> tuple[str, str] | None:
    """The tenant's token is for its cloud's Graph and goes wherever graphEndpoint says: another host
    (a proxy, a typo) needs the stack to say so. Loopback is a local emulator or tunnel."""
    parts = urlsplit(url)
    if _is_loopback(parts.hostname or "") or url.rstrip("/").lower() == cloud.graph_endpoint:
        return None
    return (f"is not the Graph of cloud {cloud.name} ({cloud.graph_endpoint}), and the tenant's token would go there",
            "leave graphEndpoint out, set cloud to the tenant's cloud, or set allowCustomGraphEndpoint: true "
            "for a proxy you run in front of Graph")


_GRAPH_PATH_FIX = "leave out any path such as /v1.0: ctsync adds the API version"
_AUTHORITY_PATH_FIX = "leave out any path such as /<tenant id>: azure-identity adds the tenant"


def _endpoint_problem(url: str, path_fix: str = _GRAPH_PATH_FIX) -> tuple[str, str] | None:
    """What is wrong with an endpoint URL (Graph's, or a sign-in host), as (message, fix), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "is not an http(s) URL", "e.g. https://graph.microsoft.com"
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return "uses http on a host that is not loopback", "use https; http is only for localhost, 127.0.0.0/8 or ::1"
    try:
        _ = parts.port  # read only to validate: urlsplit raises on a port that is not a number in range
    except ValueError:
        return "has an invalid port", "e.g. http://127.0.0.1:18080"
    if parts.path.strip("/") or parts.query or parts.fragment or parts.username or parts.password:
        return "must be a scheme and host only", path_fix
    return None


def _read_authority_host(node: Node, auth: Auth | None) -> str | None:
    if not node.present:
        return None
    if auth is not None and auth.method not in _SIGN_IN_AT_AUTHORITY:
        node.report(f"is not used by auth method {auth.method}", "remove it")
        return None
    url = node.text()
    if url is None:
        return None
    problem = _endpoint_problem(url, _AUTHORITY_PATH_FIX)
    if problem is None and urlsplit(url).scheme != "https":
        problem = ("is not https", "azure-identity signs in over https only, e.g. https://login.microsoftonline.us")
    if problem:
        node.report(f"{show(url)} {problem[0]}", problem[1])
        return None
    return url.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _read_diagnostics(node: Node) -> Diagnostics | None:
    if not node.present or not node.object(DIAGNOSTICS_KEYS):
        return None
    workspace = node.at("workspaceId")
    workspace_id = workspace.text(fix="the Log Analytics workspace's resource id")
    if workspace_id is not None and not _WORKSPACE_ID.fullmatch(workspace_id):
        workspace.report(
            f"{show(workspace_id)} is not the ARM resource id of a Log Analytics workspace",
            "write /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>",
        )
    categories = node.at("categories")
    chosen = categories.distinct(lambda item: item.choice(DIAGNOSTIC_CATEGORIES), default=DEFAULT_DIAGNOSTIC_CATEGORIES)
    if chosen == ():
        categories.report("is empty", "leave it out to route AuditLogs and ProvisioningLogs")
    if workspace_id is None or chosen is None:
        return None  # reported where it is
    return Diagnostics(workspace_id=workspace_id, categories=chosen)
