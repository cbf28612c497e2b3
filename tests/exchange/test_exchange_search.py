# ruff: noqa: RUF001 -- Cyrillic test texts are the point.
"""Search: inflected forms match, filters, facets, cursor pages; the same set on both engines.

The database fixtures run this on SQLite and (with CONCORDIA_TEST_DATABASE_URL) PostgreSQL, and
each query's expected set is written once here: both engines must find exactly it.
"""

from __future__ import annotations

from exchange_support import Exchange, practice

CORPUS = [
    practice(0, title="Разрешения на работу для журналистов", language="ru",
             summary="Синтетическая программа выдала разрешения за десять дней.",
             body="Текст о разрешениях.", topic="work_permits", country="SE"),
    practice(1, title="Residence permit for researchers", summary="A synthetic permit track.",
             body="Researchers got a residence permit.", topic="residence_permits", country="DE"),
    practice(2, title="Funding independent media", summary="Synthetic grants for newsrooms.",
             body="Grants were paid monthly.", topic="media_support", country="PL",
             translations=[{"language": "ru", "title": "Финансирование СМИ",
                            "summary": "Гранты редакциям.", "body": "Выплаты ежемесячно."}]),
    practice(3, title="Coordination between ministries", summary="A synthetic joint desk.",
             body="Foreign and migration ministries met weekly.", topic="ministry_coordination",
             country="SE", language="en"),
]  # fmt: skip

for _body in CORPUS:
    _body["tags"] = []

QUERIES = {
    "разрешение": {0},
    "permits": {1},
    "permitting": {1},
    "гранты": {2},
    "ministry": {3},
    "synthetic permit": {1},
    "nothing-like-this": set(),
}


async def _load(exchange: Exchange) -> list[str]:
    ids = []
    for body in CORPUS:
        created = await exchange.client.post(
            "/v1/practices", json=body, headers=exchange.auth("editor")
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    return ids


async def test_the_same_matches_with_inflected_forms(exchange: Exchange) -> None:
    ids = await _load(exchange)
    for q, expected in QUERIES.items():
        page = await exchange.client.get(
            "/v1/practices", params={"q": q}, headers=exchange.auth("reader")
        )
        assert page.status_code == 200, page.text
        found = {ids.index(hit["id"]) for hit in page.json()["items"]}
        assert found == expected, q


async def test_filters_and_facets(exchange: Exchange) -> None:
    await _load(exchange)
    get = exchange.client.get
    everything = (await get("/v1/practices", headers=exchange.auth("reader"))).json()
    assert everything["total"] == 4
    assert everything["facets"]["country"] == {"SE": 2, "DE": 1, "PL": 1}
    assert everything["facets"]["language"] == {"en": 3, "ru": 2}
    ru = (await get("/v1/practices", params={"lang": "ru"}, headers=exchange.auth("reader"))).json()
    assert {h["title"] for h in ru["items"]} == {CORPUS[0]["title"], CORPUS[2]["title"]}
    se = (
        await get(
            "/v1/practices",
            params={"country": "SE", "topic": "ministry_coordination"},
            headers=exchange.auth("reader"),
        )
    ).json()
    assert [h["title"] for h in se["items"]] == [CORPUS[3]["title"]]
    published = await get(
        "/v1/practices", params={"status": "published"}, headers=exchange.auth("reader")
    )
    assert published.json()["total"] == 0


async def test_cursor_pages_cover_every_match_once(exchange: Exchange) -> None:
    ids = await _load(exchange)
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 1, "q": "synthetic"}
    while True:
        page = (
            await exchange.client.get(
                "/v1/practices", params=params, headers=exchange.auth("reader")
            )
        ).json()
        seen += [h["id"] for h in page["items"]]
        if page["next"] is None:
            break
        params["after"] = page["next"]
    # "synthetic" is in 1, 2 and 3; practice 0 says "Синтетическая", another word.
    assert sorted(seen) == sorted([ids[1], ids[2], ids[3]])
    assert len(seen) == page["total"] == 3
