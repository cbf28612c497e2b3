"""``concordia up``: run a local node (nats-server, registry and ledger, demo tokens and data).

What ``make run`` calls. Every file of node ``se`` stays under ``<var>/se/``, so a second run
resumes with the same JetStream store, databases, node key and tokens. Children run in their
own process groups; Ctrl-C or SIGTERM stops them in reverse start order, and a guardian process
stops them should the launcher be killed outright.
"""

from __future__ import annotations

import fcntl
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console

from concordia.cli._layout import (
    COUNTRY_SERVICES,
    NodeLayout,
    ServiceSpec,
    check_node,
    demo_tokens_file,
    endpoints_file,
    node_key,
    read_json,
    service_named,
    write_json,
)
from concordia.cli._procs import Guardian, LaunchError, ServiceProcess, check_ports_free
from concordia.cli.migrate import upgrade_service
from concordia.cli.seed import (
    DEMO_TOKEN,
    DONOR_TOKEN,
    PORTAL_TOKEN,
    SeedError,
    seed_ledger,
    seed_registry,
)
from concordia.cli.tokens import list_tokens
from concordia.core.auth import TokenStore
from concordia.events import NatsServer, NatsServerError

#: Development tokens written in plain text to ``<var>/demo/tokens.json``: name -> scopes.
DEV_TOKENS: dict[str, frozenset[str]] = {
    "registry:read": frozenset({"registry:read"}),
    "registry:write": frozenset({"registry:write"}),
    DEMO_TOKEN: frozenset({"registry:read", "registry:write"}),
    "ops": frozenset({"ops"}),
    PORTAL_TOKEN: frozenset({"feed:read"}),
    DONOR_TOKEN: frozenset({"ledger:write", "feed:read"}),
}


@dataclass
class _Running:
    """What one ``up`` started, and how to stop it (in reverse order)."""

    guardian: Guardian
    nats: list[NatsServer] = field(default_factory=list)
    services: list[ServiceProcess] = field(default_factory=list)
    stops: list[Callable[[], None]] = field(default_factory=list)

    def stop_all(self) -> None:
        """Stop every child, newest first, then dismiss the guardian."""
        errors: list[Exception] = []
        for stop in reversed(self.stops):
            try:
                stop()
            except Exception as exc:  # keep stopping the others whatever went wrong
                errors.append(exc)
        if errors:  # the guardian stops what is left once we exit
            raise errors[0]
        self.guardian.release()


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    # Once is enough: a repeated signal (or a second Ctrl-C) must not cut the cleanup short.
    for sig in _STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _trap_signals() -> dict[signal.Signals, Any]:
    """Turn SIGINT, SIGTERM and SIGHUP into one KeyboardInterrupt; returns the old handlers."""
    return {sig: signal.signal(sig, _interrupt) for sig in _STOP_SIGNALS}


def dev_tokens(layout: NodeLayout, known: dict[str, str]) -> dict[str, str]:
    """The node's development tokens: ``known`` ones that still verify, new ones otherwise."""
    store = TokenStore(layout.tokens_file)
    tokens: dict[str, str] = {}
    for name, scopes in DEV_TOKENS.items():
        token = known.get(name)
        if isinstance(token, str) and getattr(store.verify(token), "scopes", None) == scopes:
            tokens[name] = token
            continue
        # An earlier demo token of this name whose plain text is lost only lingers: retire it.
        for token_id, entry in list_tokens(layout.tokens_file).items():
            if entry.get("name") == f"demo-{name}":
                store.revoke(token_id)
        tokens[name] = store.create(f"demo-{name}", scopes)
    return tokens


