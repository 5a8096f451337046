"""App registrations a tenant's token endpoint knows: who may sign in with client credentials, with
which credentials (client secrets, certificates, federated credentials) and which granted
application permissions their tokens carry. Declared in the fixture (emulator/fixture_loader.py)."""
from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from .permissions import ALL_PERMISSIONS

# Microsoft's default audience of a federated identity credential.
TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"
_CERTIFICATE_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


@dataclass(frozen=True)
class FederatedCredential:
    issuer: str
    subject: str
    audiences: tuple[str, ...] = (TOKEN_EXCHANGE_AUDIENCE,)

    def matches(self, issuer: Any, subject: Any, audience: Any) -> bool:
        audiences = audience if isinstance(audience, list) else [audience]
        return issuer == self.issuer and subject == self.subject and any(a in self.audiences for a in audiences)


@dataclass(frozen=True)
class AppRegistration:
    client_id: str
    display_name: str
    permissions: tuple[str, ...]
    secrets: tuple[str, ...] = ()
    certificates: tuple[x509.Certificate, ...] = ()
    federated: tuple[FederatedCredential, ...] = ()

    def accepts_secret(self, offered: str) -> bool:
        return any(hmac.compare_digest(offered.encode(), secret.encode()) for secret in self.secrets)

    def certificate(self, sha1: bytes | None, sha256: bytes | None) -> x509.Certificate | None:
        """The registered certificate with this thumbprint (the client assertion's x5t or x5t#S256)."""
        for certificate in self.certificates:
            if sha256 is not None and certificate.fingerprint(hashes.SHA256()) == sha256:
                return certificate
            if sha1 is not None and certificate.fingerprint(hashes.SHA1()) == sha1:  # noqa: S303 - x5t is SHA-1 by definition
                return certificate
        return None


def read_registration(entry: Any, where: str, fail: type[Exception]) -> AppRegistration:
    """An ``appRegistrations`` entry of a fixture tenant; ``fail(message)`` for what is wrong."""
    if not isinstance(entry, dict) or not isinstance(entry.get("clientId"), str):
        raise fail(f"{where}: an app registration needs a clientId.")
    permissions = entry.get("permissions", list(ALL_PERMISSIONS))
    if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
        raise fail(f"{where}.permissions: must be a list of application permission names.")
    return AppRegistration(
        client_id=entry["clientId"].lower(),
        display_name=str(entry.get("displayName") or entry["clientId"]),
        permissions=tuple(permissions),
        secrets=tuple(_strings(entry.get("secrets"), f"{where}.secrets", fail)),
        certificates=tuple(_certificate(text, f"{where}.certificates[{index}]", fail)
                           for index, text in enumerate(_strings(entry.get("certificates"), f"{where}.certificates", fail))),
        federated=tuple(_federated(item, f"{where}.federatedCredentials[{index}]", fail)
                        for index, item in enumerate(entry.get("federatedCredentials") or [])),
    )


def _strings(value: Any, where: str, fail: type[Exception]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise fail(f"{where}: must be a list of non-empty strings.")
    return value


def _certificate(text: str, where: str, fail: type[Exception]) -> x509.Certificate:
    """A certificate's PEM, or the path of a PEM file (which may also hold the private key: only
    the certificate is read)."""
    data = text.encode() if text.lstrip().startswith("-----BEGIN") else _read(Path(text), where, fail)
    block = _CERTIFICATE_BLOCK.search(data)
    if block is None:
        raise fail(f"{where}: no PEM certificate found.")
    return x509.load_pem_x509_certificate(block.group(0))


def _read(path: Path, where: str, fail: type[Exception]) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise fail(f"{where}: cannot read {path}: {exc.strerror}.") from exc


def _federated(item: Any, where: str, fail: type[Exception]) -> FederatedCredential:
    if not isinstance(item, dict) or not isinstance(item.get("issuer"), str) or not isinstance(item.get("subject"), str):
        raise fail(f"{where}: a federated credential needs an issuer and a subject.")
    audiences = _strings(item.get("audiences"), f"{where}.audiences", fail) or [TOKEN_EXCHANGE_AUDIENCE]
    return FederatedCredential(item["issuer"], item["subject"], tuple(audiences))
