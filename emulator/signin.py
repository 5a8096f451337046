"""Entra ID's token endpoint for the client credentials grant, as azure-identity (MSAL) uses it:
`GET /{tenant}/v2.0/.well-known/openid-configuration` and `POST /{tenant}/oauth2/v2.0/token`, with a
client secret, a certificate-signed client assertion, or a federated token (workload identity):
docs/graph-notes.md#sign-in.

Errors are Entra's: `{"error", "error_description": "AADSTS...: ...", "error_codes": [...]}`
(https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes). The emulator stands
in for every external identity provider too: federated tokens are those its admin API signs
(`POST /_emulator/federated-token`), checked with its own key.
"""
from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from .registrations import TOKEN_EXCHANGE_AUDIENCE, AppRegistration
from .routing import route
from .tokens import CAE_CAPABILITY, TOKEN_LIFETIME_SECONDS, mint
from .wire import GraphRequest, Reply

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_DEFAULT_SUFFIX = "/.default"


class SignInRefused(Exception):
    def __init__(self, status: int, error: str, code: int, description: str):
        super().__init__(f"AADSTS{code}: {description}")
        self.status, self.error, self.code, self.description = status, error, code, description

    def reply(self) -> Reply:
        return Reply(self.status, {
            "error": self.error,
            "error_description": f"AADSTS{self.code}: {self.description} Trace ID: {uuid.uuid4()} "
                                 f"Correlation ID: {uuid.uuid4()} Timestamp: {time.strftime('%Y-%m-%d %H:%M:%SZ', time.gmtime())}",
            "error_codes": [self.code],
            "error_uri": f"https://login.microsoftonline.com/error?code={self.code}",
        })


def _authority(req: GraphRequest) -> str:
    return f"{req.base_url}/{req.params['tenant']}"


def _token_endpoint(base_url: str, tenant: str) -> str:
    return f"{base_url}/{tenant}/oauth2/v2.0/token"


def openid_configuration(req: GraphRequest) -> Reply:
    tenant = req.state.tenant(req.params["tenant"])
    if tenant is None:
        return _unknown_tenant(req.params["tenant"]).reply()
    authority = _authority(req)
    return Reply(200, {
        "token_endpoint": f"{authority}/oauth2/v2.0/token",
        "authorization_endpoint": f"{authority}/oauth2/v2.0/authorize",
        "issuer": f"{req.base_url}/{tenant.id}/v2.0",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "tenant_region_scope": "EU",
    })


def token(req: GraphRequest) -> Reply:
    try:
        return Reply(200, _issue(req))
    except SignInRefused as refused:
        return refused.reply()


