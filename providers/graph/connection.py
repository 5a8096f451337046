"""How to reach one tenant: its Graph endpoint and the azure-identity credential for it.

Connections are built inside the provider's ``configure()`` from the stack's ``ctsync:tenants``
config (and by ``python -m ctsync`` from the stack file), so credentials are never written to state.
"""
from __future__ import annotations

import functools
import json
import re
import ssl
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError

from providers.graph.errors import SignInFailed
from stackconfig.clouds import CLOUDS, DEFAULT_CLOUD, MICROSOFT_AUTHORITY_HOSTS

if TYPE_CHECKING:
    from stackconfig import Tenant

GRAPH_SCOPE = CLOUDS[DEFAULT_CLOUD].graph_scope
DEFAULT_ENDPOINT = CLOUDS[DEFAULT_CLOUD].graph_endpoint


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The one TLS context of the process's httpx clients: httpx's default (certifi, or
    SSL_CERT_FILE), built once because loading the CA bundle costs about 20 ms of CPU per client."""
    return httpx.create_ssl_context()


@dataclass(frozen=True)
class TenantConnection:
    tenant_id: str
    endpoint: str = DEFAULT_ENDPOINT
    method: str = "default"
    client_id: str | None = None
    certificate_path: str | None = None
    token_file: str | None = None
    # None: the cloud's sign-in host, as azure-identity defaults to it.
    authority_host: str | None = None
    scope: str = GRAPH_SCOPE
    alias: str = ""
    # repr=False: a connection may end up in a log line or a traceback; its secret must not.
    client_secret: str | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return self.endpoint.rstrip("/") + "/v1.0"

    @property
    def named(self) -> str:
        """The tenant as messages name it: its alias in ctsync:tenants and its id."""
        return f"tenant {self.alias} ({self.tenant_id})" if self.alias else f"tenant {self.tenant_id}"


def connections_from_stack_config(values: Mapping[str, Any]) -> dict[str, TenantConnection]:
    """Tenant id -> connection, from the namespaced stack config the engine hands to ``configure()``.

    The program has already validated the whole config (and refused a clientSecret that is not a
    Pulumi secret) before any resource existed; here the host only sees unwrapped values, so the
    secret check is taken as done.
    """
    from stackconfig import load_stack_config

    config = load_stack_config(values, secret_paths=("ctsync:tenants",))
    return connections_for(config.tenants.values())


def connections_for(tenants: Iterable[Tenant]) -> dict[str, TenantConnection]:
    """Tenant id -> connection, for tenants of a validated stack config."""
    return {t.tenant_id: _connection(t) for t in tenants}


def _connection(tenant) -> TenantConnection:
    auth = tenant.auth
    secret = auth.client_secret.reveal() if auth.client_secret else None
    return TenantConnection(
        tenant_id=tenant.tenant_id,
        endpoint=tenant.graph_url,
        method=auth.method,
        client_id=auth.client_id,
        certificate_path=auth.certificate_path,
        token_file=auth.token_file,
        authority_host=tenant.authority_host or (None if tenant.cloud.name == DEFAULT_CLOUD else tenant.cloud.authority_host),
        scope=tenant.cloud.graph_scope,
        alias=tenant.alias,
        client_secret=secret,
    )


def _authority(conn: TenantConnection) -> dict[str, Any]:
    """azure-identity's sign-in host options: a host Microsoft does not run (a private authority, the
    bundled emulator) cannot be checked by instance discovery at login.microsoftonline.com."""
    if conn.authority_host is None:
        return {}
    return {"authority": conn.authority_host,
            "disable_instance_discovery": conn.authority_host not in MICROSOFT_AUTHORITY_HOSTS}


def credential_for(conn: TenantConnection):
    """The azure-identity credential of one auth method of the config contract."""
    from azure import identity

    if conn.method == "emulator":
        return EmulatorCredential(conn.endpoint, conn.tenant_id)
    if conn.method == "clientSecret":
        return identity.ClientSecretCredential(conn.tenant_id, _given(conn.client_id), _given(conn.client_secret),
                                               **_authority(conn))
    if conn.method == "certificate":
        return identity.CertificateCredential(
            conn.tenant_id, _given(conn.client_id), certificate_path=conn.certificate_path, **_authority(conn)
        )
    if conn.method == "oidc":
        # GitHub Actions / workload identity: a federated token file (else AZURE_FEDERATED_TOKEN_FILE).
        return identity.WorkloadIdentityCredential(
            tenant_id=conn.tenant_id, client_id=conn.client_id, token_file_path=conn.token_file, **_authority(conn)
        )
    if conn.method == "managedIdentity":
        return identity.ManagedIdentityCredential(client_id=conn.client_id)
    # azureCli and default sign in once and ask for a token per tenant.
    if conn.method == "azureCli":
        return TenantScoped(identity.AzureCliCredential(tenant_id=conn.tenant_id), conn.tenant_id)
    return TenantScoped(
        identity.DefaultAzureCredential(additionally_allowed_tenants=["*"], **_authority(conn)), conn.tenant_id
    )


def _given(value: str | None) -> str:
    """A credential setting the config contract requires for the method (it refused the stack without it);
    an empty one makes azure-identity say which is missing."""
    return value or ""


class TenantCredential:
    """The credential of one tenant, made on first use and made afresh (its token cache empty) by
    ``renew()`` when Graph refuses a token it gave (revoked, or expired early).

    Every way of not getting a token (a wrong secret, an unknown client, a missing certificate or
    token file) ends here as one SignInFailed naming the tenant and the auth method."""

    def __init__(self, connection: TenantConnection):
        self.connection = connection
        self._current: Any = None
        self._lock = threading.Lock()

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        try:
            with self._lock:
                if self._current is None:
                    self._current = credential_for(self.connection)
                current = self._current
            return current.get_token(*scopes, **kwargs)
        # (The emulator method's token comes from the Graph host itself: a connection error there
        # is Graph being unreachable, and is left to say so.)
        except (ClientAuthenticationError, ValueError, OSError) as error:
            raise SignInFailed(self.connection.named, self.connection.method, self.connection.alias, _reason(error)) from None

    def renew(self) -> None:
        with self._lock:
            self._current = None


def _reason(error: Exception) -> str:
    """What Entra ID (or the credential) said, without MSAL's trace and correlation ids."""
    text = str(error).strip()
    start = text.find("AADSTS")
    if start >= 0:
        text = text[start:]
    return re.split(r"\s+Trace ID:", text, maxsplit=1)[0].strip()


