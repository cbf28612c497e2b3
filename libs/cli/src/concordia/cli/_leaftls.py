"""TLS of the hub's leaf listener: a private CA (made once, kept) and the listener's certificate.

``ensure_leaf_tls(root, names)`` keeps ``root/tls/ca-key.pem`` (0600), ``root/tls/leaf.pem`` and
``root/tls/leaf-key.pem`` (0600), and ``root/leaf-ca.pem``: the CA certificate nodes are given
(``concordia node init --hub-ca``) to verify the hub. The CA is never replaced; the listener's
certificate is issued again when a name is missing from it or it expires within 30 days.
EC P-256 keys throughout.

Example::

    tls = ensure_leaf_tls(Path("var/hub"), ["hub.example.org"])
    tls.ca_cert   # var/hub/leaf-ca.pem, for the nodes
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

#: The names every listener certificate carries, so a node on this machine can always connect.
LOCAL_NAMES = ("localhost", "127.0.0.1")
CA_DAYS, LEAF_DAYS, RENEW_DAYS = 3650, 825, 30


@dataclass(frozen=True)
class LeafTls:
    """Paths of the hub's leaf TLS files.

    Example::

        LeafTls.at(Path("var/hub")).cert   # var/hub/tls/leaf.pem
    """

    ca_cert: Path
    ca_key: Path
    cert: Path
    key: Path

    @classmethod
    def at(cls, root: Path) -> LeafTls:
        """The files under a hub directory (present or not)."""
        tls = root / "tls"
        return cls(root / "leaf-ca.pem", tls / "ca-key.pem", tls / "leaf.pem", tls / "leaf-key.pem")

    def present(self) -> bool:
        """Whether the CA and the listener's certificate and key all exist."""
        return all(p.exists() for p in (self.ca_cert, self.ca_key, self.cert, self.key))


def fingerprint(pem: Path) -> str:
    """SHA-256 of a PEM file's bytes (how a node remembers which hub CA it was given)."""
    return hashlib.sha256(pem.read_bytes()).hexdigest()


def _write(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(b"")
    tmp.chmod(mode)
    tmp.write_bytes(data)
    tmp.replace(path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _san(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def wanted_names(host: str, extra: Iterable[str] = ()) -> list[str]:
    """The listener's names: localhost, 127.0.0.1, the bind host (unless a wildcard), ``extra``."""
    names = [*LOCAL_NAMES, *([host] if host not in ("", "0.0.0.0", "::") else []), *extra]  # noqa: S104
    return list(dict.fromkeys(n.strip().lower() for n in names if n.strip()))


def _make_ca(tls: LeafTls, now: dt.datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Concordia hub leaf CA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(tls.ca_key, _key_pem(key), 0o600)
    _write(tls.ca_cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _needs_leaf(tls: LeafTls, names: list[str], now: dt.datetime) -> bool:
    if not (tls.cert.exists() and tls.key.exists()):
        return True
    cert = x509.load_pem_x509_certificate(tls.cert.read_bytes())
    ca = x509.load_pem_x509_certificate(tls.ca_cert.read_bytes())
    if cert.issuer != ca.subject or cert.not_valid_after_utc - now < dt.timedelta(RENEW_DAYS):
        return True
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return not {_san(n) for n in names} <= set(san)


def _make_leaf(tls: LeafTls, names: list[str], now: dt.datetime) -> None:
    ca_key = serialization.load_pem_private_key(tls.ca_key.read_bytes(), None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    ca = x509.load_pem_x509_certificate(tls.ca_cert.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([_san(n) for n in names]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write(tls.key, _key_pem(key), 0o600)
    _write(tls.cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def ensure_leaf_tls(root: Path, names: Iterable[str]) -> LeafTls:
    """The hub's leaf TLS files under ``root``: the CA made once, the certificate kept current."""
    tls, now = LeafTls.at(root), dt.datetime.now(dt.UTC)
    wanted = list(dict.fromkeys(names)) or list(LOCAL_NAMES)
    if not (tls.ca_cert.exists() and tls.ca_key.exists()):
        _make_ca(tls, now)
        tls.cert.unlink(missing_ok=True)
    if _needs_leaf(tls, wanted, now):
        _make_leaf(tls, wanted, now)
    return tls
