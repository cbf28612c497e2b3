"""Search over local and replicated practices: ranked, filtered, faceted, a cursor at a time.

Both engines index the same stemmed text (``stemming``) and match a practice when it holds
every stem of the query: SQLite FTS5 (``practice_fts``, external content on
``practice_search``, kept in step by triggers) and PostgreSQL (``to_tsvector('simple', ...)``
stored in a generated column with a GIN index, ``plainto_tsquery``, which ANDs the terms). So
the set of matches is the same on both; only the ranks differ (bm25 against ts_rank).
"""

from __future__ import annotations

import base64
import math
import struct
import sys
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.exchange.models import Practice, PracticeLanguage, PracticeSearch
from concordia.exchange.schemas import Facets, PracticeHit, SearchPage
from concordia.exchange.stemming import index_text, query_terms

TEXT_FIELDS = ("title", "summary", "body", "legal_basis", "what_worked", "what_did_not")


def searchable(content: dict[str, Any]) -> str:
    """The stemmed text of a revision's content, translations and tags included."""
    texts = [content.get(name) for name in TEXT_FIELDS]
    for translation in content.get("translations", []):
        texts += [translation["title"], translation["summary"], translation["body"]]
    texts += [" ".join(content.get("tags", []))]
    return index_text(texts)


async def reindex(session: AsyncSession, practice: Practice, content: dict[str, Any]) -> None:
    """Index the served revision of ``practice`` (replacing what was indexed)."""
    await session.execute(delete(PracticeSearch).where(PracticeSearch.practice_id == practice.id))
    await session.execute(
        delete(PracticeLanguage).where(PracticeLanguage.practice_id == practice.id)
    )
    await session.flush()
    session.add(PracticeSearch(practice_id=practice.id, stemmed=searchable(content)))
    for language in languages_of(content):
        session.add(PracticeLanguage(practice_id=practice.id, language=language))


def languages_of(content: dict[str, Any]) -> list[str]:
    """The practice's own language, then its translations'."""
    return [content["language"], *(t["language"] for t in content.get("translations", []))]


#: A cursor is 24 bytes (the score as a double, the practice id), 32 base64url characters:
#: every string of that shape names a position, so the schema states exactly what is accepted.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{32}$"


def encode_after(score: float, practice_id: uuid.UUID) -> str:
    """An opaque cursor after a hit with ``score``."""
    raw = struct.pack(">d", score) + practice_id.bytes
    return base64.urlsafe_b64encode(raw).decode()


def decode_after(after: str) -> tuple[float, uuid.UUID]:
    """The position a cursor names (any cursor of the pattern: a forged one is only a position)."""
    raw = base64.urlsafe_b64decode(after)
    (score,) = struct.unpack(">d", raw[:8])
    if math.isnan(score):
        score = 0.0
    score = max(-sys.float_info.max, min(sys.float_info.max, score))
    return score, uuid.UUID(bytes=raw[8:24])


def _matching(dialect: str, q: str | None) -> tuple[Select[Any], Any] | None:
    """Matching practice ids with a score; None when the query has no word (nothing matches)."""
    if not q:
        everything: Any = select(Practice.id.label("pid"), literal(0.0).label("score"))
        return everything, literal(0.0)
    terms = query_terms(q)
    if not terms:
        return None
    if dialect == "sqlite":
        # Terms are letters and digits only (``stemming``), so quoting each is safe.
        expr = " ".join(f'"{term}"' for term in terms)
        fts: ColumnElement[Any] = literal_column("practice_fts")
        score: Any = -func.bm25(fts)
        query = (
            select(PracticeSearch.practice_id.label("pid"), score.label("score"))
            .select_from(table("practice_fts"))
            .join(PracticeSearch, PracticeSearch.seq == literal_column("practice_fts.rowid"))
            .where(fts.op("MATCH")(expr))
        )
        return query, score
    # ``stemmed_tsv``: to_tsvector('simple', stemmed), stored and GIN-indexed (a migration's
    # generated column), so ranking never rebuilds a vector from the text.
    vector: ColumnElement[Any] = literal_column("practice_search.stemmed_tsv")
    tsquery = func.plainto_tsquery(literal_column("'simple'"), " ".join(terms))
    score = func.ts_rank(vector, tsquery)  # PostgreSQL: higher is better
    query = select(PracticeSearch.practice_id.label("pid"), score.label("score")).where(
        vector.op("@@")(tsquery)
    )
    return query, score


async def search(
    session: AsyncSession,
    *,
    q: str | None,
    topic: str | None,
    country: str | None,
    status: str | None,
    lang: str | None,
    after: str | None,
    limit: int,
) -> SearchPage:
    """One page of matching practices, best first, with facets over every match."""
    found = _matching(session.get_bind().dialect.name, q)
    if found is None:
        empty = Facets(topic={}, country={}, language={})
        return SearchPage(items=[], facets=empty, total=0, next=None)
    matches = found[0].subquery("m")
    filters: list[ColumnElement[bool]] = []
    if topic:
        filters.append(Practice.topic == topic)
    if country:
        filters.append(Practice.country == country)
    if status:
        filters.append(Practice.workflow == status)
    if lang:
        filters.append(
            exists().where(
                PracticeLanguage.practice_id == Practice.id, PracticeLanguage.language == lang
            )
        )
    base = select(Practice, matches.c.score).join(matches, matches.c.pid == Practice.id)
    base = base.where(*filters)
    facet_rows = (
        await session.execute(
            select(Practice.topic, Practice.country, Practice.languages)
            .join(matches, matches.c.pid == Practice.id)
            .where(*filters)
        )
    ).all()
    page_query = base.order_by(matches.c.score.desc(), Practice.id).limit(limit)
    if after is not None:
        score, last = decode_after(after)
        page_query = page_query.where(
            or_(matches.c.score < score, and_(matches.c.score == score, Practice.id > last))
        )
    rows = (await session.execute(page_query)).all()
    items = [_hit(practice, float(score)) for practice, score in rows]
    nxt = encode_after(items[-1].score, items[-1].id) if len(items) == limit else None
    return SearchPage(items=items, facets=_facets(facet_rows), total=len(facet_rows), next=nxt)


def _facets(rows: Sequence[Any]) -> Facets:
    topics, countries, languages = Counter[str](), Counter[str](), Counter[str]()
    for topic, country, langs in rows:
        topics[topic] += 1
        countries[country] += 1
        languages.update(set(langs))
    return Facets(topic=dict(topics), country=dict(countries), language=dict(languages))


def _hit(practice: Practice, score: float) -> PracticeHit:
    return PracticeHit(
        id=practice.id, origin=practice.origin, title=practice.title, topic=practice.topic,
        country=practice.country, language=practice.language, languages=practice.languages,
        standing=practice.standing, workflow=practice.workflow, revision=practice.revision,
        updated_at=practice.updated_at, score=score,
    )  # fmt: skip
