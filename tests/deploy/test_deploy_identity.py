"""docker-compose.yml's development identity and leaf TLS files (``concordia deploy
dev-secrets``): a coalition that holds together, as `concordia node init --hub-ca`, `hub init`,
`hub add-node` and `node pin-directory` would make it, and that is not about to expire."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from typer.testing import CliRunner

from concordia.cli import _deploy, _devsecrets
from concordia.cli.main import app
from concordia.identity import DirectoryPin, NodeKey

ROOT = Path(__file__).resolve().parents[2]
CODES = _deploy.COMPOSE_CODES
#: Fail this long before a committed certificate expires: run `concordia deploy dev-secrets`.
MARGIN = dt.timedelta(days=180)


def _der(key: object) -> bytes:
    public = key.public_key() if hasattr(key, "public_key") else key  # type: ignore[attr-defined]
    return bytes(
        public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def check_coalition(root: Path, tmp: Path) -> None:
    """Every development file under ``root/deploy/compose`` agrees with the others."""
    base = root / _devsecrets.COMPOSE_DIR
    now = dt.datetime.now(dt.UTC)
    ca = x509.load_pem_x509_certificate((base / "hub" / "tls" / "leaf-ca.pem").read_bytes())
    listener = x509.load_pem_x509_certificate((base / "hub" / "tls" / "leaf.pem").read_bytes())
    listener.verify_directly_issued_by(ca)
    names = listener.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert _devsecrets.HUB_HOST in names.get_values_for_type(x509.DNSName)
    key = serialization.load_pem_private_key(
        (base / "hub" / "tls" / "leaf-key.pem").read_bytes(), None
    )
    assert _der(key) == _der(listener.public_key())
    for cert in (ca, listener):
        assert cert.not_valid_after_utc - now > MARGIN, "run `concordia deploy dev-secrets`"
    hub_pin = DirectoryPin.load(base / "hub" / "directory" / "directory.json")
    assert sorted(hub_pin.keys()) == sorted(CODES)
    for code in CODES:
        tls = base / code / "leaf-tls"
        assert (tls / "hub-ca.pem").read_bytes() == (
            base / "hub" / "tls" / "leaf-ca.pem"
        ).read_bytes()
        client = x509.load_pem_x509_certificate((tls / "leaf-client.pem").read_bytes())
        client.verify_directly_issued_by(ca)
        common = client.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        assert [n.value for n in common] == [f"leaf-{code}"]
        usage = client.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert ExtendedKeyUsageOID.CLIENT_AUTH in usage
        assert client.not_valid_after_utc - now > MARGIN, "run `concordia deploy dev-secrets`"
        client_key = serialization.load_pem_private_key(
            (tls / "leaf-client-key.pem").read_bytes(), None
        )
        assert _der(client_key) == _der(client.public_key()), code
        identity = base / code / "identity"
        copy = tmp / f"{code}.key"  # as the entrypoint copies it: 0600
        shutil.copyfile(identity / "identity.key", copy)
        copy.chmod(0o600)
        pin = DirectoryPin.load(identity / "directory.json")
        assert pin.document == hub_pin.document, f"{code} pinned another directory"
        assert pin.keys()[code] == NodeKey.load(copy).public, f"{code}: not its own key"
    # Signed by its own members, as a node's first pin must be.
    DirectoryPin.first(hub_pin.document)
    assert set(hub_pin.document.signers(hub_pin.keys())) == set(CODES)


def test_the_committed_development_files_hold_together(tmp_path: Path) -> None:
    check_coalition(ROOT, tmp_path)


def test_dev_secrets_makes_a_fresh_coalition_each_time(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "deploy").mkdir(parents=True)
    (root / "docker-compose.yml").write_text("services: {}\n")
    runner = CliRunner()
    result = runner.invoke(app, ["deploy", "dev-secrets", "--root", str(root)])
    assert result.exit_code == 0, result.output
    check_coalition(root, tmp_path)
    first = (root / _devsecrets.COMPOSE_DIR / "se" / "identity" / "identity.key").read_bytes()
    for path in (root / "deploy").rglob("*"):
        if path.is_file():  # public placeholders, read through read-only mounts by any uid
            assert path.stat().st_mode & 0o777 == 0o644, path
    result = runner.invoke(app, ["deploy", "dev-secrets", "--root", str(root)])
    assert result.exit_code == 0, result.output
    check_coalition(root, tmp_path)
    assert (
        root / _devsecrets.COMPOSE_DIR / "se" / "identity" / "identity.key"
    ).read_bytes() != first
