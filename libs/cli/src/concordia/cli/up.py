"""``concordia up``: run the coalition on one machine (the hub and country nodes, seeded).

What ``make run`` calls. The hub's broker starts first, then each node (its generated NATS
configuration, membership at the hub, broker, registry and ledger), then the hub service.
Every file of node ``se`` stays under ``<var>/se/`` and the hub's under ``<var>/hub/``, so a
second run resumes with the same stores, databases, passwords, keys and tokens. Children run in
their own process groups; Ctrl-C or SIGTERM stops them in reverse start order, and a guardian
process stops them should the launcher be killed outright. While it runs, ``up`` supervises
every child (``_supervise``): one that dies is started again with back-off, and a failing hub
never stops a node.
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

from concordia.cli._banner import banner
from concordia.cli._charter_seed import adopt_demo_charter
from concordia.cli._coalition import (
    hub_env,
    join_hub,
    node_env,
    prepare_hub,
    prepare_node,
    replay_shared,
)
from concordia.cli._devtokens import (
    EXCHANGE_SCREEN,
    dev_tokens,
    hub_dev_tokens,
)
from concordia.cli._evaluation_seed import seed_evaluation_demo
from concordia.cli._exchangeseed import APPROVER_TOKEN as EXCHANGE_APPROVER
from concordia.cli._exchangeseed import EDITOR_TOKEN as EXCHANGE_EDITOR
from concordia.cli._exchangeseed import seed_exchange
from concordia.cli._layout import (
    HUB_BLOCK,
    NodeLayout,
    check_node,
    demo_env,
    demo_tokens_file,
    endpoints_file,
    hub_layout,
    read_json,
    write_json,
)
from concordia.cli._overlaps import seed_overlaps
from concordia.cli._procs import Guardian, LaunchError, ServiceProcess, check_ports_free
from concordia.cli._secure_seed import secure_charter, seed_secure
from concordia.cli._seedhttp import SeedError
from concordia.cli._supervise import DEFAULT_DELAYS, Supervised, Supervisor, parse_delays
from concordia.cli._workspace_seed import seed_workspace
from concordia.cli.identity import demo_directory
from concordia.cli.migrate import upgrade_service
from concordia.cli.nodeinit import AlreadyInitialisedError
from concordia.cli.seed import (
    DEMO_PURPOSE,
    DEMO_TOKEN,
    DONOR_TOKEN,
    seed_ledger,
    seed_registry,
)
from concordia.events import NatsServer, NatsServerError
from concordia.kit import ServiceSpec


@dataclass
class _Running:
    """What one ``up`` started, and how to stop it (in reverse order)."""

    guardian: Guardian
    nats: list[NatsServer] = field(default_factory=list)
    services: list[ServiceProcess] = field(default_factory=list)
    stops: list[Callable[[], None]] = field(default_factory=list)
    supervised: list[Supervised] = field(default_factory=list)

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
                f"{layout.node} in {_shown(layout.var)} is already running under another "
                "`concordia up`; stop that one first (Ctrl-C in its terminal)"
            ) from exc
        yield


def _start_nats(layout: NodeLayout, running: _Running, console: Console) -> None:
    """Start the nats-server of a node or the hub from its generated ``nats.conf``."""
    layout.logs_dir.mkdir(parents=True, exist_ok=True)
    nats = NatsServer(
        host=layout.host,
        port=layout.nats_port,
        monitor_port=layout.nats_monitor_port,
        store_dir=layout.nats_dir,
        domain=layout.node,
        server_name=f"concordia-{layout.node}",
        config_file=layout.root / "nats.conf",
        startup_timeout=30.0,
    )
    running.stops.append(nats.stop)
    running.nats.append(nats)
    nats.start()

    def restart() -> int:
        nats.start()
        assert nats.process is not None
        return nats.process.pid

    label = "the hub's" if layout.is_hub else f"node {layout.node}'s"
    running.supervised.append(
        Supervised(f"{label} nats-server", lambda: nats.running, restart, nats.log_file)
    )
    assert nats.process is not None
    running.guardian.watch(nats.process.pid)
    log_link = layout.logs_dir / "nats-server.log"  # every log in one place
    if not log_link.is_symlink():
        log_link.symlink_to(os.path.relpath(nats.log_file, layout.logs_dir))
    leaf = f", leaf {layout.leaf_url}" if layout.is_hub else ""
    console.print(
        f"  nats-server  {layout.nats_url}{leaf}  (store {_shown(layout.nats_dir)}, "
        f"log {_shown(log_link)})"
    )


def _exchange_env(layout: NodeLayout, tokens: dict[str, str]) -> dict[str, dict[str, str]]:
    """The exchange screens texts at its node's registry, with a token of its own."""
    (registry,) = [spec for spec in layout.services if spec.name == "registry"]
    return {
        "exchange": {
            "CONCORDIA_EXCHANGE_REGISTRY_URL": layout.service_url(registry),
            "CONCORDIA_EXCHANGE_REGISTRY_TOKEN": tokens[EXCHANGE_SCREEN],
        }
    }


