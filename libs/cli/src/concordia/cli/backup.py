"""``concordia node backup`` and ``concordia node restore``: a node's databases, and back.

A backup is a directory: one file per service database (SQLite through its online backup API,
a consistent copy while the service runs; PostgreSQL through ``pg_dump --format=custom``), the
hashed tokens file, and ``manifest.json`` (node, time, each file's SHA-256, each service's outbox
position and newest release versions). The node key is never written into it: it is kept apart
(docs/operations.md, "Node-key custody"), and ``restore`` proves that the key it is given
decrypts every personal field of the restored registry before it says "restored".

**A backup older than what the hub holds.** The node's releases kept on publishing after the
backup was taken; the hub holds them. A node restored as it was would number its next releases
after its own old ones — versions the hub already holds with other cells, refused as
conflicting — and its outbox might still hold a release the hub saw superseded long ago. So
``restore --hub-url`` asks the hub for the newest version of every table it holds from this
node, records each newer one as the node's last release (the next one continues after it, and
is judged against its cells), and marks unsent releases the hub already superseded as sent
without sending them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import orjson
import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import make_url

from concordia.cli._layout import NodeLayout, check_node
from concordia.cli.migrate import safe_url, upgrade_service
from concordia.core.db import Database, is_sqlite
from concordia.events.aggregates import AggregateSnapshotPublished
from concordia.events.runtime.snapshot_store import digest_of
from concordia.kit import NODE_SERVICES, ServiceSpec
from concordia.kit.tables import outbox, snapshots

MANIFEST = "manifest.json"
#: The most snapshots the hub lists in one answer.
HUB_PAGE = 10_000
FORMAT = 1


class BackupError(RuntimeError):
    """A backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """One service database of the node."""

    spec: ServiceSpec
    url: str


def _targets(
    database_url: list[str] | None, var: Path | None, node: str | None, services: list[str] | None
) -> list[Target]:
    """The databases named by ``--database-url service=URL``, else the ``--var`` layout's SQLite
    files, else each service's settings from the environment."""
    by_name = {spec.name: spec for spec in NODE_SERVICES}
    chosen = services or list(by_name)
    unknown = [name for name in chosen if name not in by_name]
    if unknown:
        raise typer.BadParameter(f"unknown service {', '.join(unknown)}", param_hint="--service")
    if database_url:
        targets = []
        for item in database_url:
            name, sep, url = item.partition("=")
            if not sep or name not in by_name or not url:
                raise typer.BadParameter(
                    f"{item!r}: give service=URL with a node service "
                    f"({', '.join(by_name)})", param_hint="--database-url",
                )  # fmt: skip
            targets.append(Target(by_name[name], url))
        return targets
    if var is not None:
        if node is None:
            raise typer.BadParameter("--var needs --node", param_hint="--node")
        layout = NodeLayout(var=var.resolve(), node=node, host="127.0.0.1", base_port=8600)
        return [Target(by_name[name], layout.database_url(by_name[name])) for name in chosen]
    return [Target(by_name[n], str(by_name[n].settings_class()().database_url)) for n in chosen]


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database:
        raise BackupError(f"{safe_url(url)} names no SQLite file")
    return Path(database)


def _libpq(url: str) -> str:
    """A PostgreSQL URL as pg_dump and pg_restore read it (no SQLAlchemy driver suffix)."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed (PostgreSQL client tools, e.g. postgresql-client)"
        )
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database page by page through its backup API (consistent while in use)."""
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _parse_release(subject: str) -> tuple[str, str, int] | None:
    """(aggregate, period, version) of a snapshot subject
    ``shared.<node>.<service>.aggregate.<aggregate>.<period>.v<n>``, else None."""
    parts = subject.split(".")
    if len(parts) != 7 or parts[0] != "shared" or parts[3] != "aggregate":
        return None
    if not parts[6].startswith("v") or not parts[6][1:].isdigit():
        return None
    return parts[4], parts[5], int(parts[6][1:])


async def position(url: str) -> dict[str, Any]:
    """A service database's outbox position and newest release version of every table."""
    db = Database(url)
    try:
        async with db.unit_of_work(write=False) as session:
            t, s = outbox.table, snapshots.table
            last = await session.scalar(select(func.max(t.c.seq)))
            sent = await session.scalar(
                select(func.max(t.c.seq)).where(t.c.published_at.is_not(None))
            )
            unsent = await session.scalar(
                select(func.count()).select_from(t).where(t.c.published_at.is_(None))
            )
            rows = await session.execute(
                select(s.c.name, s.c.period, func.max(s.c.version)).group_by(s.c.name, s.c.period)
            )
            releases = {f"{name}|{period}": version for name, period, version in rows}
    finally:
        await db.dispose()
    return {
        "outbox": {"last_seq": last or 0, "last_published_seq": sent or 0, "unsent": unsent or 0},
        "releases": releases,
    }


