"""Real sign-in against the emulator's token endpoint: app registrations for a fixture, a client
certificate made on the spot, and the tenant config entries of each auth method."""
from __future__ import annotations

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

CLIENT_ID = "0c0c0c0c-1111-4222-8333-444444444444"
ISSUER = "https://token.actions.githubusercontent.com"
SUBJECT = "repo:contoso/ctsync:environment:prod"


def client_certificate(directory: Path) -> Path:
    """A PEM file holding a new RSA private key and its self-signed certificate, as
    CertificateCredential takes it; the private key is also what no log may ever show."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ctsync deployer")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256())
    )
    path = directory / "deployer.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        + certificate.public_bytes(serialization.Encoding.PEM)
    )
    return path


def private_key_text(path: Path) -> str:
    """The base64 body of the PEM's private key (what a leak would show)."""
    pem = path.read_text()
    body = pem.split("-----BEGIN PRIVATE KEY-----")[1].split("-----END PRIVATE KEY-----")[0]
    return "".join(body.split())


def registration(secret: str | None = None, certificate: Path | None = None, federated: bool = False,
                 permissions: list[str] | None = None) -> dict:
    """An ``appRegistrations`` entry of an emulator fixture tenant, for CLIENT_ID."""
    entry: dict = {"clientId": CLIENT_ID, "displayName": "ctsync deployer"}
    if secret:
        entry["secrets"] = [secret]
    if certificate:
        entry["certificates"] = [str(certificate)]
    if federated:
        entry["federatedCredentials"] = [{"issuer": ISSUER, "subject": SUBJECT}]
    if permissions is not None:
        entry["permissions"] = permissions
    return entry


def with_registrations(fixture: dict, entry: dict) -> dict:
    """The fixture with ``entry`` registered in every tenant (one multi-tenant deployer app)."""
    return {**fixture, "tenants": [{**tenant, "appRegistrations": [entry]} for tenant in fixture["tenants"]]}
