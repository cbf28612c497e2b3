# ruff: noqa: RUF001 -- Cyrillic test texts are the point.
"""Attachments: content-addressed, typed by content, size-limited, screened through their text."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from exchange_support import Exchange, practice

from concordia.exchange.codes import MEDIA_TYPES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def _draft(exchange: Exchange) -> str:
    created = await exchange.client.post(
        "/v1/practices", json=practice(), headers=exchange.auth("editor")
    )
    return str(created.json()["id"])


async def _attach(exchange: Exchange, pid: str, content: bytes, kind: str):  # type: ignore[no-untyped-def]
    return await exchange.client.post(
        f"/v1/practices/{pid}/attachments", content=content,
        headers=exchange.auth("editor") | {"Content-Type": kind},
    )  # fmt: skip


async def test_content_addressed_and_checked_by_content(
    make_exchange: Callable[..., Awaitable[Exchange]],
) -> None:
    exchange = await make_exchange(attachment_max_bytes=2048)
    pid = await _draft(exchange)
    text = b"A synthetic template for a permit application."
    stored = await _attach(exchange, pid, text, "text/plain; charset=utf-8")
    assert stored.status_code == 201, stored.text
    assert stored.json()["sha256"] == hashlib.sha256(text).hexdigest()
    again = await _attach(exchange, pid, text, "text/plain")
    assert again.json()["sha256"] == stored.json()["sha256"]
    listed = await exchange.client.get(
        f"/v1/practices/{pid}/attachments", headers=exchange.auth("reader")
    )
    assert len(listed.json()) == 1
    fetched = await exchange.client.get(
        f"/v1/practices/{pid}/attachments/{stored.json()['sha256']}",
        headers=exchange.auth("reader"),
    )
    assert fetched.content == text
    # The body and its declared type disagree: a rule between the two, 409 (schema-valid).
    lying = await _attach(exchange, pid, PNG, "application/pdf")
    assert lying.status_code == 409
    assert lying.json()["type"] == "urn:concordia:problem:inconsistent-fields"
    assert lying.json()["errors"][0]["loc"] == ["body"]
    # A type no attachment may have is the documented 415.
    other = await _attach(exchange, pid, b"<p>synthetic</p>", "text/html")
    assert other.status_code == 415, other.text
    assert "text/html" in other.json()["detail"]
    too_big = await _attach(exchange, pid, b"a" * 4096, "text/plain")
    assert too_big.status_code == 413


async def test_an_attachment_without_text_does_not_leave(exchange: Exchange) -> None:
    pid = await _draft(exchange)
    assert (await _attach(exchange, pid, PNG, "image/png")).status_code == 201
    await exchange.client.post(f"/v1/practices/{pid}/submit", headers=exchange.auth("editor"))
    blocked = await exchange.client.post(
        f"/v1/practices/{pid}/approve", json={}, headers=exchange.auth("approver")
    )
    assert blocked.status_code == 409
    assert "extracted" in blocked.json()["detail"]


async def test_attachment_text_is_screened(exchange: Exchange) -> None:
    registered = await exchange.registry.post(
        "/v1/persons",
        json={"name": "Тестова Вера", "aliases": [], "gender": "female", "host_country": "SE"},
        headers={
            "Authorization": f"Bearer {exchange.tokens['registry-rw']}",
            "X-Purpose": "registration",
        },
    )
    assert registered.status_code == 201, registered.text
    pid = await _draft(exchange)
    note = b"Synthetic letter about Ms Testova's permit."
    assert (await _attach(exchange, pid, note, "text/plain")).status_code == 201
    await exchange.client.post(f"/v1/practices/{pid}/submit", headers=exchange.auth("editor"))
    blocked = await exchange.client.post(
        f"/v1/practices/{pid}/approve", json={}, headers=exchange.auth("approver")
    )
    assert blocked.status_code == 409
    assert "attachments." in blocked.json()["detail"]


async def test_the_contract_names_every_media_type_and_answer(exchange: Exchange) -> None:
    """Upload and download document each media type an attachment may have (raw bytes: no
    schema to break), and the answers a well-formed upload may still get."""
    document = (await exchange.client.get("/openapi.json")).json()
    operations = document["paths"]["/v1/practices/{practice_id}/attachments"]
    upload = operations["post"]
    assert upload["requestBody"]["content"] == {t: {} for t in MEDIA_TYPES}
    assert {"409", "413", "415"} <= upload["responses"].keys()
    assert "content-type" not in {p["name"].lower() for p in upload.get("parameters", [])}
    download = document["paths"]["/v1/practices/{practice_id}/attachments/{sha256}"]["get"]
    assert set(download["responses"]["200"]["content"]) == set(MEDIA_TYPES)
