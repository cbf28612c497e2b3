"""The development tokens of the local demo: names, scopes, owners, reused across runs.

``concordia up`` writes them in plain text to ``<var>/demo/tokens.json`` (hashed in each node's
``tokens.json``); a second run reuses those that still verify with the same scopes and owner.
"""

from __future__ import annotations

from pathlib import Path

from concordia.cli._evaluation_seed import ADMIN_TOKEN as EVALUATION_ADMIN_TOKEN
from concordia.cli._evaluation_seed import EVALUATOR_TOKENS
from concordia.cli.seed import (
    DEMO_TOKEN,
    DONOR_TOKEN,
    OPERATOR_TOKEN,
    PORTAL_TOKEN,
    SECOND_AGENCY_TOKEN,
    SECOND_DONOR_TOKEN,
)
from concordia.cli.tokens import list_tokens
from concordia.core.auth import OPERATOR, TokenStore

EXCHANGE_EDITOR, EXCHANGE_APPROVER, EXCHANGE_SCREEN = (
    "exchange-editor", "exchange-approver", "exchange-screen"
)  # fmt: skip
#: Development tokens written in plain text to ``<var>/demo/tokens.json``: name -> scopes.
DEV_TOKENS: dict[str, frozenset[str]] = {
    "registry:read": frozenset({"registry:read"}),
    "registry:write": frozenset({"registry:write"}),
    DEMO_TOKEN: frozenset({"registry:read", "registry:write"}),
    SECOND_AGENCY_TOKEN: frozenset({"registry:read", "registry:write"}),
    "ops": frozenset({"ops"}),
    PORTAL_TOKEN: frozenset({"feed:read"}),
    DONOR_TOKEN: frozenset({"ledger:write", "feed:read"}),
    SECOND_DONOR_TOKEN: frozenset({"ledger:write", "feed:read"}),
    OPERATOR_TOKEN: frozenset({"registry:read", "registry:write", "registry:admin", "ledger:write",
                               "ledger:admin", "feed:read"}),
    EVALUATION_ADMIN_TOKEN: frozenset({"evaluation:admin"}),
    **{name: frozenset({"evaluation:write"}) for name in EVALUATOR_TOKENS},
    EXCHANGE_EDITOR: frozenset({"exchange:read", "exchange:write"}),
    EXCHANGE_APPROVER: frozenset({"exchange:read", "exchange:approve"}),
    # The exchange's own token for the registry's screen (given to it at start, not to people).
    EXCHANGE_SCREEN: frozenset({"registry:screen"}),
}  # fmt: skip
#: Whose records each development token reads and writes (the rest are the operator's): each
#: node has two agencies and two donors.
DEV_OWNERS: dict[str, str] = {
    DEMO_TOKEN: "agency:demo-1",
    SECOND_AGENCY_TOKEN: "agency:demo-2",
    DONOR_TOKEN: "donor:demo-1",
    SECOND_DONOR_TOKEN: "donor:demo-2",
}
#: The hub's development tokens, under ``"hub"`` in the same file.
HUB_DEV_TOKENS: dict[str, frozenset[str]] = {
    "hub:read": frozenset({"hub:read"}),
    "hub:admin": frozenset({"hub:admin"}),
    "hub:advise": frozenset({"hub:advise"}),
    "donor-member": frozenset({"hub:member"}),
}
#: The coordination group's demo roles at the hub (each country's member token is added by
#: ``hub_member_tokens``): a donor's representative and an expert.
HUB_DEV_OWNERS: dict[str, str] = {"donor-member": "donor:demo-fund", "hub:advise": "expert:demo-1"}


def hub_dev_tokens(codes: list[str]) -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """The hub's demo tokens and their owners, with a member token per country ``member-<code>``."""
    wanted = dict(HUB_DEV_TOKENS) | {f"member-{c}": frozenset({"hub:member"}) for c in codes}
    owners = dict(HUB_DEV_OWNERS) | {f"member-{c}": f"state:{c}" for c in codes}
    return wanted, owners


def dev_tokens(
    tokens_file: Path,
    known: dict[str, str],
    wanted: dict[str, frozenset[str]] = DEV_TOKENS,
    owners: dict[str, str] = DEV_OWNERS,
) -> dict[str, str]:
    """Development tokens of a node or the hub: ``known`` ones that still verify, else new ones."""
    store = TokenStore(tokens_file)
    tokens: dict[str, str] = {}
    for name, scopes in wanted.items():
        token, owner = known.get(name), owners.get(name, OPERATOR)
        principal = store.verify(token) if isinstance(token, str) else None
        if principal is not None and (principal.scopes, principal.owner) == (scopes, owner):
            tokens[name] = token  # type: ignore[assignment]
            continue
        # An earlier demo token of this name whose plain text is lost only lingers: retire it.
        for token_id, entry in list_tokens(tokens_file).items():
            if entry.get("name") == f"demo-{name}":
                store.revoke(token_id)
        tokens[name] = store.create(f"demo-{name}", scopes, owner=owner)
    return tokens
