"""Access tokens (JWT with `alg: none`): `tid` routes the request, `roles` grants permissions, `aud`
must be Graph's. Tokens of a tenant can be revoked (POST /_emulator/tokens/revoke): each carries the
tenant's token epoch, and a revocation moves the epoch on."""
from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from .permissions import ALL_PERMISSIONS
from .wire import ErrorReply

TOKEN_LIFETIME_SECONDS = 3600
GRAPH_AUDIENCE = "https://graph.microsoft.com"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
# Graph accepts its resource URI or its application id as the audience.
GRAPH_AUDIENCES = (GRAPH_AUDIENCE, GRAPH_APP_ID)
# The client capability of a client that handles claims challenges (continuous access evaluation).
CAE_CAPABILITY = "cp1"
_EPOCH = "xms_emulator_epoch"

# Graph sends this challenge with every 401; kiota only acts on it when it carries `claims`.
WWW_AUTHENTICATE = (
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
    f'client_id="{GRAPH_APP_ID}"'
)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mint(
    tenant_id: str, roles: list[str] | tuple[str, ...] | None = None, *, epoch: int = 0, audience: str = GRAPH_AUDIENCE,
    app_id: str | None = None, capabilities: tuple[str, ...] = (), user: str | None = None,
) -> dict:
    """A token response. Expiry is wall-clock time: advancing the emulator clock (to play out
    hours-long MTO transitions) must not invalidate the tokens clients hold."""
    issued = int(time.time())
    claims = {
        "aud": audience,
        "iss": f"https://sts.windows.net/{tenant_id}/",
        "iat": issued,
        "nbf": issued,
        "exp": issued + TOKEN_LIFETIME_SECONDS,
        "tid": tenant_id,
        "roles": list(ALL_PERMISSIONS if roles is None else roles),
        "idtyp": "app",
        "uti": uuid.uuid4().hex,
        _EPOCH: epoch,
    }
    if app_id:
        claims["appid"] = app_id
    if user:
        # A person signed in (the admin center on their behalf): what directory audits name as initiatedBy.user.
        claims.update(idtyp="user", upn=user, name=user)
    if capabilities:
        claims["xms_cc"] = list(capabilities)
    header = {"alg": "none", "typ": "JWT"}
    token = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}."
    return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_SECONDS}


@dataclass(frozen=True)
class Caller:
    tenant_id: str
    roles: frozenset[str]
    app_id: str | None = None
    user: str | None = None  # a person's principal name; None for an application


def _unauthenticated(message: str, challenge: str = "") -> ErrorReply:
    return ErrorReply(401, "InvalidAuthenticationToken", message, {"WWW-Authenticate": WWW_AUTHENTICATE + challenge})


def claims_challenge() -> str:
    """What Graph adds to WWW-Authenticate for a revoked token of a client that handles claims
    challenges: the claims the new token must satisfy (issued from now on)."""
    claims = {"access_token": {"nbf": {"essential": True, "value": str(int(time.time()))}}}
    return f', error="insufficient_claims", claims="{base64.b64encode(json.dumps(claims).encode()).decode()}"'


def authenticate(authorization: str | None, epoch_of: Callable[[str], int]) -> Caller:
    """The caller a bearer token names; ``epoch_of(tenant)`` is the tenant's current token epoch."""
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
    if claims.get("aud") not in GRAPH_AUDIENCES:
        raise _unauthenticated("Access token validation failure. Invalid audience.")
    expiry = claims.get("exp")
    if not isinstance(expiry, (int, float)) or expiry < time.time():
        raise _unauthenticated("Lifetime validation failed, the token is expired.")
    if claims.get(_EPOCH, 0) < epoch_of(tenant_id.lower()):
        capable = CAE_CAPABILITY in (claims.get("xms_cc") or [])
        raise _unauthenticated("The access token has been revoked.", claims_challenge() if capable else "")
    return Caller(tenant_id.lower(), frozenset(str(role) for role in roles),
                  str(claims["appid"]) if claims.get("appid") else None, str(claims["upn"]) if claims.get("upn") else None)


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