def _start_services(
    layout: NodeLayout, running: _Running, console: Console,
    extra_env: dict[str, dict[str, str]] | None = None,
) -> dict[str, str]:  # fmt: skip
    """Migrate and start the services of a node (or the hub); their URLs once all are ready."""
    started: list[tuple[ServiceSpec, ServiceProcess]] = []
    for spec in layout.services:
        env = hub_env(layout) if layout.is_hub else node_env(layout, spec.name)
        upgrade_service(spec, layout.database_url(spec), quiet=True, environ=env)
        argv = [
            sys.executable, "-m", "uvicorn", "--factory", spec.factory,
            "--host", layout.host, "--port", str(layout.port(spec)),
            "--timeout-graceful-shutdown", "5", "--no-server-header",
        ]  # fmt: skip
        env |= {"PYTHONUNBUFFERED": "1"}
        env |= {f"{spec.env_prefix}{name}": value for name, value in demo_env(spec).items()}
        env |= (extra_env or {}).get(spec.name, {})
        process = ServiceProcess(
            spec.name, argv, env=env, log_file=layout.log_file(spec), cwd=layout.root
        )
        running.stops.append(process.stop)
        running.services.append(process)
        process.start()
        assert process.pid is not None
        running.guardian.watch(process.pid)
        started.append((spec, process))
        running.supervised.append(_supervised(layout, spec, process))
    endpoints: dict[str, str] = {}
    for spec, process in started:
        process.wait_ready(f"{layout.service_url(spec)}/readyz")
        endpoints[spec.name] = layout.service_url(spec)
        console.print(
            f"  {spec.name:<11}  {layout.service_url(spec)}  (migrated "
            f"{_shown(layout.root / f'{spec.name}.db')}, log {_shown(layout.log_file(spec))})"
        )
    return endpoints


def _supervised(layout: NodeLayout, spec: ServiceSpec, process: ServiceProcess) -> Supervised:
    def restart() -> int:
        process.start()
        assert process.pid is not None
        return process.pid

    where = "the hub's" if layout.is_hub else f"node {layout.node}'s"
    return Supervised(f"{where} {spec.name}", lambda: process.running, restart, process.log_file)


def _supervise(running: _Running, console: Console, delays: tuple[float, ...]) -> None:
    """Block until interrupted, starting again every child that stops on its own."""

    def log(line: str) -> None:
        console.print(f"{time.strftime('%H:%M:%S')}  supervisor: {line}")
        sys.stdout.flush()

    supervisor = Supervisor(log, delays=delays, watch=running.guardian.watch)
    for child in running.supervised:
        supervisor.add(child)
    supervisor.run()


def run(
    layouts: list[NodeLayout], hub: NodeLayout | None, *, seed: bool, persons: int,
    console: Console, grants: int = 100, restart_delays: tuple[float, ...] = DEFAULT_DELAYS,
) -> None:  # fmt: skip
    """Start the hub and every node, seed, announce, and stop everything on Ctrl-C or SIGTERM."""
    everything = ([hub] if hub else []) + layouts
    with ExitStack() as locks:
        for layout in everything:
            locks.enter_context(_node_lock(layout))
        for layout in everything:
            check_ports_free(layout.host, layout.ports())
        _run_locked(
            layouts, hub, seed=seed, persons=persons, grants=grants, console=console,
            delays=restart_delays,
        )  # fmt: skip


