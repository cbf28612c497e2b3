"""The exchange console: this node's practices in draft, in review and published."""

from __future__ import annotations

import csv
import io

from exchange_support import Exchange, practice
from web_support import untranslated


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


async def test_practices_by_state(exchange: Exchange) -> None:
    draft = await exchange.client.post(
        "/v1/practices", json=practice(1), headers=exchange.auth("editor")
    )
    assert draft.status_code == 201
    await exchange.publish(practice(2), approve=False)
    await exchange.publish(practice(3))
    rows = _csv((await exchange.client.get("/console?csv=practices",
                                           headers=exchange.auth("reader"))).text)  # fmt: skip
    states = {r[1]: r[0] for r in rows[1:]}
    assert states == {
        practice(1)["title"]: "Draft", practice(2)["title"]: "In review",
        practice(3)["title"]: "Published",
    }  # fmt: skip
    page = await exchange.client.get("/console", headers=exchange.auth("reader"))
    assert page.status_code == 200
    assert "Practices by state" in page.text
    pseudo = await exchange.client.get("/console?lang=qps", headers=exchange.auth("reader"))
    assert untranslated(pseudo.text) == []
    refused = await exchange.client.get("/console", headers=exchange.auth("registry-rw"))
    assert refused.status_code == 403
    assert practice(1)["title"] not in refused.text
