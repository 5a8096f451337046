"""TLS for the emulator's sign-in endpoint: a certificate authority made at start, whose certificate
is written to a file clients trust, and a server certificate it signs for the loopback addresses.

azure-identity only accepts https authorities, so the token endpoint cannot be plain http the way
the Graph side on loopback can. Nothing here is persisted but the CA certificate (public); the keys
live in memory and in a private temporary directory removed once the server context has loaded them.
"""
from __future__ import annotations

import datetime
import ipaddress
import ssl
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

_VALIDITY = datetime.timedelta(days=2)
_LOOPBACK_NAMES = (x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                   x509.IPAddress(ipaddress.ip_address("::1")))


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, issuer: str, public_key, signing_key, is_ca: bool) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + _VALIDITY)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=0 if is_ca else None), critical=True)
    )
    if is_ca:
        builder = builder.add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(_LOOPBACK_NAMES)), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def server_context(ca_file: Path) -> ssl.SSLContext:
    """A server-side TLS context for loopback, signed by a new CA whose certificate goes to ``ca_file``."""
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("ctsync Graph emulator CA", "ctsync Graph emulator CA", ca_key.public_key(), ca_key, True)
    server = _certificate("127.0.0.1", "ctsync Graph emulator CA", server_key.public_key(), ca_key, False)
    ca_file.parent.mkdir(parents=True, exist_ok=True)
    ca_file.write_bytes(_pem(ca))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory(prefix="emulator-tls-") as private:
        chain, key = Path(private) / "chain.pem", Path(private) / "key.pem"
        chain.write_bytes(_pem(server) + _pem(ca))
        key.write_bytes(server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
        context.load_cert_chain(chain, key)
    return context
