"""The node's side of a round: a state machine that reveals nothing it should not.

Steps, in order, each refused out of order, after expiry or for a round already seen:

1. ``advertise`` (header → :class:`Advertisement`): checks the header (roster, threshold, the
   table served, the log of past releases and its hash chain, one release per table and period,
   the differencing guard, the epsilon budget, values unchanged since a failed attempt), makes
   two fresh X25519 key pairs and signs their public halves.
2. ``share`` (U1 → :class:`EncryptedShares`): checks every advertisement's signature, splits its
   ``s`` key and a fresh self-mask seed into t-of-|U1| Shamir shares, seals each for its holder.
3. ``mask`` (sealed shares from U2 → :class:`MaskedInput`): opens the shares, adds the self mask,
   the pairwise masks with every node of U2 and (sum phase, with epsilon) its share of the noise.
4. ``check`` (U3 → :class:`ConsistencySignature`): checks U3 ⊆ U2 and the guard again with the
   final survivors, signs the :class:`Statement` it saw.
5. ``unmask`` (U4's signatures → :class:`UnmaskShares`): every signature must verify over the
   node's own statement (a hub that showed others a different U3 is caught here, before anything
   is revealed); records the release and spends epsilon, *then* reveals self-mask shares of the
   survivors and key shares of the dropped, never both for one node, and forgets the round's keys.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

import numpy as np
from cryptography.exceptions import InvalidTag
from pydantic import BaseModel

from concordia.secagg import _masks, _shamir, _vectors
from concordia.secagg._guard import isolated
from concordia.secagg._noise import noise_parts, noise_share
from concordia.secagg._round import (
    Advertisement,
    ConsistencyRequest,
    ConsistencySignature,
    EncryptedShares,
    MaskedInput,
    MaskedInputRequest,
    Release,
    RoundHeader,
    ShareKeysRequest,
    Statement,
    UnmaskRequest,
    UnmaskShares,
    advert_bytes,
    dump,
)
from concordia.secagg._signed import Identity, b64, canonical, digest, unb64
from concordia.secagg._store import ParticipantStore


class Refused(Exception):
    """A step the node will not take; ``code`` is machine-readable and never carries a value."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail = code, detail


class InputSource(Protocol):
    """The node's values of one table and period, cell by cell.

    Raises ``LookupError`` for a table the node does not serve, or :class:`Refused` (for
    example ``published_plainly``) when it must not take part.
    """

    def values(self, table: str, period: str, cells: Sequence[str]) -> Sequence[int]: ...


def _now() -> datetime:
    return datetime.now(UTC)


def _key(table: str, period: str, phase: str) -> str:
    return f"{table}|{period}|{phase}"


def keys_digest(adverts: Sequence[Advertisement]) -> str:
    return digest(sorted((dump(a) for a in adverts), key=lambda a: str(a["node"])))


def verify_release(identity_verify: Callable[[str, bytes, bytes], bool], release: Release) -> bool:
    """Every signature verifies, its signer survived, and at least ``threshold`` signed."""
    statement = release.statement
    data = statement.to_bytes()
    if len(release.signatures) < statement.threshold:
        return False
    return all(
        node in statement.survivors and identity_verify(node, data, unb64(signature))
        for node, signature in release.signatures.items()
    )


