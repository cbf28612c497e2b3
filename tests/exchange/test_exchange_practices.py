# ruff: noqa: RUF001 -- Cyrillic test texts are the point.
"""Practices: revisions, If-Match, workflow, four eyes, the screen, bad input."""

from __future__ import annotations

from exchange_support import Exchange, practice


async def test_every_edit_is_a_new_revision_and_history_is_readable(exchange: Exchange) -> None:
    c = exchange.client
    created = await c.post("/v1/practices", json=practice(), headers=exchange.auth("editor"))
    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    body = created.json()
    assert body["workflow"] == "draft"
    assert body["owner"] == "agency:test-migration"
    pid = body["id"]
    stale = await c.patch(
        f"/v1/practices/{pid}", json={"title": "Changed"},
        headers=exchange.auth("editor") | {"If-Match": '"7"'},
    )  # fmt: skip
    assert stale.status_code == 412
    edited = await c.patch(
        f"/v1/practices/{pid}", json={"title": "Test practice, second revision"},
        headers=exchange.auth("editor") | {"If-Match": '"1"'},
    )  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] == '"2"'
    assert edited.json()["title"] == "Test practice, second revision"
    history = (
        await c.get(f"/v1/practices/{pid}/revisions", headers=exchange.auth("reader"))
    ).json()
    assert [(r["number"], r["state"], r["title"][:15]) for r in history] == [
        (1, "superseded", "Test practice 0"),
        (2, "draft", "Test practice, "),
    ]


async def test_approval_by_the_editor_is_refused(exchange: Exchange) -> None:
    c = exchange.client
    pid = (
        await c.post("/v1/practices", json=practice(), headers=exchange.auth("editor-approver"))
    ).json()["id"]
    await c.post(f"/v1/practices/{pid}/submit", headers=exchange.auth("editor-approver"))
    own = await c.post(
        f"/v1/practices/{pid}/approve", json={}, headers=exchange.auth("editor-approver")
    )
    assert own.status_code == 403
    assert "second person" in own.json()["detail"]
    no_scope = await c.post(
        f"/v1/practices/{pid}/approve", json={}, headers=exchange.auth("editor2")
    )
    assert no_scope.status_code == 403
    other = await c.post(f"/v1/practices/{pid}/approve", json={}, headers=exchange.auth("approver"))
    assert other.status_code == 200, other.text
    assert other.json()["workflow"] == "published"
    assert other.json()["published_revision"] == 1


async def test_a_draft_cannot_be_approved_before_it_is_submitted(exchange: Exchange) -> None:
    c = exchange.client
    pid = (await c.post("/v1/practices", json=practice(), headers=exchange.auth("editor"))).json()[
        "id"
    ]
    early = await c.post(f"/v1/practices/{pid}/approve", json={}, headers=exchange.auth("approver"))
    assert early.status_code == 409


async def _register(exchange: Exchange, name: str, aliases: list[str]) -> None:
    person = {
        "name": name, "aliases": aliases, "gender": "female", "host_country": "SE",
        "risk_level": "high",
    }  # fmt: skip
    answer = await exchange.registry.post(
        "/v1/persons", json=person,
        headers={
            "Authorization": f"Bearer {exchange.tokens['registry-rw']}",
            "X-Purpose": "registration",
        },
    )  # fmt: skip
    assert answer.status_code == 201, answer.text


async def test_the_screen_blocks_a_registered_persons_alias_until_a_reason_is_given(
    exchange: Exchange,
) -> None:
    await _register(exchange, "Тестова Вера Петровна", ["Сова"])
    body = practice(body="Синтетический текст: помощь оказана Сове и её семье в срок.")
    submitted = await exchange.publish(body, approve=False)
    pid, c = submitted["id"], exchange.client
    blocked = await c.post(
        f"/v1/practices/{pid}/approve", json={}, headers=exchange.auth("approver")
    )
    assert blocked.status_code == 409
    assert "body" in blocked.json()["detail"]
    assert "Сов" not in blocked.json()["detail"]  # no name, no text: only where
    overridden = await c.post(
        f"/v1/practices/{pid}/approve",
        json={"override_reason": "Сова is the name of a synthetic owl programme here"},
        headers=exchange.auth("approver"),
    )
    assert overridden.status_code == 200, overridden.text
    history = (
        await c.get(f"/v1/practices/{pid}/revisions", headers=exchange.auth("reader"))
    ).json()
    assert history[-1]["overridden"] is True


