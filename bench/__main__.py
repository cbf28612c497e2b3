"""``python -m bench``: every figure beside its ceiling; prints a table, writes var/bench.json.

The PostgreSQL figures (``<name>.pg``, and ``exchange.search_pg``) run when ``--pg URL``,
``CONCORDIA_BENCH_DATABASE_URL`` or, as in CI, ``CONCORDIA_TEST_DATABASE_URL`` names a server
the bench may create databases on, e.g. ``postgresql://postgres@127.0.0.1:5432/test``.

Options: ``--quick`` (small sizes, a smoke run), ``--only NAME`` (repeatable), ``--strict``
(exit 1 when a ratio misses its goal), ``--profile DIR`` (run the servers under cProfile, and
the in-process relay too: ``DIR/<server>.prof``, ``DIR/relay.prof``; the figures then describe
the profiler more than the code; ``--profiler pyinstrument`` samples the servers instead:
``DIR/<server>.html``), ``--keep`` (keep the scratch directory and the server logs).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvloop
from rich.console import Console
from rich.table import Table

from bench import (
    evaluation_indicators,
    exchange_replication,
    exchange_search,
    get_person,
    hub_propagation,
    hub_scale,
    hub_secure_aggregation,
    ledger_feed,
    ledger_sync,
    outbox_relay,
    registry_sync,
)
from bench._common import PG_ENV, ROOT, Figure, Workspace, pg_server

OUTPUT = ROOT / "var" / "bench.json"
Bench = Callable[[Workspace], Awaitable[Figure | list[Figure]]]


def _benches(quick: bool) -> dict[str, Bench]:
    benches = _sqlite_benches(quick)
    if pg_server() is not None:  # a PostgreSQL server is configured
        size = {"total": 2_000, "queries": 50} if quick else {}
        benches["exchange.search_pg"] = lambda ws: exchange_search.run_pg(ws, **size)
        get = {"seconds": 1.0, "rounds": 2} if quick else {}
        benches["registry.get_person.pg"] = lambda ws: get_person.run(ws, pg=True, **get)
        sync = {"total": 10_000} if quick else {}
        benches["registry.bulk_sync.pg"] = lambda ws: registry_sync.run(ws, pg=True, **sync)
        benches["ledger.bulk_sync.pg"] = lambda ws: ledger_sync.run(ws, pg=True, **sync)
        relay = {"total": 5_000} if quick else {}
        benches["events.outbox_relay.pg"] = lambda ws: outbox_relay.run(ws, pg=True, **relay)
        pull: dict[str, Any] = {"total": 20_000} if quick else {}
        benches["ledger.feed_full_pull.pg"] = lambda ws: ledger_feed.run_full_pull(
            ws, pg=True, **pull
        )
        # hub.scale.pg, and hub.scale.replicas.pg (two hub replicas on one database).
        scale = {"seconds": 10.0, "settle": 5.0} if quick else {}
        benches["hub.scale.pg"] = lambda ws: hub_scale.run(ws, pg=True, **scale)
    return benches


def _sqlite_benches(quick: bool) -> dict[str, Bench]:
    if quick:
        return {
            "registry.bulk_sync": lambda ws: registry_sync.run(ws, total=10_000),
            "events.outbox_relay": lambda ws: outbox_relay.run(ws, total=5_000),
            "registry.get_person": lambda ws: get_person.run(ws, seconds=1.0, rounds=2),
            "ledger.feed_full_pull": lambda ws: ledger_feed.run_full_pull(
                ws, total=20_000, identity=True
            ),
            "ledger.feed_page_depth": lambda ws: ledger_feed.run_page_depth(
                ws, total=20_000, rounds=5
            ),
            "ledger.bulk_sync": lambda ws: ledger_sync.run(ws, total=10_000),
            "hub.propagation": lambda ws: hub_propagation.run(ws, rounds=8),
            "hub.scale": lambda ws: hub_scale.run(ws, seconds=10.0, settle=5.0),
            "hub.secure_aggregation": lambda ws: hub_secure_aggregation.run(ws, rounds=1),
            "exchange.search": lambda ws: exchange_search.run(ws, total=2_000, queries=50),
            "exchange.replication": lambda ws: exchange_replication.run(ws, rounds=8),
            "evaluation.indicators": lambda ws: evaluation_indicators.run(
                ws, grants=5_000, activities=1_000
            ),
        }
    return {
        "registry.bulk_sync": lambda ws: registry_sync.run(ws),
        "events.outbox_relay": lambda ws: outbox_relay.run(ws),
        "registry.get_person": lambda ws: get_person.run(ws),
        # The two feed figures share one seeded million-grant database (Workspace.cache).
        "ledger.feed_full_pull": lambda ws: ledger_feed.run_full_pull(ws),
        "ledger.feed_page_depth": lambda ws: ledger_feed.run_page_depth(ws),
        "ledger.bulk_sync": lambda ws: ledger_sync.run(ws),
        "hub.propagation": lambda ws: hub_propagation.run(ws),
        "hub.scale": lambda ws: hub_scale.run(ws),
        "hub.secure_aggregation": lambda ws: hub_secure_aggregation.run(ws),
        "exchange.search": lambda ws: exchange_search.run(ws),
        "exchange.replication": lambda ws: exchange_replication.run(ws),
        "evaluation.indicators": lambda ws: evaluation_indicators.run(ws),
    }


async def _measure(
    ws: Workspace, benches: dict[str, Bench], console: Console
) -> tuple[list[Figure], list[str]]:
    figures, failed = [], []
    for name, bench in benches.items():
        # Each figure starts from a collected heap with what is left frozen (never scanned again):
        # a figure's client side must not pay for the garbage and survivors of those before it.
        gc.collect()
        gc.freeze()
        # ... nor the events they left on the broker (see Workspace.purge_streams).
        await ws.purge_streams()
        started, servers = time.perf_counter(), len(ws.started)
        try:
            with console.status(f"measuring {name}..."):
                measured = await bench(ws)
        except Exception as exc:  # report it and go on: the other figures still count
            console.print_exception(max_frames=5)
            failed.append(f"{name} ({type(exc).__name__}: {str(exc)[:300]})")
            continue
        # Each service's peak memory during the bench (goal: under 300 MB).
        rss = {server.name: server.peak_rss_mb() for server in ws.started[servers:]}
        for figure in measured if isinstance(measured, list) else [measured]:
            if rss:
                figure.extras.setdefault("peak_rss_mb", rss)
            console.print(
                f"[dim]{figure.name}: {figure.value:,.1f} {figure.unit} vs "
                f"{figure.ceiling:,.1f} ({figure.ratio:.2f}) in "
                f"{time.perf_counter() - started:.0f} s[/dim]"
            )
            figures.append(figure)
    return figures, failed


def _table(figures: list[Figure]) -> Table:
    table = Table(title="Concordia benchmarks: each figure beside a raw ceiling from the same run")
    table.add_column("figure", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("ceiling", justify="right", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    table.add_column("ratio", justify="right", no_wrap=True)
    table.add_column("goal", justify="right", no_wrap=True)
    for f in figures:
        mark = "[green]met[/green]" if f.meets_goal else "[red]missed[/red]"
        digits = 0 if max(f.value, f.ceiling) >= 100 else 1
        table.add_row(
            f.name,
            f"{f.value:,.{digits}f}",
            f"{f.ceiling:,.{digits}f}",
            f.unit,
            f"{f.ratio:.2f}",
            f"{'≤' if f.goal_is == 'max' else '≥'} {f.goal:.2f} {mark}",
        )
    return table


def _details(figures: list[Figure]) -> str:
    lines = []
    for f in figures:
        extras = ", ".join(f"{k}={v}" for k, v in f.extras.items())
        lines += [
            f"[bold]{f.name}[/bold] (ratio = {f.ratio_of}): {f.what}",
            f"  ceiling: {f.ceiling_what}",
            f"  [dim]{extras}[/dim]",
        ]
    return "\n".join(lines)


def _load_note() -> str | None:
    try:
        load = os.getloadavg()[0]
    except OSError:
        return None
    cores = os.cpu_count() or 1
    if load > cores / 2:
        return (
            f"note: load average {load:.1f} on {cores} cores before the run; absolute figures "
            "are depressed, ratios (both sides measured under the same load) less so"
        )
    return None


def _sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(143)  # unwinds through the finally blocks that stop the servers


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this figure")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a goal is missed")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="profile servers and relay")
    parser.add_argument(
        "--profiler",
        choices=("cprofile", "pyinstrument"),
        default="cprofile",
        help="with --profile: cProfile (DIR/<server>.prof) or pyinstrument (DIR/<server>.html)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the JSON")
    parser.add_argument(
        "--pg",
        metavar="URL",
        help="PostgreSQL server for the <name>.pg figures (as " + PG_ENV[0] + ")",
    )
    args = parser.parse_args(argv)
    if args.pg:
        os.environ[PG_ENV[0]] = args.pg

    console = Console(width=max(100, Console().width))
    benches = _benches(args.quick)
    if args.only:
        unknown = set(args.only) - benches.keys()
        if unknown:
            parser.error(f"unknown figure(s): {', '.join(sorted(unknown))}; known: "
                         f"{', '.join(benches)}")  # fmt: skip
        benches = {k: v for k, v in benches.items() if k in args.only}
    logging.basicConfig(level=logging.ERROR)
    signal.signal(signal.SIGTERM, _sigterm)
    note = _load_note()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)

    with Workspace(keep=args.keep, profile_dir=args.profile, profiler=args.profiler) as ws:
        if args.keep:
            console.print(f"[dim]scratch directory: {ws.path}[/dim]")
        figures, failed = uvloop.run(_measure(ws, benches, console))

    console.print(_table(figures))
    console.print(_details(figures))
    if note:
        console.print(f"[yellow]{note}[/yellow]")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({f.name: f.as_json() for f in figures}, indent=2) + "\n")
    console.print(f"wrote {args.output}")
    if failed:
        console.print(f"[red]failed: {', '.join(failed)}[/red]")
        return 1
    missed = [f.name for f in figures if not f.meets_goal]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
