"""ECDH PSI over organisation identifiers: exact intersections, padded sizes, fresh keys."""

from __future__ import annotations

import pytest

from concordia.ledger.overlap import psi


def ids(prefix: str, numbers: range) -> list[str]:
    """Visibly synthetic org identifiers, e.g. ``SE-SYN-0001``."""
    return [f"{prefix}-SYN-{n:04d}" for n in numbers]


def intersect(client: list[str], server: list[str]) -> set[str]:
    run, request = psi.client_request(client)
    setup, response = psi.server_answer(server, request)
    return psi.client_intersection(run, setup, response)


def test_the_client_learns_exactly_its_identifiers_the_server_holds() -> None:
    shared = ids("XM", range(1, 4))
    client = ids("SE", range(1, 10)) + shared
    server = ids("PL", range(1, 30)) + shared
    assert intersect(client, server) == set(shared)
    assert intersect(server, client) == set(shared)  # the other direction finds the same
    assert intersect(client, ids("DE", range(1, 10))) == set()


def test_identifiers_are_compared_trimmed_and_upper_case() -> None:
    client = ["se-syn-0001 ", "SE-SYN-0002", *ids("SE", range(3, 8))]
    server = [" SE-SYN-0001", *ids("PL", range(1, 8))]
    assert intersect(client, server) == {"SE-SYN-0001"}


def test_padding_hides_the_exact_set_size() -> None:
    sizes = {len(psi.client_request(ids("SE", range(n)))[1]) for n in (5, 9, 16)}
    assert len(sizes) == 1  # 5, 9 and 16 grantees look alike: one bucket of 16
    assert len(psi.client_request(ids("SE", range(17)))[1]) > sizes.pop()
    assert psi.padded_size(5) == 16
    assert psi.padded_size(17) == 32
    with pytest.raises(ValueError, match="exceeds"):
        psi.padded_size(psi.MAX_PADDED + 1)


def test_every_run_has_fresh_keys() -> None:
    items = ids("SE", range(1, 8))
    first, second = psi.client_request(items), psi.client_request(items)
    assert first[1] != second[1]
    assert first[0].client.GetPrivateKeyBytes() != second[0].client.GetPrivateKeyBytes()
    # An answer made for one run's request is useless to another run.
    setup, response = psi.server_answer(items, first[1])
    assert psi.client_intersection(first[0], setup, response) == set(items)
    assert psi.client_intersection(second[0], setup, response) == set()


def test_dummies_never_match_even_between_two_padded_sets() -> None:
    # Both sides pad 1 real item to 16: fifteen dummies each, none may match.
    assert intersect(["SE-SYN-0001"], ["PL-SYN-0001"]) == set()
    assert intersect(["XM-SYN-0001"], ["XM-SYN-0001"]) == {"XM-SYN-0001"}


@pytest.mark.parametrize("request_bytes", [b"garbage", b"\x0a\x03abc"], ids=["junk", "short"])
def test_a_malformed_request_is_refused(request_bytes: bytes) -> None:
    with pytest.raises(psi.BadPsiMessageError):
        psi.server_answer(ids("PL", range(1, 8)), request_bytes)


def test_a_malformed_answer_is_refused() -> None:
    run, _ = psi.client_request(ids("SE", range(1, 8)))
    with pytest.raises(psi.BadPsiMessageError):
        psi.client_intersection(run, b"junk", b"junk")
