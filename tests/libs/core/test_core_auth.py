"""concordia.core.auth: tokens stored hashed, verified in constant time, scopes enforced."""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI, Header

from concordia.core.auth import SCOPES, Caller, Principal, TokenStore, caller, require


@pytest.fixture
def store(tmp_path: Path) -> TokenStore:
    """A token store on a file of its own (not created until the first token)."""
    return TokenStore(tmp_path / "node" / "tokens.json")


def _parts(token: str) -> tuple[str, str, str]:
    prefix, token_id, secret = token.split("_", 2)
    return prefix, token_id, secret


def test_create_returns_a_token_that_verifies_to_its_principal(store: TokenStore) -> None:
    token = store.create("test-agency-sync", {"registry:read", "registry:write"})
    prefix, token_id, _ = _parts(token)
    assert prefix == "cnc"
    assert store.verify(token) == Principal(
        token_id=token_id,
        name="test-agency-sync",
        scopes=frozenset({"registry:read", "registry:write"}),
    )


def test_file_keeps_only_the_hash_of_the_secret(store: TokenStore) -> None:
    token = store.create("test-donor", {"ledger:write"})
    _, token_id, secret = _parts(token)
    text = store.path.read_text()
    assert secret not in text
    entry = json.loads(text)["tokens"][token_id]
    assert entry["sha256"] == hashlib.sha256(secret.encode()).hexdigest()
    assert entry["scopes"] == ["ledger:write"]
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_unknown_scope_is_refused_and_nothing_is_written(store: TokenStore) -> None:
    with pytest.raises(ValueError, match="unknown scopes: registry:destroy"):
        store.create("test-bad", {"registry:read", "registry:destroy"})
    assert not store.path.exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # wrong secret
        lambda t: "xyz" + t[3:],  # wrong prefix
        lambda t: "cnc_000000000000_" + _parts(t)[2],  # unknown id, right secret
        lambda t: "cnc_" + _parts(t)[1],  # no secret at all
        lambda t: "",
        lambda t: "garbage",
    ],
    ids=["wrong-secret", "wrong-prefix", "unknown-id", "no-secret", "empty", "garbage"],
)
def test_invalid_tokens_verify_to_none(store: TokenStore, mangle: Callable[[str], str]) -> None:
    token = store.create("test-reader", {"feed:read"})
    assert store.verify(mangle(token)) is None
    assert store.verify(token) is not None  # the genuine one still works


def test_missing_file_knows_no_token(store: TokenStore) -> None:
    assert store.verify("cnc_0123456789ab_secret") is None


def test_revoke_takes_effect_and_reports_whether_it_existed(store: TokenStore) -> None:
    kept = store.create("test-kept", {"ops"})
    gone = store.create("test-gone", {"ops"})
    assert store.revoke(_parts(gone)[1]) is True
    assert store.revoke(_parts(gone)[1]) is False
    assert store.verify(gone) is None
    assert store.verify(kept) is not None


def test_a_second_store_on_the_same_file_sees_changes(store: TokenStore) -> None:
    """The file is re-read when it changes: `concordia token create` needs no restart."""
    reader = TokenStore(store.path)
    assert reader.verify("cnc_0123456789ab_x") is None  # loads the (missing) file once
    token = store.create("test-late", {"hub:read"})
    assert reader.verify(token) is not None
    store.revoke(_parts(token)[1])
    assert reader.verify(token) is None


def _app(store: TokenStore) -> FastAPI:
    app = FastAPI()
    app.state.concordia = SimpleNamespace(tokens=store)  # what require() reads of the state

    @app.get("/write", dependencies=[require("registry:read", "registry:write")])
    async def write() -> dict[str, str]:
        return {"ok": "write"}

    @app.get("/read")
    async def read(
        principal: Principal = require("registry:read", "ops", any_of=True),
    ) -> dict[str, str]:
        return {"name": principal.name}

    return app


async def _get(app: FastAPI, path: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path, headers=headers)


async def test_require_all_scopes(store: TokenStore) -> None:
    app = _app(store)
    both = store.create("test-both", {"registry:read", "registry:write"})
    one = store.create("test-one", {"registry:read"})
    assert (await _get(app, "/write", both)).status_code == 200
    lacking = await _get(app, "/write", one)
    assert lacking.status_code == 403
    assert lacking.json()["detail"] == "token lacks scope: registry:write"


async def test_require_any_of(store: TokenStore) -> None:
    app = _app(store)
    ops = store.create("test-ops", {"ops"})
    feed = store.create("test-feed", {"feed:read"})
    answer = await _get(app, "/read", ops)
    assert (answer.status_code, answer.json()) == (200, {"name": "test-ops"})
    lacking = await _get(app, "/read", feed)
    assert lacking.status_code == 403
    assert lacking.json()["detail"] == "token lacks scope: one of ops, registry:read"


@pytest.mark.parametrize("token", [None, "cnc_0123456789ab_forged"])
async def test_missing_or_unknown_token_is_401(store: TokenStore, token: str | None) -> None:
    store.create("test-someone", set(SCOPES))
    answer = await _get(_app(store), "/write", token)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"


async def _purpose(x_purpose: Annotated[str, Header()]) -> str:
    return x_purpose.strip()


Reader = Annotated[
    Caller, caller("registry:read", admin="registry:admin", purpose=Depends(_purpose))
]


def _caller_app(store: TokenStore) -> FastAPI:
    app = FastAPI()
    app.state.concordia = SimpleNamespace(tokens=store)

    @app.get("/who")
    async def who(who: Reader) -> dict[str, object]:
        return {"owner": who.owner, "scope": who.scope, "purpose": who.purpose, "admin": who.admin,
                "owns_other": who.owns("agency:other")}  # fmt: skip

    return app


async def test_a_caller_carries_its_purpose_and_its_owner_scope(store: TokenStore) -> None:
    app = _caller_app(store)
    agency = store.create("test-agency", {"registry:read"}, owner="agency:one")
    admin = store.create("test-admin", {"registry:read", "registry:admin"})
    headers = {"X-Purpose": " safety_check "}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        mine = await client.get("/who", headers={"Authorization": f"Bearer {agency}", **headers})
        every = await client.get("/who", headers={"Authorization": f"Bearer {admin}", **headers})
        unsaid = await client.get("/who", headers={"Authorization": f"Bearer {agency}"})
    assert mine.json() == {
        "owner": "agency:one", "scope": "agency:one", "purpose": "safety_check", "admin": False,
        "owns_other": False,
    }  # fmt: skip
    assert every.json() == {
        "owner": "operator", "scope": None, "purpose": "safety_check", "admin": True,
        "owns_other": True,
    }  # fmt: skip
    assert unsaid.status_code == 422


def test_a_caller_is_a_principal_without_an_admin_scope_by_default() -> None:
    who = Caller(token_id="t", name="test", scopes=frozenset({"hub:admin"}), owner="donor:x")
    assert isinstance(who, Principal)
    assert (who.admin, who.scope, who.owns("donor:x"), who.owns("donor:y")) == (
        False, "donor:x", True, False,
    )  # fmt: skip