class TenantScoped:
    """Asks a multi-tenant credential for a token of one tenant."""

    def __init__(self, inner, tenant_id: str):
        self._inner = inner
        self._tenant_id = tenant_id

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        kwargs.pop("tenant_id", None)
        return self._inner.get_token(*scopes, tenant_id=self._tenant_id, **kwargs)


class EmulatorCredential:
    """Tokens from the bundled Graph emulator (``POST /_emulator/token``), cached until expiry."""

    def __init__(self, endpoint: str, tenant_id: str, roles: list[str] | None = None):
        self._url = endpoint.rstrip("/") + "/_emulator/token"
        self._tenant_id = tenant_id
        self._roles = roles
        self._token: AccessToken | None = None
        self._lock = threading.Lock()

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        with self._lock:
            # A claims challenge asks for a token issued from now on.
            if self._token is None or self._token.expires_on - 60 < time.time() or kwargs.get("claims"):
                self._token = self._fetch()
            return self._token

    def _fetch(self) -> AccessToken:
        body: dict[str, Any] = {"tenantId": self._tenant_id}
        if self._roles is not None:
            body["roles"] = self._roles
        response = httpx.post(self._url, content=json.dumps(body), timeout=10, verify=tls_context())
        response.raise_for_status()
        payload = response.json()
        return AccessToken(payload["access_token"], int(time.time()) + int(payload.get("expires_in", 3600)))