async def test_the_screen_finds_case_forms_and_transliterations_not_given_names(
    exchange: Exchange,
) -> None:
    await _register(exchange, "Тестова Вера Петровна", [])
    c = exchange.client
    for text, blocked in [
        ("Программа помогла Тестовой получить разрешение.", True),
        ("A synthetic case: Ms Testova received a permit.", True),
        ("A synthetic case: Ms Testowa received a permit.", True),
        ("Вера в успех программы помогла многим.", False),
        ("Contact the desk at desk@example.org for details.", True),
        ("Call +46 70 123 45 67 for details.", True),
    ]:
        pid = (await exchange.publish(practice(summary=text), approve=False))["id"]
        answer = await c.post(
            f"/v1/practices/{pid}/approve", json={}, headers=exchange.auth("approver")
        )
        assert answer.status_code == (409 if blocked else 200), (text, answer.text)


async def test_bad_input_names_the_field(exchange: Exchange) -> None:
    c = exchange.client
    bad = await c.post(
        "/v1/practices", json=practice(topic="astrology"), headers=exchange.auth("editor")
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "topic"]
    clash = await c.post(
        "/v1/practices",
        json=practice(translations=[{"language": "en", "title": "T", "summary": "S", "body": "B"}]),
        headers=exchange.auth("editor"),
    )
    # Each field valid, a rule between them broken: 409 inconsistent-fields, naming the rule.
    assert clash.status_code == 409, clash.text
    assert clash.json()["type"] == "urn:concordia:problem:inconsistent-fields"
    assert "own language" in clash.json()["errors"][0]["msg"]
    unauth = await c.post("/v1/practices", json=practice())
    assert unauth.status_code == 401


async def test_an_edit_breaking_the_translations_rule_is_a_409(exchange: Exchange) -> None:
    """A translation that clashes only once merged with the stored revision: 409, not 500."""
    c = exchange.client
    translated = practice(translations=[{"language": "ru", "title": "T", "summary": "S",
                                         "body": "B"}])  # fmt: skip
    pid = (await c.post("/v1/practices", json=translated, headers=exchange.auth("editor"))).json()[
        "id"
    ]
    clash = await c.patch(
        f"/v1/practices/{pid}", json={"language": "ru"}, headers=exchange.auth("editor")
    )
    assert clash.status_code == 409, clash.text
    assert clash.json()["type"] == "urn:concordia:problem:inconsistent-fields"


async def test_an_edit_never_sets_a_required_field_to_null(exchange: Exchange) -> None:
    """``null`` clears only the optional texts; for a field every practice has it is a 422
    (the schema says so too), never a 500."""
    c = exchange.client
    pid = (await c.post("/v1/practices", json=practice(), headers=exchange.auth("editor"))).json()[
        "id"
    ]
    for field in ("title", "body", "topic", "language", "tags", "translations"):
        refused = await c.patch(
            f"/v1/practices/{pid}", json={field: None}, headers=exchange.auth("editor")
        )
        assert refused.status_code == 422, (field, refused.text)
        assert refused.json()["errors"][0]["loc"][:2] == ["body", field]
    cleared = await c.patch(
        f"/v1/practices/{pid}", json={"what_worked": None}, headers=exchange.auth("editor")
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["what_worked"] is None


async def test_a_visible_character_means_the_same_to_the_server_and_the_schema(
    exchange: Exchange,
) -> None:
    """The body needs a character that is not blank; U+001C counts as one (it is no space to
    JSON Schema), U+FEFF and U+0085 do not (blank to one engine or the other, so to both)."""
    c = exchange.client
    for body, accepted in (("\x1c", True), ("\ufeff", False), ("\x85 ", False), ("x", True)):
        answer = await c.post(
            "/v1/practices", json=practice(body=body), headers=exchange.auth("editor")
        )
        assert answer.status_code == (201 if accepted else 422), (body, answer.text)