def _seed(
    layout: NodeLayout, endpoints: dict[str, str], tokens: dict[str, str], *, persons: int,
    grants: int, overlaps: bool, console: Console,
) -> None:  # fmt: skip
    """The registry first: the ledger learns the organisations its grants go to from its events."""
    summary = seed_registry(
        url=endpoints["registry"], token=tokens[DEMO_TOKEN], node=layout.node, persons=persons
    )
    console.print(f"  demo data    {summary.describe()}")
    funded = seed_ledger(
        url=endpoints["ledger"], token=tokens[DONOR_TOKEN], node=layout.node, persons=persons,
        grants=grants, ops_token=tokens["ops"],
    )  # fmt: skip
    console.print(f"  funding      {funded.describe()}")
    if overlaps:
        planted = seed_overlaps(
            registry_url=endpoints["registry"], registry_token=tokens[DEMO_TOKEN],
            ledger_url=endpoints["ledger"], ledger_token=tokens[DONOR_TOKEN], node=layout.node,
        )  # fmt: skip
        console.print(f"  overlaps     {planted.describe()}")
    practices = seed_exchange(
        url=endpoints["exchange"], editor_token=tokens[EXCHANGE_EDITOR],
        approver_token=tokens[EXCHANGE_APPROVER], node=layout.node,
    )  # fmt: skip
    console.print(f"  practices    {practices.describe()}")
    if "evaluation" in endpoints:
        assessed = seed_evaluation_demo(
            endpoints, tokens, registry_token=tokens[DEMO_TOKEN], ledger_token=tokens[DONOR_TOKEN],
            purpose=DEMO_PURPOSE,
        )  # fmt: skip
        console.print(f"  evaluation   {assessed.describe()}")


def _start_all(
    layouts: list[NodeLayout], hub: NodeLayout | None, running: _Running, console: Console,
    tokens: dict[str, dict[str, str]],
) -> dict[str, Any]:  # fmt: skip
    """The hub's broker, then each node (files, hub membership, tokens, broker, services), then
    the hub service; returns the endpoints of everything and fills ``tokens`` per node."""
    endpoints: dict[str, Any] = {"nodes": {}}
    known = read_json(demo_tokens_file(layouts[0].var)) or {}
    if hub is not None:
        console.print(f"[bold]Starting the hub[/] in {_shown(hub.root)}")
        prepare_hub(hub, console)
        _start_nats(hub, running, console)
    if hub is not None:  # every node's key first: one directory of them all, pinned everywhere
        for layout in layouts:
            prepare_node(layout, hub.leaf_url, console, hub.root / "leaf-ca.pem")
        directory = demo_directory(hub.root, [layout.root for layout in layouts])
        console.print(f"  directory    {directory.serial}, signed by every node (demo)")
    for layout in layouts:
        console.print(f"[bold]Starting node {layout.node}[/] in {_shown(layout.root)}")
        hub_ca = hub.root / "leaf-ca.pem" if hub else None
        prepare_node(layout, hub.leaf_url if hub else None, console, hub_ca)
        if hub is not None:
            join_hub(hub.root, layout.root)  # the hub's broker reloads: the others stay up
        tokens[layout.node] = dev_tokens(layout.tokens_file, known.get(layout.node, {}))
        _start_nats(layout, running, console)
        services = _start_services(
            layout, running, console, _exchange_env(layout, tokens[layout.node])
        )
        endpoints["nodes"][layout.node] = services | {"nats": layout.nats_url}
        replay_shared(layout, console)
    if hub is not None:
        console.print("[bold]Starting the hub service[/]")
        endpoints["hub"] = _start_services(hub, running, console) | {
            "nats": hub.nats_url, "leaf": hub.leaf_url
        }  # fmt: skip
    return endpoints


def _run_locked(
    layouts: list[NodeLayout], hub: NodeLayout | None, *, seed: bool, persons: int, grants: int,
    console: Console, delays: tuple[float, ...],
) -> None:  # fmt: skip
    var = layouts[0].var
    endpoints_file(var).unlink(missing_ok=True)
    running = _Running(guardian=Guardian().start())
    previous = _trap_signals()
    try:
        tokens: dict[str, dict[str, str]] = {}
        endpoints = _start_all(layouts, hub, running, console, tokens)
        known = read_json(demo_tokens_file(var)) or {}
        if hub is not None:
            wanted, owners = hub_dev_tokens([layout.node for layout in layouts])
            tokens[hub.node] = dev_tokens(hub.tokens_file, known.get(hub.node, {}), wanted, owners)
        write_json(demo_tokens_file(var), known | tokens, private=True)
        if hub is not None:  # the demo holds every node key: each member state signs it
            adopted = adopt_demo_charter(
                endpoints["hub"]["hub"], tokens[hub.node], [lay.root for lay in layouts]
            )
            console.print(f"  charter      {adopted}")
        if seed:
            secure = None
            if hub is not None:  # before the nodes hold data: no table leaves them plainly
                secure = secure_charter(endpoints["hub"]["hub"], tokens[hub.node]["hub:admin"])
            for layout in layouts:
                console.print(f"[bold]Seeding node {layout.node}[/] (synthetic demo data)")
                _seed(
                    layout, endpoints["nodes"][layout.node], tokens[layout.node], persons=persons,
                    grants=grants, overlaps=hub is not None, console=console,
                )  # fmt: skip
            if hub is not None:
                console.print("[bold]Seeding the coordination group's workspace[/]")
                made = seed_workspace(
                    endpoints["hub"]["hub"], tokens[hub.node], [lay.node for lay in layouts]
                )
                console.print(f"  workspace    {made.describe()}")
                assert secure is not None
                console.print("[bold]Secure tables[/] (the current quarter's rounds)")
                released = seed_secure(
                    endpoints["hub"]["hub"], tokens[hub.node]["hub:admin"],
                    [lay.node for lay in layouts], secure,
                )  # fmt: skip
                console.print(f"  secure       {released.describe()}")
        banner(console, var, endpoints, tokens)
        # The banner is out (stdout may be a block-buffered file) before endpoints.json says
        # that everything is up: whoever waits for the file finds the banner too.
        sys.stdout.flush()
        write_json(endpoints_file(var), endpoints)
        _supervise(running, console, delays)
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


