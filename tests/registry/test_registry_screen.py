# ruff: noqa: RUF001 -- Cyrillic test texts are the point.
"""The registry's screen: no names back, spans only with registry:read, logged, limited per day."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from registry_support import Registry, create, person
from sqlalchemy import text

from concordia.core.auth import TokenStore


async def test_screen_shows_spans_only_to_readers_and_is_limited(
    make_registry: Callable[..., Awaitable[Registry]],
) -> None:
    registry = await make_registry(screen_per_day=2)
    assert (
        await create(registry, person(1, name="Тестова Вера", aliases=["Сова"]))
    ).status_code == 201
    store = TokenStore(registry.settings.tokens_file)
    screen_only = {"Authorization": f"Bearer {store.create('screen-a', {'registry:screen'})}"}
    reader = store.create("screen-b", {"registry:screen", "registry:read"})
    body = {"texts": [{"field": "body", "text": "Помощь Тестовой; Вера пришла сама."}]}
    blind = await registry.client.post("/v1/screen", json=body, headers=screen_only)
    assert blind.status_code == 200, blind.text
    assert blind.json() == {"match": True, "fields": ["body"], "matches": None}
    seen = await registry.client.post(
        "/v1/screen", json=body, headers={"Authorization": f"Bearer {reader}"}
    )
    assert seen.json()["matches"] == [{"field": "body", "start": 7, "end": 15, "kind": "name"}]
    assert "Тестов" not in seen.text
    await registry.client.post("/v1/screen", json=body, headers=screen_only)
    limited = await registry.client.post("/v1/screen", json=body, headers=screen_only)
    assert limited.status_code == 429
    no_scope = await registry.client.post("/v1/screen", json=body, headers=registry.rw)
    assert no_scope.status_code == 403
    async with registry.app.state.concordia.db.unit_of_work(write=False) as session:
        logged = (await session.execute(text("SELECT token_name, matches FROM screen_log"))).all()
    assert sorted(logged) == [("screen-a", 1), ("screen-a", 1), ("screen-b", 1)]


def test_name_tokens_outside_russian_are_matched_as_written() -> None:
    """An alias in a script the Russian analyser does not know never breaks the screen."""
    from concordia.registry.service.screen_forms import all_forms

    assert all_forms("\U0001828a") == {"\U0001828a"}  # a Tangut character: no Unicode name
    assert {"тестовой", "testovoi"} <= all_forms("Тестова")  # Russian still declines