def backup_node(
    targets: list[Target], out: Path, *, node: str, tokens_file: Path | None
) -> dict[str, Any]:
    """Write a backup of ``targets`` into the new directory ``out``; returns its manifest."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: back up into a new directory")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    created = datetime.now(UTC).isoformat()
    manifest: dict[str, Any] = {"format": FORMAT, "node": node, "created_at": created}
    manifest["services"] = {}
    for target in targets:
        name = target.spec.name
        if is_sqlite(target.url):
            kind, file = "sqlite", out / f"{name}.sqlite"
            _copy_sqlite(_sqlite_path(target.url), file)
            state = asyncio.run(position(f"sqlite:///{file}"))  # exactly what the copy holds
        else:
            kind, file = "postgresql", out / f"{name}.pgdump"
            state = asyncio.run(position(target.url))
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(file),
                  _libpq(target.url)], target.url)  # fmt: skip
        os.chmod(file, 0o600)
        manifest["services"][name] = {"kind": kind, "file": file.name, "sha256": _sha256(file),
                                      **state}  # fmt: skip
    if tokens_file is not None and tokens_file.exists():
        shutil.copyfile(tokens_file, out / "tokens.json")
        os.chmod(out / "tokens.json", 0o600)
        manifest["tokens"] = {"file": "tokens.json", "sha256": _sha256(out / "tokens.json")}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    os.chmod(out / MANIFEST, 0o600)
    return manifest


def _run(argv: list[str], url: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        shown = [safe_url(url) if arg == _libpq(url) else arg for arg in argv]
        raise BackupError(f"{' '.join(shown)} failed: {done.stderr.strip()[-1000:]}")


async def _has_tables(url: str) -> bool:
    db = Database(url)
    try:
        async with db.unit_of_work(write=False) as session:
            found = await session.scalar(
                text(
                    "SELECT count(*) FROM information_schema.tables "
                    "WHERE table_schema = current_schema()"
                )
            )
    finally:
        await db.dispose()
    return bool(found)


def _restore_database(target: Target, source: Path, kind: str, *, force: bool) -> None:
    if kind == "sqlite":
        if not is_sqlite(target.url):
            raise BackupError(
                f"{target.spec.name}: a SQLite backup cannot go to {safe_url(target.url)}"
            )
        path = _sqlite_path(target.url)
        if path.exists() and path.stat().st_size and not force:
            raise BackupError(f"{path} exists; pass --force to replace it with the backup")
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        _copy_sqlite(source, path)
        return
    if is_sqlite(target.url):
        raise BackupError(f"{target.spec.name}: a PostgreSQL dump cannot go to a SQLite file")
    if asyncio.run(_has_tables(target.url)) and not force:
        raise BackupError(
            f"{safe_url(target.url)} holds tables; pass --force to replace them with the backup"
        )
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--dbname", _libpq(target.url), str(source)], target.url)  # fmt: skip


@dataclass
class Rejoined:
    """What aligning a restored service with the hub did."""

    adopted: int = 0
    skipped: int = 0


def hub_releases(hub_url: str, token: str, node: str, service: str) -> list[dict[str, Any]]:
    """The newest version of every table of ``node``'s ``service`` the hub holds."""
    answer = httpx.get(
        f"{hub_url.rstrip('/')}/v1/aggregates",
        params={"node": node, "service": service, "limit": HUB_PAGE},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    if answer.status_code != 200:
        raise BackupError(f"the hub answered {answer.status_code}: {answer.text[:300]}")
    found: list[dict[str, Any]] = answer.json()
    if len(found) >= HUB_PAGE:
        raise BackupError(f"the hub holds {HUB_PAGE} or more tables of {node} {service}")
    return found


def adopted_release(held: dict[str, Any]) -> dict[str, Any]:
    """The release the node sent, from the hub's record of it (which adds what the hub saw:
    when it arrived, whether its signature held); stored exactly as the node's store would."""
    fields = AggregateSnapshotPublished.model_fields
    try:
        event = AggregateSnapshotPublished.model_validate(
            {k: v for k, v in held.items() if k in fields}
        )
    except ValidationError as exc:
        where = f"{held.get('aggregate')} {held.get('period')} v{held.get('version')}"
        raise BackupError(f"the hub's release {where} is not a release: {exc}") from exc
    return event.model_dump(mode="json")


async def rejoin(url: str, held: list[dict[str, Any]]) -> Rejoined:
    """Continue after the hub's newest releases (module docstring); one unit of work."""
    done = Rejoined()
    newest = {(h["aggregate"], h["period"]): h for h in held}
    db = Database(url)
    try:
        async with db.unit_of_work() as session:
            s, t = snapshots.table, outbox.table
            last = await snapshots.last_releases(session)
            now = datetime.now(UTC)
            for (name, period), snapshot in newest.items():
                mine = last.get((name, period))
                if mine is not None and mine.version >= snapshot["version"]:
                    continue
                payload = adopted_release(snapshot)
                # What stood behind the hub's cells is unknown here: the backup's last release
                # of the table is the best account of it (empty for a table it never released).
                contributions = {} if mine is None else _stored(mine.contributions)
                await session.execute(insert(s).values(
                    name=name, period=period, version=snapshot["version"],
                    digest=digest_of(payload), payload=payload,
                    published_at=now, contributions=contributions,
                ))  # fmt: skip
                done.adopted += 1
            unsent = await session.execute(
                select(t.c.seq, t.c.subject).where(t.c.published_at.is_(None))
            )
            superseded = []
            for seq, subject in unsent:
                release = _parse_release(subject)
                if release is None:
                    continue
                aggregate, period, version = release
                hub = newest.get((aggregate, period))
                if hub is not None and version <= hub["version"]:
                    superseded.append(seq)
            if superseded:
                await session.execute(
                    update(t).where(t.c.seq.in_(superseded)).values(published_at=now)
                )
            done.skipped = len(superseded)
    finally:
        await db.dispose()
    return done


def _stored(contributions: dict[str, dict[tuple[str, ...], Any]]) -> dict[str, dict[str, str]]:
    return {
        who: {orjson.dumps(list(key)).decode(): str(v) for key, v in adds.items()}
        for who, adds in contributions.items()
    }


async def check_decryptable(url: str, key: bytes, retired: list[bytes]) -> int:
    """Decrypt every personal field of the registry at ``url``; how many persons were read.

    Raises ``BackupError`` naming the first person whose fields the key does not open.
    """
    from cryptography.exceptions import InvalidTag

    from concordia.core.crypto import FieldCipher
    from concordia.registry.models import Person
    from concordia.registry.service._common import NodeContext
    from concordia.registry.service.persons import person_fields

    ctx = NodeContext(node="xx", cipher=FieldCipher(key, retired=retired))
    db = Database(url)
    seen = 0
    try:
        async with db.unit_of_work(write=False) as session:
            for person in await session.scalars(select(Person)):
                try:
                    person_fields(ctx, person)
                except InvalidTag as exc:
                    raise BackupError(
                        f"the node key does not decrypt person {person.id}: restore the key "
                        "from its custody (docs/operations.md) and set CONCORDIA_NODE_KEY"
                    ) from exc
                seen += 1
    finally:
        await db.dispose()
    return seen


def _node_code(node: str | None, fallback: str | None = None) -> str:
    code = node or fallback
    if code is None:
        raise typer.BadParameter("name the node (--node)", param_hint="--node")
    try:
        return check_node(code)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--node") from exc


def _key_settings(spec: ServiceSpec) -> Any:
    try:
        return spec.settings_class()()
    except ValidationError as exc:
        raise BackupError(
            f"the node key cannot be read from the environment ({exc.errors()[0]['msg']}); set "
            "CONCORDIA_NODE_KEY (and CONCORDIA_NODE_KEYS_RETIRED) as the node's services have it"
        ) from exc


DatabaseUrls = Annotated[
    list[str] | None,
    typer.Option(
        "--database-url",
        help="service=URL of a database (repeat); default: the --var layout's SQLite files, "
        "else each service's CONCORDIA_<SERVICE>_DATABASE_URL.",
    ),
]
Var = Annotated[
    Path | None, typer.Option(help="A `concordia up` directory: its <var>/<node>/*.db files.")
]
Node = Annotated[str | None, typer.Option(help="The node's code (e.g. se).")]
Services = Annotated[
    list[str] | None, typer.Option("--service", help="Only this service (repeat).")
]


def backup(
    out: Annotated[Path, typer.Option(help="A new directory for the backup.")],
    database_url: DatabaseUrls = None,
    var: Var = None,
    node: Node = None,
    service: Services = None,
    tokens_file: Annotated[
        Path | None, typer.Option(help="The node's hashed tokens (default: the layout's).")
    ] = None,
) -> None:
    """Back up a node's databases (SQLite online, PostgreSQL with pg_dump) and tokens."""
    console = Console(soft_wrap=True)
    code = _node_code(node, os.environ.get("CONCORDIA_NODE"))
    targets = _targets(database_url, var, code, service)
    if tokens_file is None and var is not None:
        tokens_file = var / code / "tokens.json"
    try:
        manifest = backup_node(targets, out, node=code, tokens_file=tokens_file)
    except (BackupError, sqlite3.Error, OSError) as exc:
        console.print(f"[red]Backup failed:[/] {exc}")
        raise typer.Exit(1) from exc
    for name, entry in manifest["services"].items():
        position = entry["outbox"]
        console.print(
            f"  {name:<11} {entry['kind']:<10} {entry['file']}  (outbox at {position['last_seq']}, "
            f"{position['unsent']} unsent; {len(entry['releases'])} tables released)"
        )
    console.print(
        f"[green]Backed up[/] node {code} into {out}. The node key is not in it: keep it in its "
        "custody (docs/operations.md)."
    )


def restore(
    source: Annotated[Path, typer.Option("--from", help="The backup directory.")],
    database_url: DatabaseUrls = None,
    var: Var = None,
    node: Node = None,
    service: Services = None,
    hub_url: Annotated[
        str | None,
        typer.Option(help="The hub's API: continue after the releases it already holds."),
    ] = None,
    hub_token: Annotated[
        str | None, typer.Option(envvar="CONCORDIA_HUB_TOKEN", help="A hub:read token of the hub.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace databases that are not empty.")] = False,
    key_check: Annotated[
        bool,
        typer.Option(help="Prove the node key (CONCORDIA_NODE_KEY) decrypts every personal field."),
    ] = True,
) -> None:
    """Restore a node's databases from a backup, migrate them, and rejoin the hub's versions."""
    console = Console(soft_wrap=True)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        console.print(f"[red]No readable {MANIFEST} in {source}:[/] {exc}")
        raise typer.Exit(1) from exc
    code = _node_code(node, manifest.get("node"))
    if code != manifest.get("node"):
        console.print(f"[red]The backup is of node {manifest.get('node')}, not {code}.[/]")
        raise typer.Exit(1)
    if hub_url is not None and hub_token is None:
        raise typer.BadParameter("--hub-url needs --hub-token (or CONCORDIA_HUB_TOKEN)")
    entries: dict[str, Any] = manifest["services"]
    targets = [t for t in _targets(database_url, var, code, service) if t.spec.name in entries]
    try:
        for target in targets:
            entry = entries[target.spec.name]
            file = source / entry["file"]
            if _sha256(file) != entry["sha256"]:
                raise BackupError(f"{file} does not match its checksum: the backup is damaged")
            _restore_database(target, file, entry["kind"], force=force)
            upgrade_service(target.spec, target.url, quiet=True)
            line = f"  {target.spec.name:<11} restored into {safe_url(target.url)}"
            if hub_url is not None and hub_token is not None:
                held = hub_releases(hub_url, hub_token, code, target.spec.name)
                done = asyncio.run(rejoin(target.url, held))
                line += (f"; continues after the hub's releases ({done.adopted} tables adopted, "
                         f"{done.skipped} superseded unsent releases skipped)")  # fmt: skip
            console.print(line)
            if target.spec.name == "registry" and key_check:
                settings = _key_settings(target.spec)
                read = asyncio.run(check_decryptable(
                    target.url, settings.node_key_bytes, settings.retired_key_bytes
                ))  # fmt: skip
                console.print(f"  {'':<11} the node key decrypts all {read} persons")
    except (BackupError, sqlite3.Error, OSError, httpx.HTTPError) as exc:
        console.print(f"[red]Restore failed:[/] {exc}")
        raise typer.Exit(1) from exc
    if hub_url is None:
        console.print(
            "[yellow]Without --hub-url the node numbers its next releases after the backup's; "
            "if the hub holds newer ones, it refuses them as conflicting versions.[/]"
        )
    console.print(f"[green]Restored[/] node {code} from {source}.")
