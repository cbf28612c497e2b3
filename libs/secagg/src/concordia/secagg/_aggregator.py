"""The hub's side of a round: it routes messages and, at the end, learns only the sum.

:class:`Aggregation` is pure (no I/O): the transport feeds it each step's answers (whoever
answered in time) and sends what it returns. A node that does not answer a step is dropped;
below the threshold the round fails (:class:`RoundFailed`) and a new round, with fresh keys,
may be run (each node then checks its values are unchanged).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from concordia.secagg import _masks, _shamir, _vectors
from concordia.secagg._participant import keys_digest
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
)
from concordia.secagg._signed import Verifier, unb64


class RoundFailed(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class SecureSum:
    """A finished round: the sum over the survivors (signed integers), and its log entry."""

    header: RoundHeader
    release: Release
    values: list[int]

    @property
    def survivors(self) -> tuple[str, ...]:
        return self.release.statement.survivors


@dataclass
class Aggregation:
    header: RoundHeader
    verifier: Verifier
    adverts: dict[str, Advertisement] = field(default_factory=dict)
    shared: list[str] = field(default_factory=list)
    masked: dict[str, _vectors.Vector] = field(default_factory=dict)
    statement: Statement | None = None
    signatures: dict[str, str] = field(default_factory=dict)

    def _enough(self, count: int, what: str) -> None:
        if count < self.header.threshold:
            raise RoundFailed("too_few", f"{count} {what}, threshold {self.header.threshold}")

    def on_adverts(self, answers: Mapping[str, Advertisement]) -> ShareKeysRequest:
        for node, advert in answers.items():
            if (
                advert.node == node
                and node in self.header.roster
                and advert.round == self.header.round
                and advert.header == self.header.digest
                and self.verifier.verify(node, advert.signed_part(), unb64(advert.signature))
            ):
                self.adverts[node] = advert
        self._enough(len(self.adverts), "advertisements")
        return ShareKeysRequest(
            round=self.header.round, adverts=tuple(self.adverts[n] for n in sorted(self.adverts))
        )

    def on_shares(self, answers: Mapping[str, EncryptedShares]) -> dict[str, MaskedInputRequest]:
        valid = {
            node: answer
            for node, answer in answers.items()
            if node in self.adverts
            and answer.node == node
            and set(answer.ciphertexts) == set(self.adverts) - {node}
        }
        self._enough(len(valid), "nodes shared")
        self.shared = sorted(valid)
        return {
            to: MaskedInputRequest(
                round=self.header.round,
                ciphertexts={
                    sender: valid[sender].ciphertexts[to] for sender in self.shared if sender != to
                },
            )
            for to in self.shared
        }

    def on_masked(self, answers: Mapping[str, MaskedInput]) -> ConsistencyRequest:
        length = len(self.header.cells)
        for node, answer in answers.items():
            if node in self.shared and answer.node == node:
                try:
                    self.masked[node] = _vectors.from_text(answer.vector, length)
                except ValueError:
                    continue
        self._enough(len(self.masked), "masked inputs")
        return ConsistencyRequest(round=self.header.round, survivors=tuple(sorted(self.masked)))

    def on_signatures(self, answers: Mapping[str, ConsistencySignature]) -> UnmaskRequest:
        self.statement = Statement(
            round=self.header.round, header=self.header.digest, table=self.header.table,
            period=self.header.period, phase=self.header.phase, stock=self.header.stock,
            epsilon=self.header.epsilon, threshold=self.header.threshold,
            keys=keys_digest(list(self.adverts.values())), shared=tuple(self.shared),
            survivors=tuple(sorted(self.masked)),
            prev=self.header.history[-1].id if self.header.history else "",
        )  # fmt: skip
        data = self.statement.to_bytes()
        self.signatures = {
            node: answer.signature
            for node, answer in answers.items()
            if node in self.masked
            and answer.node == node
            and self.verifier.verify(node, data, unb64(answer.signature))
        }
        self._enough(len(self.signatures), "consistent signatures")
        return UnmaskRequest(round=self.header.round, signatures=dict(self.signatures))

    def on_unmask(self, answers: Mapping[str, UnmaskShares]) -> SecureSum:
        assert self.statement is not None
        survivors = list(self.statement.survivors)
        dropped = [n for n in self.shared if n not in self.masked]
        answered = {n: a for n, a in answers.items() if n in self.signatures and a.node == n}
        self._enough(len(answered), "unmasking answers")
        length = len(self.header.cells)
        total = _vectors.zeros(length)
        for node in survivors:
            total = _vectors.add(total, self.masked[node])
        t = self.header.threshold
        for node in survivors:
            shares = {
                self.header.index(holder): int(a.self_shares[node], 16)
                for holder, a in answered.items()
                if node in a.self_shares
            }
            if len(shares) < t:
                raise RoundFailed("too_few", f"self-mask shares of {node}")
            seed = _shamir.combine(dict(list(shares.items())[:t]))
            total = _vectors.sub(total, _masks.expand(seed, length))
        for gone in dropped:
            shares = {
                self.header.index(holder): int(a.key_shares[gone], 16)
                for holder, a in answered.items()
                if gone in a.key_shares
            }
            if len(shares) < t:
                raise RoundFailed("too_few", f"key shares of {gone}")
            try:
                key = _masks.private_key(_shamir.combine(dict(list(shares.items())[:t])))
            except ValueError as exc:
                raise RoundFailed("bad_shares", f"key of {gone}") from exc
            if _masks.public_text(key) != self.adverts[gone].s_public:
                raise RoundFailed("bad_shares", f"key of {gone} does not match its advertisement")
            for node in survivors:
                seed = _masks.pair_seed(
                    key, self.adverts[node].s_public, self.header.digest, gone, node
                )
                pad = _masks.expand(seed, length)
                # The survivor added pair_sign(node, gone) * pad for its dropped peer.
                if _masks.pair_sign(node, gone) > 0:
                    total = _vectors.sub(total, pad)
                else:
                    total = _vectors.add(total, pad)
        release = Release(statement=self.statement, signatures=dict(self.signatures))
        return SecureSum(header=self.header, release=release, values=_vectors.decode(total))


__all__ = ["Aggregation", "RoundFailed", "SecureSum"]