class Participant:
    """One node's participant, its state kept in ``store`` after every step."""

    def __init__(
        self,
        identity: Identity,
        source: InputSource,
        store: ParticipantStore,
        *,
        budgets: Mapping[str, float] | None = None,
        default_budget: float = 10.0,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.identity, self.source, self.store = identity, source, store
        self.budgets, self.default_budget, self.clock = dict(budgets or {}), default_budget, clock
        self.state: dict[str, Any] = store.load() or {
            "rounds": {},
            "released": {},
            "inputs": {},
            "noise": {},
            "spent": {},
            "log": {},
        }

    @property
    def node(self) -> str:
        return self.identity.node

    # -- the public face -------------------------------------------------------------------

    def handle(self, step: str, request: BaseModel) -> BaseModel:
        """Dispatch one step (``advertise``, ``share``, ``mask``, ``check``, ``unmask``)."""
        if step == "advertise" and isinstance(request, RoundHeader):
            return self.advertise(request)
        if step == "share" and isinstance(request, ShareKeysRequest):
            return self.share(request)
        if step == "mask" and isinstance(request, MaskedInputRequest):
            return self.mask(request)
        if step == "check" and isinstance(request, ConsistencyRequest):
            return self.check(request)
        if step == "unmask" and isinstance(request, UnmaskRequest):
            return self.unmask(request)
        raise Refused("bad_message", f"unknown step {step}")

    def spent(self, table: str) -> float:
        return float(self.state["spent"].get(table, 0.0))

    def budget(self, table: str) -> float:
        return float(self.budgets.get(table, self.default_budget))

    def log(self, table: str) -> list[Release]:
        return [Release.model_validate(r) for r in self.state["log"].get(table, [])]

    # -- steps -----------------------------------------------------------------------------

    def advertise(self, header: RoundHeader) -> Advertisement:
        if header.round in self.state["rounds"]:
            raise Refused("replay", "round already seen")
        # Recorded before any check: a header refused once is refused again as a replay.
        self.state["rounds"][header.round] = {"step": "refused", "header": dump(header)}
        try:
            advert = self._advertise(header)
        except Refused:
            self._save()
            raise
        self._save()
        return advert

    def _advertise(self, header: RoundHeader) -> Advertisement:
        self._alive(header)
        if self.node not in header.roster:
            raise Refused("not_in_roster")
        if len(header.roster) < header.min_contributors:
            raise Refused("roster_too_small", f"fewer than {header.min_contributors} nodes")
        if 2 * header.threshold <= len(header.roster) or header.threshold < header.min_contributors:
            raise Refused("threshold_too_low", "a majority of the roster, at least the minimum")
        self._adopt_history(header)
        self._guard(header, header.roster)
        self._check_budget(header)
        try:
            raw = [int(v) for v in self.source.values(header.table, header.period, header.cells)]
        except LookupError as exc:
            raise Refused("unknown_table", header.table) from exc
        if len(raw) != len(header.cells):
            raise Refused("bad_source", "the source gave a wrong number of cells")
        values = [min(max(v, 0), header.bound) for v in raw]
        if header.phase == "count":
            values = [1 if v > 0 else 0 for v in values]
        key = _key(header.table, header.period, header.phase)
        fingerprint = digest({"cells": list(header.cells), "values": values})
        if self.state["inputs"].get(key, fingerprint) != fingerprint:
            raise Refused("values_changed", "a period's table is contributed once, unchanged")
        self.state["inputs"][key] = fingerprint
        if header.phase == "sum" and header.epsilon is not None:
            self.state["noise"].setdefault(f"{header.table}|{header.period}", secrets.token_hex(32))
        c_key, s_key = _masks.new_key(), _masks.new_key()
        c_pub, s_pub = _masks.public_text(c_key), _masks.public_text(s_key)
        head = header.digest
        signature = self.identity.sign(advert_bytes(self.node, header.round, head, c_pub, s_pub))
        self.state["rounds"][header.round] = {
            "step": "advertised",
            "header": dump(header),
            "values": values,
            "c": _masks.private_bytes(c_key).hex(),
            "s": _masks.private_bytes(s_key).hex(),
        }
        return Advertisement(
            node=self.node, round=header.round, header=head, c_public=c_pub, s_public=s_pub,
            signature=b64(signature),
        )  # fmt: skip

    def share(self, request: ShareKeysRequest) -> EncryptedShares:
        record, header = self._at(request.round, "advertised")
        with self._aborting(record):
            adverts = {a.node: a for a in request.adverts}
            if len(adverts) != len(request.adverts):
                raise Refused("bad_message", "a node advertised twice")
            for node, advert in adverts.items():
                if node not in header.roster or advert.round != header.round:
                    raise Refused("bad_message", f"advertisement of {node}")
                if advert.header != header.digest or not self.identity.verify(
                    node, advert.signed_part(), unb64(advert.signature)
                ):
                    raise Refused("forged_signature", f"advertisement of {node}")
            mine = adverts.get(self.node)
            if mine is None or mine.c_public != _masks.public_text(
                _masks.private_key(bytes.fromhex(record["c"]))
            ):
                raise Refused("bad_message", "own advertisement missing or altered")
            if len(adverts) < header.threshold:
                raise Refused("too_few", "fewer advertisements than the threshold")
            holders = sorted(adverts)
            points = [header.index(node) for node in holders]
            b_seed = secrets.token_bytes(32)
            b_shares = _shamir.split(b_seed, points, header.threshold)
            s_shares = _shamir.split(bytes.fromhex(record["s"]), points, header.threshold)
            c_key = _masks.private_key(bytes.fromhex(record["c"]))
            sealed: dict[str, str] = {}
            for node in holders:
                x = header.index(node)
                plain = canonical(
                    {"from": self.node, "to": node, "b": format(b_shares[x], "x"),
                     "s": format(s_shares[x], "x")}
                )  # fmt: skip
                if node == self.node:
                    record["held"] = {
                        self.node: [format(b_shares[x], "x"), format(s_shares[x], "x")]
                    }
                else:
                    sealed[node] = _masks.seal(
                        c_key, adverts[node].c_public, header.digest, self.node, node, plain
                    )
            record.update(
                step="shared", b=b_seed.hex(), adverts={n: dump(a) for n, a in adverts.items()}
            )
        self._save()
        return EncryptedShares(node=self.node, round=header.round, ciphertexts=sealed)

    def mask(self, request: MaskedInputRequest) -> MaskedInput:
        record, header = self._at(request.round, "shared")
        with self._aborting(record):
            adverts = {n: Advertisement.model_validate(a) for n, a in record["adverts"].items()}
            shared = sorted({*request.ciphertexts, self.node})
            if not set(shared) <= set(adverts):
                raise Refused("bad_message", "shares from a node that did not advertise")
            if len(shared) < header.threshold:
                raise Refused("too_few", "fewer nodes shared than the threshold")
            c_key = _masks.private_key(bytes.fromhex(record["c"]))
            held: dict[str, list[str]] = dict(record["held"])
            for node, text in request.ciphertexts.items():
                try:
                    plain = _masks.open_sealed(
                        c_key, adverts[node].c_public, header.digest, node, self.node, text
                    )
                except (InvalidTag, ValueError) as exc:
                    raise Refused("forged_share", f"share from {node}") from exc
                body = _parse(plain)
                if body.get("from") != node or body.get("to") != self.node:
                    raise Refused("forged_share", f"share from {node}")
                held[node] = [str(body["b"]), str(body["s"])]
            length = len(header.cells)
            vector = _vectors.encode(record["values"])
            if header.phase == "sum" and header.epsilon is not None:
                seed = bytes.fromhex(self.state["noise"][f"{header.table}|{header.period}"])
                noise = noise_share(
                    seed, length, header.epsilon, header.sensitivity,
                    noise_parts(header.threshold, header.colluders),
                )  # fmt: skip
                vector = _vectors.add(vector, noise.astype(np.uint64))
            vector = _vectors.add(vector, _masks.expand(bytes.fromhex(record["b"]), length))
            s_key = _masks.private_key(bytes.fromhex(record["s"]))
            for node in shared:
                if node == self.node:
                    continue
                seed = _masks.pair_seed(
                    s_key, adverts[node].s_public, header.digest, self.node, node
                )
                pad = _masks.expand(seed, length)
                if _masks.pair_sign(self.node, node) > 0:
                    vector = _vectors.add(vector, pad)
                else:
                    vector = _vectors.sub(vector, pad)
            record.update(step="masked", held=held, shared=shared)
        self._save()
        return MaskedInput(node=self.node, round=header.round, vector=_vectors.to_text(vector))

    def check(self, request: ConsistencyRequest) -> ConsistencySignature:
        record, header = self._at(request.round, "masked")
        with self._aborting(record):
            survivors = list(request.survivors)
            if self.node not in survivors:
                raise Refused("not_a_survivor")
            if not set(survivors) <= set(record["shared"]):
                raise Refused("bad_message", "a survivor that never shared")
            if len(survivors) < header.threshold:
                raise Refused("too_few", "fewer survivors than the threshold")
            self._guard(header, survivors)
            log = self.state["log"].get(header.table, [])
            adverts = [Advertisement.model_validate(a) for a in record["adverts"].values()]
            statement = Statement(
                round=header.round, header=header.digest, table=header.table,
                period=header.period, phase=header.phase, stock=header.stock,
                epsilon=header.epsilon, threshold=header.threshold, keys=keys_digest(adverts),
                shared=tuple(record["shared"]), survivors=tuple(survivors),
                prev=Release.model_validate(log[-1]).id if log else "",
            )  # fmt: skip
            signature = self.identity.sign(statement.to_bytes())
            record.update(step="checked", statement=dump(statement))
        self._save()
        return ConsistencySignature(node=self.node, round=header.round, signature=b64(signature))

    def unmask(self, request: UnmaskRequest) -> UnmaskShares:
        record, header = self._at(request.round, "checked")
        with self._aborting(record):
            statement = Statement.model_validate(record["statement"])
            data = statement.to_bytes()
            for node, signature in request.signatures.items():
                if node not in statement.survivors:
                    raise Refused("bad_message", f"signature of {node}, not a survivor")
                if not self.identity.verify(node, data, unb64(signature)):
                    raise Refused("inconsistent_view", f"{node} did not sign what this node saw")
            if self.node not in request.signatures or len(request.signatures) < header.threshold:
                raise Refused("too_few", "fewer consistent signatures than the threshold")
            log = self.state["log"].get(header.table, [])
            head = Release.model_validate(log[-1]).id if log else ""
            if head != statement.prev:
                raise Refused("history_moved", "another release of this table came in between")
            self._guard(header, list(statement.survivors))
            self._check_budget(header)
            release = Release(statement=statement, signatures=dict(request.signatures))
            key = _key(header.table, header.period, header.phase)
            self.state["released"][key] = release.id
            self.state["log"].setdefault(header.table, []).append(dump(release))
            if header.phase == "sum" and header.epsilon is not None:
                self.state["spent"][header.table] = self.spent(header.table) + header.epsilon
            held: dict[str, list[str]] = record["held"]
            survivors = set(statement.survivors)
            self_shares = {n: held[n][0] for n in statement.survivors if n in held}
            key_shares = {
                n: held[n][1] for n in statement.shared if n not in survivors and n in held
            }
            # The round's secrets go: a key leaked later unmasks nothing.
            for secret in ("c", "s", "b", "held", "values"):
                record.pop(secret, None)
            record.update(step="revealed", release=release.id)
        self._save()
        return UnmaskShares(
            node=self.node, round=header.round, self_shares=self_shares, key_shares=key_shares
        )

    # -- checks ----------------------------------------------------------------------------

    def _alive(self, header: RoundHeader) -> None:
        if self.clock() >= header.expires_at:
            raise Refused("expired")

    def _at(self, round_id: str, step: str) -> tuple[dict[str, Any], RoundHeader]:
        record = self.state["rounds"].get(round_id)
        if record is None:
            raise Refused("unknown_round")
        if record["step"] != step:
            raise Refused("out_of_order", f"round is {record['step']}, step needs {step}")
        header = RoundHeader.model_validate(record["header"])
        try:
            self._alive(header)
        except Refused:
            record["step"] = "aborted"
            self._save()
            raise
        return record, header

    def _aborting(self, record: dict[str, Any]) -> _Abort:
        return _Abort(self, record)

    def _adopt_history(self, header: RoundHeader) -> None:
        """The header's log must be a valid chain that extends the one this node knows."""
        prev = ""
        for release in header.history:
            statement = release.statement
            if statement.table != header.table or statement.prev != prev:
                raise Refused("history_forged", "the log of releases is not one chain")
            if not verify_release(self.identity.verify, release):
                raise Refused("history_forged", f"release {release.id[:12]} badly signed")
            prev = release.id
        known = [Release.model_validate(r).id for r in self.state["log"].get(header.table, [])]
        given = [r.id for r in header.history]
        if given[: len(known)] != known:
            raise Refused("history_incomplete", "the hub's log omits or changes a known release")
        self.state["log"][header.table] = [dump(r) for r in header.history]

    def _guard(self, header: RoundHeader, roster: Sequence[str]) -> None:
        key = _key(header.table, header.period, header.phase)
        past = self.log(header.table)
        if key in self.state["released"] or any(
            _key(r.statement.table, r.statement.period, r.statement.phase) == key for r in past
        ):
            raise Refused("already_released", "one release per table, period and phase")
        if header.stock and header.epsilon is None:
            rosters = [
                r.statement.survivors
                for r in past
                if r.statement.phase == header.phase and r.statement.stock
            ]
            exposed = isolated([*rosters, tuple(roster)])
            if exposed:
                raise Refused("derivable", "a node's own value would follow from the releases")

    def _check_budget(self, header: RoundHeader) -> None:
        if header.phase != "sum" or header.epsilon is None:
            return
        if self.spent(header.table) + header.epsilon > self.budget(header.table) + 1e-9:
            raise Refused("epsilon_exhausted", f"budget of {header.table} spent")

    def _save(self) -> None:
        self.store.save(self.state)


class _Abort:
    """Marks the round aborted (and saves) when a step refuses; nothing half-done survives."""

    def __init__(self, participant: Participant, record: dict[str, Any]) -> None:
        self.participant, self.record = participant, record

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: object, trace: object) -> Literal[False]:
        if isinstance(error, Refused):
            for secret in ("c", "s", "b", "held"):
                self.record.pop(secret, None)
            self.record["step"] = "aborted"
            self.participant.store.save(self.participant.state)
        return False


def _parse(plain: bytes) -> dict[str, Any]:
    try:
        body = json.loads(plain)
    except ValueError as exc:
        raise Refused("forged_share", "unreadable share") from exc
    if not isinstance(body, dict):
        raise Refused("forged_share", "unreadable share")
    return body
