"""The protocol in one process: real keys, real masks, a hub that may lie (tests/libs/secagg)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from secagg_support import coalition, header, run

from concordia.secagg import (
    Aggregation,
    ConsistencyRequest,
    MaskedInputRequest,
    Refused,
    RoundFailed,
    ShareKeysRequest,
    UnmaskRequest,
    UnmaskShares,
)
from concordia.secagg._signed import b64

NODES = ["de", "fi", "pl", "se"]
TABLE = "participants_by_gender"


def fill(c: Any, period: str = "2026-Q4", cells: int = 2, seed: int = 7) -> dict[str, list[int]]:
    rng = random.Random(seed)
    values = {}
    for node in c.tables:
        row = [rng.randrange(0, 1000) for _ in range(cells)]
        c.tables[node].data.setdefault(TABLE, {})[period] = {f"c{i}": v for i, v in enumerate(row)}
        values[node] = row
    return values


def column_sums(values: dict[str, list[int]], nodes: list[str]) -> list[int]:
    return [sum(values[n][i] for n in nodes) for i in range(len(next(iter(values.values()))))]


def cells(n: int) -> list[str]:
    return [f"c{i}" for i in range(n)]


def test_masks_cancel_exactly_and_no_masked_vector_is_an_input() -> None:
    c = coalition(NODES)
    values = fill(c, cells=1000)
    transcript: list[Any] = []
    result = run(c, header("r1", NODES, cells(1000)), transcript=transcript)
    assert result.values == column_sums(values, NODES)
    assert result.survivors == tuple(NODES)
    from concordia.secagg import MaskedInput
    from concordia.secagg._vectors import decode, from_text

    masked = [m for m in transcript if isinstance(m, MaskedInput)]
    assert len(masked) == 4
    for m in masked:
        assert decode(from_text(m.vector, 1000)) != values[m.node]


def test_a_node_dropped_before_its_input_is_left_out_and_its_self_mask_never_opened() -> None:
    c = coalition(NODES)
    values = fill(c, cells=5)
    transcript: list[Any] = []
    result = run(c, header("r1", NODES, cells(5)), drop={"pl": "mask"}, transcript=transcript)
    assert result.values == column_sums(values, ["de", "fi", "se"])
    reveals = [m for m in transcript if isinstance(m, UnmaskShares)]
    assert reveals
    for m in reveals:
        assert "pl" in m.key_shares
        assert "pl" not in m.self_shares
        assert set(m.self_shares) == {"de", "fi", "se"}
        assert set(m.key_shares) == {"pl"}


def test_a_node_dropped_after_its_input_still_counts() -> None:
    c = coalition(NODES)
    values = fill(c, cells=3)
    result = run(c, header("r1", NODES, cells(3)), drop={"se": "check"})
    assert result.values == column_sums(values, NODES)
    assert "se" not in result.release.signatures


def test_below_the_threshold_the_round_fails_and_a_rerun_needs_the_same_values() -> None:
    c = coalition(NODES)
    values = fill(c, cells=3)
    with pytest.raises(RoundFailed):
        run(c, header("r1", NODES, cells(3)), drop={"pl": "mask", "se": "mask"})
    # Same values, fresh round and keys: fine.
    result = run(c, header("r2", NODES, cells(3)))
    assert result.values == column_sums(values, NODES)


def test_a_rerun_with_other_values_is_refused() -> None:
    c = coalition(NODES)
    fill(c, cells=3)
    with pytest.raises(RoundFailed):
        run(c, header("r1", NODES, cells(3)), drop={"pl": "mask", "se": "mask"})
    c.tables["de"].data[TABLE]["2026-Q4"]["c0"] += 1
    with pytest.raises(Refused) as refused:
        run(c, header("r2", NODES, cells(3)))
    assert refused.value.code == "values_changed"


def test_a_hub_showing_one_node_another_survivor_list_is_caught_before_any_reveal() -> None:
    """The attack: tell ``fi`` that ``pl`` dropped (it reveals pl's key share) while the others
    reveal pl's self-mask share: with both, pl's input would be unmasked."""
    c = coalition(NODES)
    fill(c, cells=3)
    head = header("r1", NODES, cells(3))
    agg = Aggregation(head, c.directory)
    p = c.participants
    share = agg.on_adverts({n: p[n].advertise(head) for n in NODES})
    masks = agg.on_shares({n: p[n].share(share) for n in NODES})
    check = agg.on_masked({n: p[n].mask(masks[n]) for n in NODES})
    lie = ConsistencyRequest(round="r1", survivors=("de", "fi", "se"))
    honest = {n: p[n].check(check) for n in ["de", "pl", "se"]}
    lied_to = p["fi"].check(lie)
    signatures = {n: s.signature for n, s in honest.items()} | {"fi": lied_to.signature}
    for node in NODES:
        with pytest.raises(Refused) as refused:
            p[node].unmask(UnmaskRequest(round="r1", signatures=signatures))
        assert refused.value.code == "inconsistent_view"
    # Every node aborted: no later step reveals anything.
    for node in NODES:
        with pytest.raises(Refused) as again:
            p[node].unmask(UnmaskRequest(round="r1", signatures=signatures))
        assert again.value.code == "out_of_order"


def test_a_hub_dropping_the_lied_to_node_signature_gets_nothing_from_it() -> None:
    c = coalition(NODES)
    fill(c, cells=3)
    head = header("r1", NODES, cells(3))
    agg = Aggregation(head, c.directory)
    p = c.participants
    share = agg.on_adverts({n: p[n].advertise(head) for n in NODES})
    masks = agg.on_shares({n: p[n].share(share) for n in NODES})
    check = agg.on_masked({n: p[n].mask(masks[n]) for n in NODES})
    p["fi"].check(ConsistencyRequest(round="r1", survivors=("de", "fi", "se")))
    honest = {n: p[n].check(check).signature for n in ["de", "pl", "se"]}
    with pytest.raises(Refused) as refused:
        p["fi"].unmask(UnmaskRequest(round="r1", signatures=honest | {"fi": honest["de"]}))
    assert refused.value.code == "inconsistent_view"


def test_a_forged_advertisement_is_refused() -> None:
    c = coalition(NODES)
    fill(c, cells=2)
    head = header("r1", NODES, cells(2))
    p = c.participants
    adverts = [p[n].advertise(head) for n in NODES]
    # The hub swaps in a key of its own for pl, keeping pl's signature.
    from concordia.secagg._masks import new_key, public_text

    forged = adverts[2].model_copy(update={"s_public": public_text(new_key())})
    request = ShareKeysRequest(round="r1", adverts=(adverts[0], adverts[1], forged, adverts[3]))
    with pytest.raises(Refused) as refused:
        p["se"].share(request)
    assert refused.value.code == "forged_signature"


def test_a_forged_sealed_share_is_refused() -> None:
    c = coalition(NODES)
    fill(c, cells=2)
    head = header("r1", NODES, cells(2))
    agg = Aggregation(head, c.directory)
    p = c.participants
    share = agg.on_adverts({n: p[n].advertise(head) for n in NODES})
    masks = agg.on_shares({n: p[n].share(share) for n in NODES})
    bad = dict(masks["se"].ciphertexts)
    bad["pl"] = b64(b"\0" * 60)
    with pytest.raises(Refused) as refused:
        p["se"].mask(MaskedInputRequest(round="r1", ciphertexts=bad))
    assert refused.value.code == "forged_share"


def test_replayed_reordered_and_expired_rounds_are_refused() -> None:
    c = coalition(NODES)
    fill(c, cells=2)
    head = header("r1", NODES, cells(2))
    p = c.participants["se"]
    p.advertise(head)
    with pytest.raises(Refused) as replay:
        p.advertise(head)
    assert replay.value.code == "replay"
    with pytest.raises(Refused) as order:
        p.mask(MaskedInputRequest(round="r1", ciphertexts={}))
    assert order.value.code == "out_of_order"
    old = head.model_copy(
        update={"round": "r2", "expires_at": datetime.now(UTC) - timedelta(seconds=1)}
    )
    with pytest.raises(Refused) as expired:
        c.participants["de"].advertise(old)
    assert expired.value.code == "expired"


def test_a_restart_after_revealing_reveals_nothing_again() -> None:
    c = coalition(NODES)
    fill(c, cells=2)
    head = header("r1", NODES, cells(2))
    agg = Aggregation(head, c.directory)
    p = c.participants
    share = agg.on_adverts({n: p[n].advertise(head) for n in NODES})
    masks = agg.on_shares({n: p[n].share(share) for n in NODES})
    check = agg.on_masked({n: p[n].mask(masks[n]) for n in NODES})
    unmask = agg.on_signatures({n: p[n].check(check) for n in NODES})
    p["se"].unmask(unmask)
    restarted = c.restart("se")
    with pytest.raises(Refused) as refused:
        restarted.unmask(unmask)
    assert refused.value.code == "out_of_order"
    # Its round keys are gone from the stored state.
    record = restarted.state["rounds"]["r1"]
    assert record["step"] == "revealed"
    assert not {"c", "s", "b", "held"} & set(record)


def test_bad_rosters_are_refused() -> None:
    c = coalition(NODES)
    fill(c, cells=2)
    with pytest.raises(Refused) as low:
        c.participants["se"].advertise(header("r1", NODES, cells(2), threshold=2))
    assert low.value.code == "threshold_too_low"
    with pytest.raises(Refused) as small:
        c.participants["se"].advertise(header("r2", ["pl", "se"], cells(2), threshold=2))
    assert small.value.code == "roster_too_small"
    with pytest.raises(Refused) as outside:
        c.participants["se"].advertise(header("r3", ["de", "fi", "pl"], cells(2)))
    assert outside.value.code == "not_in_roster"


def test_count_phase_counts_contributing_nodes_per_cell() -> None:
    c = coalition(NODES)
    for node, row in zip(NODES, [{"a": 4}, {"a": 9, "b": 2}, {"a": 1}, {"b": 0}], strict=True):
        c.tables[node].data[TABLE] = {"2026-Q4": row}
    result = run(c, header("r1", NODES, ["a", "b"], phase="count"))
    assert result.values == [3, 1]
