"""Rounds over NATS: the hub's :class:`Coordinator`, the node's :class:`Responder`.

The hub sends each step to one node as a core NATS request on
``hub.secagg.<node>.<service>.<round>.<step>`` (the hub's per-country user publishes ``hub.>``,
the node's leaf connection carries ``hub.>`` to the node) and the node's service answers on its
COALITION link to the request's reply subject. Nothing is stored in a stream: a lost answer is a
dropped node for that step. Bodies are JSON: the request model, and the answer
``{"ok": <model>}`` or ``{"refused": {"code": ..., "detail": ...}}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from pydantic import BaseModel, ValidationError

from concordia.secagg._aggregator import Aggregation, RoundFailed, SecureSum
from concordia.secagg._participant import Participant, Refused
from concordia.secagg._round import REQUESTS, RESPONSES, STEPS, Refusal, RoundHeader
from concordia.secagg._signed import Verifier

log = logging.getLogger(__name__)

#: Largest request or answer accepted (a 100,000-cell vector is 800 kB before base64).
MAX_BODY = 4 * 1024 * 1024


def inbox_prefix(node: str) -> str:
    """Where ``node``'s answers come (``_SECAGG.<node>.<random>``): the only inboxes of the
    hub's that the node's leaf connection may publish to."""
    return f"_SECAGG.{node}"


def subject(node: str, service: str, round_id: str, step: str) -> str:
    return f"hub.secagg.{node}.{service}.{round_id}.{step}"


def _encode(model: BaseModel) -> bytes:
    return model.model_dump_json().encode()


@dataclass
class Traffic:
    """Bytes the hub sent to and received from each node in one round."""

    sent: dict[str, int] = field(default_factory=dict)
    received: dict[str, int] = field(default_factory=dict)

    def add(self, node: str, sent: int, received: int) -> None:
        self.sent[node] = self.sent.get(node, 0) + sent
        self.received[node] = self.received.get(node, 0) + received


@dataclass
class Outcome:
    """What the coordinator saw: the sum (or the reason it failed), refusals, traffic."""

    result: SecureSum | None
    failure: str | None
    refusals: list[Refusal]
    dropped: dict[str, str]
    traffic: Traffic


class Coordinator:
    """Runs rounds for the hub: one NATS link per country (each in its own account)."""

    def __init__(
        self,
        links: Mapping[str, Client],
        verifier: Verifier,
        *,
        service: str,
        step_timeout: float = 10.0,
    ) -> None:
        self.links, self.verifier, self.service = dict(links), verifier, service
        self.step_timeout = step_timeout

    async def _ask(
        self, node: str, header: RoundHeader, step: str, request: BaseModel, outcome: Outcome
    ) -> BaseModel | None:
        link = self.links.get(node)
        if link is None:
            outcome.dropped.setdefault(node, step)
            return None
        body = _encode(request)
        # The answer comes to an inbox of this node's own (not the link's _INBOX): the leaf
        # lets a node reach the hub's _SECAGG.<node>.> and no other inbox of the hub's.
        inbox = f"{inbox_prefix(node)}.{secrets.token_hex(12)}"
        try:
            sub = await link.subscribe(inbox, max_msgs=1)
            try:
                await link.publish(
                    subject(node, self.service, header.round, step), body, reply=inbox
                )
                msg = await sub.next_msg(timeout=self.step_timeout)
            finally:
                with contextlib.suppress(Exception):
                    await sub.unsubscribe()
        except Exception:  # a timeout, a closed link: the node dropped out of the round
            outcome.dropped.setdefault(node, step)
            outcome.traffic.add(node, len(body), 0)
            return None
        outcome.traffic.add(node, len(body), len(msg.data))
        try:
            answer = json.loads(msg.data)
            if "refused" in answer:
                outcome.refusals.append(Refusal(node=node, round=header.round, **answer["refused"]))
                outcome.dropped.setdefault(node, step)
                return None
            model = RESPONSES[step].model_validate(answer["ok"])
        except (ValueError, KeyError, TypeError, ValidationError):
            outcome.dropped.setdefault(node, step)
            return None
        if getattr(model, "node", None) != node or getattr(model, "round", None) != header.round:
            outcome.dropped.setdefault(node, step)
            return None
        return model

    async def _step(
        self, header: RoundHeader, step: str, requests: Mapping[str, BaseModel], outcome: Outcome
    ) -> dict[str, Any]:
        nodes = sorted(requests)
        answers = await asyncio.gather(
            *(self._ask(n, header, step, requests[n], outcome) for n in nodes)
        )
        return {n: a for n, a in zip(nodes, answers, strict=True) if a is not None}

    async def run(self, header: RoundHeader) -> Outcome:
        """One round; never raises for a node's behaviour (the outcome says what happened)."""
        outcome = Outcome(None, None, [], {}, Traffic())
        agg = Aggregation(header, self.verifier)
        try:
            answers = await self._step(
                header, "advertise", dict.fromkeys(header.roster, header), outcome
            )
            share = agg.on_adverts(answers)
            answers = await self._step(header, "share", dict.fromkeys(agg.adverts, share), outcome)
            masks = agg.on_shares(answers)
            answers = await self._step(header, "mask", masks, outcome)
            check = agg.on_masked(answers)
            answers = await self._step(
                header, "check", dict.fromkeys(check.survivors, check), outcome
            )
            unmask = agg.on_signatures(answers)
            answers = await self._step(
                header, "unmask", dict.fromkeys(unmask.signatures, unmask), outcome
            )
            outcome.result = agg.on_unmask(answers)
        except RoundFailed as failed:
            outcome.failure = failed.code + (f": {failed.detail}" if failed.detail else "")
        return outcome


class Responder:
    """A node service's side: answers the hub's steps for this node and service."""

    def __init__(self, link: Client, participant: Participant, *, service: str) -> None:
        self.link, self.participant, self.service = link, participant, service
        self.node = participant.node
        self._sub: Subscription | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        self._sub = await self.link.subscribe(
            f"hub.secagg.{self.node}.{self.service}.>", cb=self._on_request
        )

    async def stop(self) -> None:
        if self._sub is not None:
            await self._sub.unsubscribe()
            self._sub = None

    async def __aenter__(self) -> Responder:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _on_request(self, msg: Msg) -> None:
        if not msg.reply:
            return
        answer = await self.answer(msg.subject, msg.data)
        try:
            await self.link.publish(msg.reply, answer)
        except Exception:  # the hub will count this node as dropped
            log.warning("secagg answer not sent", exc_info=True)

    async def answer(self, subject_: str, data: bytes) -> bytes:
        parts = subject_.split(".")
        round_id, step = (parts[4], parts[5]) if len(parts) == 6 else ("", "")
        try:
            if step not in STEPS or len(data) > MAX_BODY:
                raise Refused("bad_message", "unknown step or body too large")
            try:
                request = REQUESTS[step].model_validate_json(data)
            except ValidationError as exc:
                raise Refused("bad_message", "request does not parse") from exc
            if getattr(request, "round", None) != round_id:
                raise Refused("bad_message", "subject and body name different rounds")
            async with self._lock:
                response = await asyncio.to_thread(self.participant.handle, step, request)
            return json.dumps({"ok": response.model_dump(mode="json")}).encode()
        except Refused as refused:
            log.info("secagg %s %s refused: %s", round_id, step, refused)
            return json.dumps(
                {"refused": {"code": refused.code, "detail": refused.detail}}
            ).encode()