def _service_env(layout: NodeLayout, spec: ServiceSpec, key: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "CONCORDIA_ENV": "dev",
            "CONCORDIA_NODE": layout.node,
            "CONCORDIA_NATS_URL": layout.nats_url,
            "CONCORDIA_TOKENS_FILE": str(layout.tokens_file),
            "CONCORDIA_NODE_KEY": key,
            f"{spec.env_prefix}DATABASE_URL": layout.database_url(spec),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update({f"{spec.env_prefix}{name}": value for name, value in spec.env.items()})
    return env


@contextmanager
def _node_lock(layout: NodeLayout) -> Iterator[None]:
    """Hold ``<var>/<node>/up.lock``: two launchers must never share a store or database."""
    layout.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(layout.root, 0o700)  # databases and keys of people at risk: owner only
    with (layout.root / "up.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LaunchError(
                f"node {layout.node} in {_shown(layout.var)} is already running under another "
                "`concordia up`; stop that one first (Ctrl-C in its terminal)"
            ) from exc
        yield


def _start_node(layout: NodeLayout, running: _Running, console: Console) -> dict[str, str]:
    """Start a node's nats-server and services; returns its endpoints once all are ready."""
    layout.logs_dir.mkdir(parents=True, exist_ok=True)
    key = node_key(layout.key_file)
    nats = NatsServer(
        host=layout.host,
        port=layout.nats_port,
        monitor_port=layout.nats_monitor_port,
        store_dir=layout.nats_dir,
        domain=layout.node,
        server_name=f"concordia-{layout.node}",
        startup_timeout=30.0,
    )
    running.stops.append(nats.stop)
    running.nats.append(nats)
    nats.start()
    assert nats.process is not None
    running.guardian.watch(nats.process.pid)
    log_link = layout.logs_dir / "nats-server.log"  # every log in one place
    if not log_link.is_symlink():
        log_link.symlink_to(os.path.relpath(nats.log_file, layout.logs_dir))
    console.print(
        f"  nats-server  {layout.nats_url}  (store {_shown(layout.nats_dir)}, "
        f"log {_shown(log_link)})"
    )
    endpoints: dict[str, str] = {}
    started: list[tuple[ServiceSpec, ServiceProcess]] = []
    for spec in COUNTRY_SERVICES:
        upgrade_service(spec, layout.database_url(spec), quiet=True)
        argv = [
            sys.executable, "-m", "uvicorn", "--factory", spec.factory,
            "--host", layout.host, "--port", str(layout.port(spec)),
            "--timeout-graceful-shutdown", "5", "--no-server-header",
        ]  # fmt: skip
        process = ServiceProcess(
            spec.name,
            argv,
            env=_service_env(layout, spec, key),
            log_file=layout.log_file(spec),
            cwd=layout.root,
        )
        running.stops.append(process.stop)
        running.services.append(process)
        process.start()
        assert process.pid is not None
        running.guardian.watch(process.pid)
        started.append((spec, process))
    for spec, process in started:
        process.wait_ready(f"{layout.service_url(spec)}/readyz")
        endpoints[spec.name] = layout.service_url(spec)
        console.print(
            f"  {spec.name:<11}  {layout.service_url(spec)}  (migrated "
            f"{_shown(layout.root / f'{spec.name}.db')}, log {_shown(layout.log_file(spec))})"
        )
    endpoints["nats"] = layout.nats_url
    return endpoints


def _banner(console: Console, layouts: list[NodeLayout], tokens: dict[str, dict[str, str]]) -> None:
    var = layouts[0].var
    console.print()
    for layout in layouts:
        node = layout.node
        url = layout.service_url(service_named("registry"))
        ledger = layout.service_url(service_named("ledger"))
        token, portal = tokens[node][DEMO_TOKEN], tokens[node][PORTAL_TOKEN]
        console.print(f"[bold green]Node {node} is running.[/]")
        console.print(f"  API docs      {url}/docs  (registry)")
        console.print(f"  Demo token    {token}  (registry:read + registry:write)")
        console.print(
            f'  Try           curl -H "Authorization: Bearer {token}" "{url}/v1/persons?limit=5"',
        )
        console.print(f"  Ledger docs   {ledger}/docs")
        console.print(f"  Funding feed  {ledger}/v1/feed/grants")
        console.print(f"  Portal token  {portal}  (feed:read, as a donor portal holds)")
        console.print(
            f"  Donor token   {tokens[node][DONOR_TOKEN]}  (ledger:write + feed:read)",
        )
        console.print(
            f'  Try           curl -H "Authorization: Bearer {portal}" '
            f'"{ledger}/v1/feed/grants?limit=5"',
        )
    console.print(
        f"  Tokens        {_shown(demo_tokens_file(var))}  (plain development tokens, "
        "for this local demo only)",
    )
    console.print(f"  Endpoints     {_shown(endpoints_file(var))}")
    console.print("Press Ctrl-C to stop.")
    console.file.flush()


def _watch(running: _Running) -> None:
    """Block until interrupted; fail if a child stops on its own."""
    while True:
        for service in running.services:
            if not service.running:
                raise LaunchError(f"{service.name} stopped unexpectedly; see {service.log_file}")
        for nats in running.nats:
            if not nats.running:
                raise LaunchError(f"nats-server stopped unexpectedly; see {nats.log_file}")
        time.sleep(0.5)


def run(
    layouts: list[NodeLayout], *, seed: bool, persons: int, console: Console, grants: int = 100
) -> None:
    """Start every node, seed, announce, and stop everything again on Ctrl-C or SIGTERM."""
    with ExitStack() as locks:
        for layout in layouts:
            locks.enter_context(_node_lock(layout))
        for layout in layouts:
            check_ports_free(layout.host, layout.ports(COUNTRY_SERVICES))
        _run_locked(layouts, seed=seed, persons=persons, grants=grants, console=console)


def _seed(
    layout: NodeLayout, endpoints: dict[str, str], tokens: dict[str, str], *, persons: int,
    grants: int, console: Console,
) -> None:  # fmt: skip
    """The registry first: the ledger learns the organisations its grants go to from its events."""
    summary = seed_registry(
        url=endpoints["registry"], token=tokens[DEMO_TOKEN], node=layout.node, persons=persons
    )
    console.print(f"  demo data    {summary.describe()}")
    funded = seed_ledger(
        url=endpoints["ledger"], token=tokens[DONOR_TOKEN], node=layout.node, persons=persons,
        grants=grants,
    )  # fmt: skip
    console.print(f"  funding      {funded.describe()}")


def _run_locked(
    layouts: list[NodeLayout], *, seed: bool, persons: int, grants: int, console: Console
) -> None:
    var = layouts[0].var
    endpoints_file(var).unlink(missing_ok=True)
    running = _Running(guardian=Guardian().start())
    previous = _trap_signals()
    try:
        endpoints: dict[str, dict[str, str]] = {}
        for layout in layouts:
            console.print(f"[bold]Starting node {layout.node}[/] in {_shown(layout.root)}")
            endpoints[layout.node] = _start_node(layout, running, console)
        known = read_json(demo_tokens_file(var)) or {}
        tokens = {layout.node: dev_tokens(layout, known.get(layout.node, {})) for layout in layouts}
        write_json(demo_tokens_file(var), known | tokens, private=True)
        if seed:
            for layout in layouts:
                _seed(
                    layout, endpoints[layout.node], tokens[layout.node], persons=persons,
                    grants=grants, console=console,
                )  # fmt: skip
        write_json(endpoints_file(var), {"nodes": endpoints})
        _banner(console, layouts, tokens)
        _watch(running)
    except KeyboardInterrupt:
        console.print("\nStopping…")
    finally:
        for sig in _STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        try:
            endpoints_file(var).unlink(missing_ok=True)
            running.stop_all()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    console.print("Stopped.")


def up(
    var: Annotated[Path, typer.Option(help="Where nodes keep their data, logs and keys.")] = Path(
        "var"
    ),
    nodes: Annotated[
        str, typer.Option(help="The country nodes to run, comma-separated, e.g. se,pl,de.")
    ] = "se,pl,de",
    host: Annotated[str, typer.Option(help="The address every process listens on.")] = (
        "127.0.0.1"
    ),
    base_port: Annotated[
        int,
        typer.Option(
            min=1024,
            max=65000,
            help="First port of the range: services at +1 (registry) and +2 (ledger), "
            "nats-server at +22 and its monitoring at +82.",
        ),
    ] = 8600,
    no_seed: Annotated[bool, typer.Option("--no-seed", help="Skip the demo data.")] = False,
    persons: Annotated[
        int, typer.Option(min=1, max=100_000, help="How many synthetic persons to seed.")
    ] = 300,
    grants: Annotated[
        int, typer.Option(min=1, max=5000, help="How many synthetic grants to seed.")
    ] = 100,
) -> None:
    """Run a local node: nats-server, the registry and the ledger, with demo tokens and data."""
    console = Console(soft_wrap=True)
    try:
        codes = [check_node(code.strip()) for code in nodes.split(",") if code.strip()]
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--nodes") from exc
    if not codes or len(set(codes)) != len(codes):
        raise typer.BadParameter("name each node once, e.g. se,pl,de", param_hint="--nodes")
    layouts = [
        NodeLayout(var=var.resolve(), node=code, host=host, base_port=base_port, index=index)
        for index, code in enumerate(codes)
    ]
    try:
        run(layouts, seed=not no_seed, persons=persons, grants=grants, console=console)
    except (LaunchError, NatsServerError, SeedError, httpx.HTTPError, OSError, ValueError) as exc:
        console.print(f"[red]concordia up failed:[/] {exc}")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:  # interrupted before anything was started
        raise typer.Exit(130) from exc
