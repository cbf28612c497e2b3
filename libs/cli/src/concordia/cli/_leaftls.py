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


# Client certificates: every node's leaf connection presents one, issued by the hub's leaf CA
# from the node's own key (its certificate signing request travels in hub-join.json).

#: A node's leaf client key (0600, never leaves the node) and the certificate the hub issued.
CLIENT_KEY, CLIENT_CERT = "leaf-client-key.pem", "leaf-client.pem"


def client_name(code: str) -> str:
    """The subject common name of node ``code``'s client certificate: its leaf user."""
    return f"leaf-{code}"


def ensure_client_key(root: Path) -> Path:
    """The node's leaf client key in ``root`` (made once, 0600, kept by ``--force``)."""
    path = root / CLIENT_KEY
    if not path.exists():
        _write(path, _key_pem(ec.generate_private_key(ec.SECP256R1())), 0o600)
    return path


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path} is not an EC private key")
    return key


def client_csr(root: Path, code: str) -> str:
    """A certificate signing request (PEM) for the node's client key, named ``leaf-<code>``."""
    key = _load_key(ensure_client_key(root))
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, client_name(code))])
    csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def issued_cert(root: Path, code: str) -> Path:
    """Where the hub keeps the client certificate it issued to ``code`` (to give the node)."""
    return root / "issued" / f"{code}-{CLIENT_CERT}"


def _public(key: object) -> bytes:
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _current(cert_path: Path, ca_path: Path, public_der: bytes, now: dt.datetime) -> bool:
    """Whether ``cert_path`` is a client certificate of ``ca_path`` for that key, not expiring."""
    if not cert_path.exists():
        return False
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    ca = x509.load_pem_x509_certificate(ca_path.read_bytes())
    return (
        cert.issuer == ca.subject
        and _public(cert.public_key()) == public_der
        and cert.not_valid_after_utc - now >= dt.timedelta(RENEW_DAYS)
    )


def issue_client_cert(root: Path, code: str, csr_pem: str) -> Path:
    """Issue (or keep) node ``code``'s client certificate from the hub's CA in ``root``.

    The request must be signed by its key and name ``leaf-<code>`` (``ValueError`` otherwise).
    A current certificate for the same key is kept; returns ``issued_cert(root, code)``.
    """
    tls, now = LeafTls.at(root), dt.datetime.now(dt.UTC)
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    if not csr.is_signature_valid:
        raise ValueError("the leaf certificate request is not signed by its key")
    names = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if [n.value for n in names] != [client_name(code)]:
        raise ValueError(f"the leaf certificate request must name {client_name(code)}")
    path = issued_cert(root, code)
    if _current(path, tls.ca_cert, _public(csr.public_key()), now):
        return path
    ca_key = _load_key(tls.ca_key)
    ca = x509.load_pem_x509_certificate(tls.ca_cert.read_bytes())
    cert = (
        x509.CertificateBuilder()
        .subject_name(csr.subject)
        .issuer_name(ca.subject)
        .public_key(csr.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write(path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return path


def install_client_cert(root: Path, cert_file: Path) -> Path:
    """Install the hub's certificate for this node's client key (``root/leaf-client.pem``).

    Refused (``ValueError``) unless it is issued by the hub CA the node was given
    (``hub-ca.pem``) for the node's own key.
    """
    key, ca = root / CLIENT_KEY, root / "hub-ca.pem"
    if not (key.exists() and ca.exists()):
        raise ValueError(f"{root} has no leaf client key or hub CA: run `concordia node init "
                         "--hub-ca`")  # fmt: skip
    public = _public(_load_key(key).public_key())
    now = dt.datetime.now(dt.UTC)
    if not _current(cert_file, ca, public, now):
        raise ValueError(
            f"{cert_file} is not a current certificate of the hub's CA for this node's key"
        )
    target = root / CLIENT_CERT
    if not target.exists() or target.read_bytes() != cert_file.read_bytes():
        _write(target, cert_file.read_bytes(), 0o644)
    return target
