"""What the kit's runtime reads off the charter in force for its service."""

from __future__ import annotations

from types import SimpleNamespace

from concordia.kit import Runtime


def test_secure_tables_are_the_service_s_own() -> None:
    charter = SimpleNamespace(
        secure=[
            SimpleNamespace(table="participants_by_gender", service="ledger"),
            SimpleNamespace(table="persons_by_status", service="registry"),
            SimpleNamespace(table="funding_by_purpose", service="ledger"),
        ]
    )
    rt = SimpleNamespace(follower=SimpleNamespace(current=charter), service="ledger")
    assert Runtime.secure_tables(rt) == {"participants_by_gender", "funding_by_purpose"}  # type: ignore[arg-type]
    rt.service = "exchange"
    assert Runtime.secure_tables(rt) == frozenset()  # type: ignore[arg-type]


def test_release_terms_are_the_rules_and_the_charter_in_force() -> None:
    rules = SimpleNamespace(k=7, rounding_base=5)
    charter = SimpleNamespace(version="2027-1")
    rt = SimpleNamespace(db="db", follower=SimpleNamespace(current=charter), identity=None)
    assert Runtime.release_terms(rt, rules) == {  # type: ignore[arg-type]
        "db": "db", "k": 7, "rounding_base": 5, "charter_version": "2027-1", "sign": None,
    }  # fmt: skip