DEFAULT_DELAYS_TEXT = ",".join(f"{delay:g}" for delay in DEFAULT_DELAYS)


def up(
    var: Annotated[Path, typer.Option(help="Where the hub and nodes keep data, logs and keys.")] = (
        Path("var")
    ),
    nodes: Annotated[
        str, typer.Option(help="The country nodes to run, comma-separated, e.g. se,pl,de.")
    ] = "se,pl,de",
    no_hub: Annotated[
        bool, typer.Option("--no-hub", help="Run the nodes alone, without the coalition hub.")
    ] = False,
    host: Annotated[str, typer.Option(help="The address every process listens on.")] = (
        "127.0.0.1"
    ),
    base_port: Annotated[
        int,
        typer.Option(
            min=1024,
            max=64000,
            help="First port of the range. Node i (0, 1, 2 in --nodes order) takes the block "
            "base+100*i: registry +1, ledger +2, nats-server +22, its monitoring +82. The hub "
            "takes base+900: hub service +901, nats-server +922, leaf listener +942, "
            "monitoring +982. With 8600: se 8601/8602, pl 8701/8702, de 8801/8802, hub 9501.",
        ),
    ] = 8600,
    no_seed: Annotated[bool, typer.Option("--no-seed", help="Skip the demo data.")] = False,
    persons: Annotated[
        int, typer.Option(min=1, max=100_000, help="How many synthetic persons to seed per node.")
    ] = 300,
    grants: Annotated[
        int, typer.Option(min=1, max=5000, help="How many synthetic grants to seed per node.")
    ] = 100,
    restart_delays: Annotated[
        str,
        typer.Option(
            help="Back-off before restarting a process that stopped on its own, in seconds: the "
            "n-th failure within 10 minutes waits the n-th delay (the last repeats); after 5 "
            "restarts there the process is given up on, the others keep running.",
        ),
    ] = DEFAULT_DELAYS_TEXT,
) -> None:
    """Run the coalition locally: the hub and each node (nats-server, registry, ledger), seeded."""
    console = Console(soft_wrap=True)
    try:
        codes = [check_node(code.strip()) for code in nodes.split(",") if code.strip()]
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--nodes") from exc
    if not codes or len(set(codes)) != len(codes):
        raise typer.BadParameter("name each node once, e.g. se,pl,de", param_hint="--nodes")
    try:
        delays = parse_delays(restart_delays)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--restart-delays") from exc
    if len(codes) > HUB_BLOCK:
        raise typer.BadParameter(f"at most {HUB_BLOCK} nodes", param_hint="--nodes")
    var = var.resolve()
    layouts = [
        NodeLayout(var=var, node=code, host=host, base_port=base_port, index=index)
        for index, code in enumerate(codes)
    ]
    hub = None if no_hub else hub_layout(var, host, base_port)
    try:
        run(
            layouts, hub, seed=not no_seed, persons=persons, grants=grants, console=console,
            restart_delays=delays,
        )  # fmt: skip
    except (
        LaunchError, NatsServerError, SeedError, httpx.HTTPError, OSError, ValueError,
        AlreadyInitialisedError,
    ) as exc:  # fmt: skip
        console.print(f"[red]concordia up failed:[/] {exc}")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:  # interrupted before anything was started
        raise typer.Exit(130) from exc
