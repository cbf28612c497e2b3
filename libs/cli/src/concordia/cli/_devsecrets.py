"""The development identity and leaf TLS files of docker-compose.yml (public placeholders).

``write(root)`` makes, under ``deploy/compose/``, what ``concordia node init --hub-ca``,
``concordia hub init``, ``concordia hub add-node`` and ``concordia node pin-directory`` make for
a real coalition, for the demo nodes of ``_deploy.COMPOSE_CODES``:

* ``hub/tls/``: the hub's leaf CA certificate ``leaf-ca.pem`` and the leaf listener's
  certificate ``leaf.pem`` and key ``leaf-key.pem`` (names ``hub-nats``, ``localhost``,
  ``127.0.0.1``); the CA's key is thrown away, so nothing can be issued from it later;
* ``<code>/leaf-tls/``: the node's copy of the CA ``hub-ca.pem``, its leaf client certificate
  ``leaf-client.pem`` (issued by that CA, ``leaf-<code>``) and key ``leaf-client-key.pem``;
* ``<code>/identity/``: the node's signing key ``identity.key`` and the directory it pinned,
  ``directory.json`` (every demo node, signed by all of them), and ``hub/directory/`` the hub's
  copy of it.

Every file is mode 0644: public, like the development passwords next to them, and read by the
containers' own users through read-only bind mounts (a service copies its key to a 0600 file
first, ``deploy/docker/entrypoint.sh``). ``concordia deploy dev-secrets`` runs it (again once
the certificates near their end; ``tests/deploy/test_deploy_identity.py`` says when).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from concordia.cli._leaftls import (
    CLIENT_CERT,
    CLIENT_KEY,
    LOCAL_NAMES,
    client_csr,
    ensure_leaf_tls,
    issue_client_cert,
)
from concordia.cli.identity import DIRECTORY_FILE, IDENTITY_KEY
from concordia.identity import Directory, DirectoryPin, Member, NodeKey

COMPOSE_DIR = "deploy/compose"
#: The name compose nodes reach the hub's leaf listener by (NATS_HUB_LEAF_URL of nats.env).
HUB_HOST = "hub-nats"
#: The demo countries' names, for the directory.
NAMES = {"se": "Sweden", "pl": "Poland", "de": "Germany"}


def _public(path: Path) -> None:
    path.chmod(0o644)


def write(root: Path, codes: Sequence[str]) -> list[Path]:
    """(Re)make every development identity and leaf TLS file under ``root/deploy/compose``."""
    base = root / COMPOSE_DIR
    written: list[Path] = []

    def put(source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        _public(target)
        written.append(target)

    with tempfile.TemporaryDirectory() as scratch:
        hub = Path(scratch) / "hub"
        tls = ensure_leaf_tls(hub, [HUB_HOST, *LOCAL_NAMES])
        put(tls.ca_cert, base / "hub" / "tls" / "leaf-ca.pem")
        put(tls.cert, base / "hub" / "tls" / "leaf.pem")
        put(tls.key, base / "hub" / "tls" / "leaf-key.pem")
        keys: dict[str, NodeKey] = {}
        for code in codes:
            node = Path(scratch) / code
            node.mkdir()
            issued = issue_client_cert(hub, code, client_csr(node, code))
            put(tls.ca_cert, base / code / "leaf-tls" / "hub-ca.pem")
            put(issued, base / code / "leaf-tls" / CLIENT_CERT)
            put(node / CLIENT_KEY, base / code / "leaf-tls" / CLIENT_KEY)
            keys[code] = NodeKey.generate()
            keys[code].save(node / IDENTITY_KEY)
            put(node / IDENTITY_KEY, base / code / "identity" / IDENTITY_KEY)
        members = tuple(
            Member(code=code, name=NAMES.get(code, code), public_key=key.public.text)
            for code, key in keys.items()
        )
        document = Directory(serial=1, members=members).document()
        for code, key in keys.items():
            document = document.signed(code, key)
        pin = DirectoryPin.first(document)
        for target in [base / code / "identity" / DIRECTORY_FILE for code in codes] + [
            base / "hub" / "directory" / DIRECTORY_FILE
        ]:
            pin.save(target)
            _public(target)
            written.append(target)
    return written
