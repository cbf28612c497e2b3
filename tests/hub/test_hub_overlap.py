"""The hub's overlap coordinator: relays opaque PSI messages, keeps counts, times out, limits.

The full protocol with real ledgers is in tests/ledger/test_ledger_overlap.py; here the peers
are scripted over a real nats-server, so the hub's own guarantees can be provoked: silence,
garbage, replies that do not belong to the run, and the hub's rate limit.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import nats
import polling
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from concordia.events import Envelope, NatsServer, PsiInvitation, PsiResult
from concordia.hub.overlap import OverlapCoordinator

ROOT = Path(__file__).resolve().parents[2]
HUB_SIDE = [ROOT / "libs" / "events", ROOT / "services" / "hub"]
PERIOD, PURPOSE = "2026-Q4", "independent_media"


def test_the_hub_side_never_imports_private_set_intersection() -> None:
    # Statically: no module of the hub or of concordia.events names the PSI library...
    for base in HUB_SIDE:
        for path in base.rglob("*.py"):
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                names = (
                    [a.name for a in node.names] if isinstance(node, ast.Import)
                    else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                )  # fmt: skip
                assert not any(n.startswith("private_set_intersection") for n in names), path
        project = base / "pyproject.toml"
        if project.exists():
            assert "openmined" not in project.read_text().lower(), project
    # ...and at run time, loading the coordinator (and the hub's module) loads no PSI code.
    script = (
        "import importlib.util, sys\n"
        "import concordia.events\n"
        "from concordia.hub.overlap.coordinator import OverlapCoordinator\n"
        f"path = {str(ROOT / 'services/hub/src/concordia/hub/overlap/service.py')!r}\n"
        "spec = importlib.util.spec_from_file_location('hub_overlap', path)\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "assert module.OverlapCoordinator is OverlapCoordinator\n"
        "leaked = sorted(m for m in sys.modules if m.startswith('private_set_intersection'))\n"
        "assert not leaked, leaked\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


@pytest.fixture
async def links(nats_server: NatsServer) -> AsyncIterator[dict[str, Client]]:
    """One client per country, as the hub has one per country account."""
    clients = {code: await nats.connect(nats_server.url) for code in ("qa", "qb")}
    yield clients
    for nc in clients.values():
        await nc.close()


async def script_node(nc: Client, code: str, reply: list[bytes | None]) -> list[Msg]:
    """A scripted node: answers each invitation with the next raw reply (None: silence)."""
    seen: list[Msg] = []

    async def on_invite(msg: Msg) -> None:
        seen.append(msg)
        run_id = msg.subject.split(".")[3]
        for raw in reply:
            if raw is not None:
                subject = f"shared.{code}.ledger.psi.{run_id}.result"
                await nc.publish(subject, raw.replace(b"RUN", run_id.encode()))

    await nc.subscribe(f"hub.psi.{code}.*.invite", cb=on_invite)
    await nc.flush()
    return seen


def declined(code: str, run: str = "RUN", reason: str = "set_too_small") -> bytes:
    """A node's decline, as its engine would publish it."""
    result = PsiResult(run_id=run, role="client", outcome="declined", reason=reason)  # type: ignore[arg-type]
    raw = Envelope.wrap(result, node=code).to_bytes()
    return raw


async def test_a_silent_node_is_a_timeout_and_nothing_stays_waiting(
    links: dict[str, Client],
) -> None:
    invites = await script_node(links["qa"], "qa", [None])
    hub = OverlapCoordinator(links, step_timeout=0.5)
    await hub.start()
    outcome = await hub.run_pair("qa", "qb", period=PERIOD, purpose=PURPOSE)
    assert (outcome.status, outcome.reason, outcome.count) == ("timeout", "request", None)
    assert len(invites) == 1
    invitation = Envelope.from_bytes(invites[0].data).data
    assert isinstance(invitation, PsiInvitation)
    assert (invitation.role, invitation.peer, invitation.request) == ("client", "qb", None)
    assert hub._waiting == {}
    await hub.stop()


async def test_garbage_and_strangers_are_ignored_and_a_decline_is_recorded(
    links: dict[str, Client],
) -> None:
    junk = [
        b"not json",  # not an envelope
        declined("qa", run="another-run"),  # the payload names another run
        declined("qb"),  # claims another node's subject
        declined("qa"),  # the real answer: declined, set too small
        declined("qa"),  # its duplicate
    ]
    await script_node(links["qa"], "qa", junk)
    hub = OverlapCoordinator(links, step_timeout=5)
    await hub.start()
    outcome = await hub.run_pair("qa", "qb", period=PERIOD, purpose=PURPOSE)
    assert (outcome.status, outcome.declined_by, outcome.reason) == (
        "declined", "qa", "set_too_small",
    )  # fmt: skip
    assert outcome.count is None
    # The duplicate arrives after the run ended.
    await polling.eventually(lambda: hub.ignored >= 4, what="the duplicate to be ignored")
    assert hub.ignored == 4
    assert len(hub.outcomes) == 1
    await hub.stop()


async def test_the_hub_rate_limit_sends_nothing_until_the_next_day(
    links: dict[str, Client],
) -> None:
    invites = await script_node(links["qa"], "qa", [declined("qa")])
    day = [date(2026, 11, 28)]
    recorded = []

    async def store(outcome: object) -> None:
        recorded.append(outcome)

    hub = OverlapCoordinator(links, step_timeout=5, runs_per_day=1, today=lambda: day[0],
                             on_outcome=store)  # fmt: skip
    await hub.start()
    first = await hub.run_pair("qa", "qb", period=PERIOD, purpose=PURPOSE)
    second = await hub.run_pair("qa", "qb", period=PERIOD, purpose=PURPOSE)
    other = await hub.run_pair("qa", "qb", period="2026-Q3", purpose=PURPOSE)
    assert (first.status, second.status, other.status) == ("declined", "rate_limited", "declined")
    assert (second.declined_by, second.reason) == ("hub", "rate_limited")
    assert len(invites) == 2  # the limited run sent nothing
    day[0] = date(2026, 11, 29)
    assert (await hub.run_pair("qa", "qb", period=PERIOD, purpose=PURPOSE)).status == "declined"
    assert {key[0] for key in hub._runs_today} == {day[0]}  # yesterday's counts are dropped
    assert recorded == hub.outcomes
    assert len(recorded) == 4
    with pytest.raises(ValueError, match="no pair"):
        await hub.run_pair("qa", "zz", period=PERIOD, purpose=PURPOSE)
    await hub.stop()


async def test_a_count_out_of_turn_is_a_bad_message_not_a_count(links: dict[str, Client]) -> None:
    early = PsiResult(run_id="RUN", role="client", outcome="counted", count=7)
    await script_node(links["qa"], "qa", [Envelope.wrap(early, node="qa").to_bytes()])
    hub = OverlapCoordinator(links, step_timeout=5)
    await hub.start()
    outcome = await hub.run_pair("qa", "qb", period=PERIOD, purpose=PURPOSE)
    assert (outcome.status, outcome.count, outcome.reason) == ("declined", None, "bad_message")
    await hub.stop()
