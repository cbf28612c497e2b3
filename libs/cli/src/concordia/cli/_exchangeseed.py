# ruff: noqa: RUF001 - Russian demo text is meant to be Cyrillic
"""Demo practices for a node's exchange: a few synthetic ones, written, screened and approved.

Each node writes one practice in English (with Russian and host-language translations), one
in Russian and, where the demo has texts for it, one in the host language; an editor token
submits them and an approver token approves them (four eyes), so they pass the registry's
screen and travel to every other node through the hub. Titles start with "Demo practice" in
their language; no text names anyone. A node that already has practices of its own is left
as it is, so a second ``concordia up`` adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from concordia.cli._seedhttp import SeedError

#: The development tokens that write and approve the demo practices (names, not secrets).
EDITOR_TOKEN, APPROVER_TOKEN = "exchange-editor", "exchange-approver"

#: The host language of a demo node's country (ISO 639-1), where the exchange knows it.
HOST_LANGUAGES = {
    "se": "sv", "pl": "pl", "de": "de", "fi": "fi", "ee": "et", "lv": "lv", "lt": "lt",
    "cz": "cs", "fr": "fr", "nl": "nl", "dk": "da", "no": "no", "ua": "uk",
}  # fmt: skip

_EN = {
    "title": "Demo practice ({cc}): a ten-day work permit track for threatened journalists",
    "summary": "Synthetic demo text: how a ministry issued work permits within ten days to "
    "journalists at risk, with an employer letter instead of a contract.",
    "body": "## What we did\nSynthetic demo text. A dedicated desk checked the employer letter "
    "and the risk assessment together, and issued the permit within ten working days.",
}
_RU = {
    "title": "Демо-практика ({cc}): координация министерств иностранных дел и миграции",
    "summary": "Синтетический демонстрационный текст: совместная рабочая группа рассматривала "
    "разрешения для журналистов в изгнании за две недели.",
    "body": "## Что мы сделали\nСинтетический текст. Министерства обменивались оценками рисков "
    "и выдавали разрешения на работу без повторных проверок.",
}
_HOST: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Demopraxis ({cc}): finansiering av exilmedier genom en gemensam fond",
        "summary": "Syntetisk demotext: en fond med flera givare stödjer oberoende medier i "
        "exil med fleråriga bidrag.",
        "body": "## Vad vi gjorde\nSyntetisk demotext. Fonden beslutar två gånger om året och "
        "utvärderas av oberoende bedömare.",
    },
    "pl": {
        "title": "Praktyka demo ({cc}): finansowanie mediów na uchodźstwie przez wspólny fundusz",
        "summary": "Syntetyczny tekst demo: fundusz kilku darczyńców wspiera niezależne media "
        "na uchodźstwie grantami wieloletnimi.",
        "body": "## Co zrobiliśmy\nSyntetyczny tekst demo. Fundusz decyduje dwa razy w roku i "
        "jest oceniany przez niezależnych ekspertów.",
    },
    "de": {
        "title": "Demo-Praxis ({cc}): Finanzierung von Exilmedien über einen gemeinsamen Fonds",
        "summary": "Synthetischer Demotext: Ein Fonds mehrerer Geber unterstützt unabhängige "
        "Exilmedien mit mehrjährigen Zuschüssen.",
        "body": "## Was wir getan haben\nSynthetischer Demotext. Der Fonds entscheidet zweimal im "
        "Jahr und wird von unabhängigen Gutachtern bewertet.",
    },
}


@dataclass(frozen=True)
class ExchangeSeedSummary:
    """What the exchange seed did at one node."""

    published: int
    languages: tuple[str, ...]
    skipped: bool = False

    def describe(self) -> str:
        """One line for the console."""
        if self.skipped:
            return "practices already there (kept)"
        return f"{self.published} practices published ({', '.join(self.languages)})"


def _text(texts: dict[str, str], cc: str) -> dict[str, str]:
    return {key: value.format(cc=cc) for key, value in texts.items()}


def demo_practices(node: str) -> list[dict[str, Any]]:
    """The practices (``PracticeCreate`` bodies) node ``node`` seeds."""
    cc, host = node.upper(), HOST_LANGUAGES.get(node)
    translations = [{"language": "ru", **_text(_RU, cc)}]
    if host in _HOST:
        translations.append({"language": host, **_text(_HOST[host], cc)})
    common = {"country": cc, "standing": "pilot", "tags": ["demo"]}
    practices: list[dict[str, Any]] = [
        {**_text(_EN, cc), **common, "language": "en", "topic": "work_permits",
         "author_role": "migration_ministry", "translations": translations},
        {**_text(_RU, cc), **common, "language": "ru", "topic": "ministry_coordination",
         "author_role": "foreign_ministry",
         "translations": [{"language": "en", **_text(_EN, cc)}]},
    ]  # fmt: skip
    if host in _HOST:
        practices.append(
            {**_text(_HOST[host], cc), **common, "language": host, "standing": "in_force",
             "topic": "media_support", "author_role": "funding_agency"}
        )  # fmt: skip
    return practices


def _ok(answer: httpx.Response, what: str) -> dict[str, Any]:
    if answer.status_code >= 400:
        raise SeedError(f"{what} failed: {answer.status_code} {answer.text[:500]}")
    return dict(answer.json())


def seed_exchange(
    *, url: str, editor_token: str, approver_token: str, node: str
) -> ExchangeSeedSummary:
    """Write, submit and approve the node's demo practices (unless it has its own already)."""
    editor = {"Authorization": f"Bearer {editor_token}"}
    approver = {"Authorization": f"Bearer {approver_token}"}
    with httpx.Client(base_url=url, timeout=60.0) as client:
        listed = _ok(client.get("/v1/practices", params={"limit": 100}, headers=editor), "list")
        if any(item.get("origin") == node for item in listed["items"]):
            return ExchangeSeedSummary(0, (), skipped=True)
        bodies = demo_practices(node)
        for body in bodies:
            pid = _ok(client.post("/v1/practices", json=body, headers=editor), "practice")["id"]
            _ok(client.post(f"/v1/practices/{pid}/submit", headers=editor), "submit")
            _ok(client.post(f"/v1/practices/{pid}/approve", json={}, headers=approver), "approve")
    return ExchangeSeedSummary(len(bodies), tuple(b["language"] for b in bodies))