def _issue(req: GraphRequest) -> dict:
    form: dict[str, str] = req.body or {}
    tenant = req.state.tenant(req.params["tenant"])
    if tenant is None:
        raise _unknown_tenant(req.params["tenant"])
    if form.get("grant_type") != "client_credentials":
        raise SignInRefused(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
    client_id = _required(form, "client_id").lower()
    app = tenant.app_registrations.get(client_id)
    if app is None:
        raise SignInRefused(400, "unauthorized_client", 700016, (
            f"Application with identifier '{client_id}' was not found in the directory '{tenant.display_name}'. "
            "This can happen if the application has not been installed by the administrator of the tenant or "
            "consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."))
    resource = _resource(_required(form, "scope"))
    _check_credential(req, app, form)
    return {
        **mint(tenant.id, app.permissions, epoch=req.state.token_epoch(tenant.id), audience=resource,
               app_id=app.client_id, capabilities=_capabilities(form.get("claims"))),
        "ext_expires_in": TOKEN_LIFETIME_SECONDS,
    }


def _unknown_tenant(tenant: str) -> SignInRefused:
    return SignInRefused(400, "invalid_tenant", 90002, (
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into "
        "the correct cloud."))


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise SignInRefused(400, "invalid_request", 900144, f"The request body must contain the following parameter: '{name}'.")
    return value


def _resource(scope: str) -> str:
    scopes = scope.split()
    if len(scopes) != 1 or not scopes[0].endswith(_DEFAULT_SUFFIX):
        raise SignInRefused(400, "invalid_scope", 1002012, (
            f"The provided value for scope {scope} is not valid. Client credential flows must have a scope value "
            "with /.default suffixed to the resource identifier (application ID URI)."))
    return scopes[0][: -len(_DEFAULT_SUFFIX)]


def _capabilities(claims: str | None) -> tuple[str, ...]:
    """The client capabilities MSAL declares in the `claims` parameter (`xms_cc`), e.g. cp1."""
    try:
        values = json.loads(claims or "{}").get("access_token", {}).get("xms_cc", {}).get("values", [])
    except (ValueError, AttributeError):
        return ()
    return (CAE_CAPABILITY,) if any(str(v).lower() == CAE_CAPABILITY for v in values) else ()


def _check_credential(req: GraphRequest, app: AppRegistration, form: dict[str, str]) -> None:
    if form.get("client_secret"):
        if not app.accepts_secret(form["client_secret"]):
            raise SignInRefused(401, "invalid_client", 7000215, (
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
                f"value, not the client secret ID, for a secret added to app '{app.client_id}'."))
        return
    assertion = form.get("client_assertion")
    if not assertion or form.get("client_assertion_type") != JWT_BEARER:
        raise SignInRefused(401, "invalid_client", 7000218, (
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."))
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise SignInRefused(401, "invalid_client", 50027, "JWT token is invalid or malformed.") from None
    if "x5t" in header or "x5t#S256" in header:
        _check_certificate_assertion(req, app, assertion, header)
    else:
        _check_federated_assertion(req, app, assertion)


def _thumbprint(header: dict, key: str) -> bytes | None:
    value = header.get(key)
    if not isinstance(value, str):
        return None
    try:
        return jwt.utils.base64url_decode(value)
    except ValueError:
        return None


def _check_certificate_assertion(req: GraphRequest, app: AppRegistration, assertion: str, header: dict) -> None:
    certificate = app.certificate(_thumbprint(header, "x5t"), _thumbprint(header, "x5t#S256"))
    if certificate is None:
        raise SignInRefused(401, "invalid_client", 700027, (
            f"The certificate with identifier used to sign the client assertion is not registered on application "
            f"'{app.client_id}'."))
    try:
        key: Any = certificate.public_key()  # an RSA key: registrations accept only RSA certificates
        claims = jwt.decode(assertion, key, algorithms=["RS256", "PS256"],
                            audience=_token_endpoint(req.base_url, req.params["tenant"]), issuer=app.client_id,
                            options={"require": ["exp", "aud", "iss", "sub"]})
    except jwt.ExpiredSignatureError:
        raise SignInRefused(401, "invalid_client", 700024, "Client assertion is not within its valid time range.") from None
    except jwt.InvalidAudienceError:
        raise SignInRefused(401, "invalid_client", 700212, "No matching federated identity record found for presented "
                            "assertion audience: the client assertion's audience must be the token endpoint.") from None
    except jwt.PyJWTError:
        raise SignInRefused(401, "invalid_client", 700027, "Client assertion contains an invalid signature.") from None
    if claims.get("sub") != app.client_id:
        raise SignInRefused(401, "invalid_client", 700023, "Client assertion subject must be the client id.")


def _check_federated_assertion(req: GraphRequest, app: AppRegistration, assertion: str) -> None:
    try:
        claims = jwt.decode(assertion, req.state.federation_key.public_key(), algorithms=["RS256"],
                            options={"verify_aud": False, "require": ["exp", "iss", "sub", "aud"]})
    except jwt.ExpiredSignatureError:
        raise SignInRefused(400, "invalid_request", 700024, "Client assertion is not within its valid time range.") from None
    except jwt.PyJWTError:
        raise SignInRefused(401, "invalid_client", 50013, "Assertion failed signature validation.") from None
    if not any(credential.matches(claims["iss"], claims["sub"], claims["aud"]) for credential in app.federated):
        raise SignInRefused(400, "invalid_request", 70021, (
            f"No matching federated identity record found for presented assertion. Assertion Issuer: '{claims['iss']}'. "
            f"Assertion Subject: '{claims['sub']}'. Assertion Audience: '{claims['aud']}'."))


def federated_token(key: rsa.RSAPrivateKey, issuer: str, subject: str, audience: str = TOKEN_EXCHANGE_AUDIENCE,
                    lifetime_seconds: int = 600) -> str:
    """A token of an external identity provider (e.g. GitHub Actions' OIDC token), signed with the
    emulator's federation key."""
    now = int(time.time())
    return jwt.encode({"iss": issuer, "sub": subject, "aud": audience, "iat": now, "nbf": now,
                       "exp": now + lifetime_seconds, "jti": uuid.uuid4().hex}, key, algorithm="RS256")


def logged(form: Any) -> dict | None:
    """A sign-in as the request log keeps it: who, and with which kind of credential; never the credential."""
    if not isinstance(form, dict):
        return None
    kind = ("clientSecret" if form.get("client_secret") else "clientAssertion" if form.get("client_assertion") else None)
    return {"client_id": form.get("client_id"), "grant_type": form.get("grant_type"), "credential": kind}


ROUTES = [
    route("GET", "/{tenant}/v2.0/.well-known/openid-configuration", openid_configuration, None),
    route("POST", "/{tenant}/oauth2/v2.0/token", token, None, logged=logged),
]
