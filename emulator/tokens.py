"""Unsigned access tokens (JWT with `alg: none`): `tid` routes the request, `roles` grants permissions."""
from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass

from .permissions import ALL_PERMISSIONS
from .wire import ErrorReply

TOKEN_LIFETIME_SECONDS = 3600
GRAPH_AUDIENCE = "https://graph.microsoft.com"

# Graph sends this challenge with every 401; kiota only acts on it when it carries `claims`.
WWW_AUTHENTICATE = (
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
    'client_id="00000003-0000-0000-c000-000000000000"'
)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mint(tenant_id: str, roles: list[str] | None = None) -> dict:
    """The admin API's token response. Expiry is wall-clock time: advancing the emulator clock
    (to play out hours-long MTO transitions) must not invalidate the tokens clients hold."""
    issued = int(time.time())
    claims = {
        "aud": GRAPH_AUDIENCE,
        "iss": f"https://sts.windows.net/{tenant_id}/",
        "iat": issued,
        "nbf": issued,
        "exp": issued + TOKEN_LIFETIME_SECONDS,
        "tid": tenant_id,
        "roles": list(ALL_PERMISSIONS if roles is None else roles),
        "idtyp": "app",
    }
    header = {"alg": "none", "typ": "JWT"}
    token = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}."
    return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_SECONDS}


@dataclass(frozen=True)
class Caller:
    tenant_id: str
    roles: frozenset[str]


def _unauthenticated(message: str) -> ErrorReply:
    return ErrorReply(401, "InvalidAuthenticationToken", message, {"WWW-Authenticate": WWW_AUTHENTICATE})


def authenticate(authorization: str | None) -> Caller:
    if not authorization or not authorization.strip():
        raise _unauthenticated("Access token is empty.")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthenticated("Access token is empty.")
    claims = _decode(token.strip())
    tenant_id = claims.get("tid")
    roles = claims.get("roles", [])
    if not isinstance(tenant_id, str) or not isinstance(roles, list):
        raise _unauthenticated("Access token validation failure: the token carries no tenant.")
    expiry = claims.get("exp")
    if not isinstance(expiry, (int, float)) or expiry < time.time():
        raise _unauthenticated("Lifetime validation failed, the token is expired.")
    return Caller(tenant_id.lower(), frozenset(str(role) for role in roles))


def _decode(token: str) -> dict:
    parts = token.split(".")
    if len(parts) != 3:
        raise _unauthenticated("IDX14100: JWT is not well formed, there are no dots (.).")
    try:
        claims = json.loads(_b64url_decode(parts[1]))
    except ValueError as exc:
        raise _unauthenticated("IDX14102: Unable to decode the payload as Base64Url encoded string.") from exc
    if not isinstance(claims, dict):
        raise _unauthenticated("IDX14102: Unable to decode the payload as Base64Url encoded string.")
    return claims


def unknown_tenant(tenant_id: str) -> ErrorReply:
    return _unauthenticated(f"Access token validation failure: tenant '{tenant_id}' is not hosted by this service.")
