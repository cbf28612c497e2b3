# ruff: noqa: RUF001, RUF002 -- Cyrillic letters are this module's subject.
"""One stemmer for both search engines: the same words in, the same stems out.

Words are split here (letters and digits), lower-cased, ё read as е, and stemmed by their
script: Cyrillic words with the Russian Snowball stemmer, Latin ones with the English one. The
index stores the stems as plain space-separated text, so SQLite FTS5 (``unicode61`` without
diacritic folding) and PostgreSQL (``to_tsvector('simple', ...)``) see the same tokens, and a
query is stemmed the same way: "разрешение" finds "разрешения", "permits" finds "permit".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import snowballstemmer

_WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[а-яё]")
#: Longest word kept: longer "words" are noise (hashes, base64) and bloat the index.
_MAX_WORD = 40


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


def stem(word: str) -> str:
    """The stem of one word (already lower-case)."""
    language = "russian" if _CYRILLIC.search(word) else "english"
    return str(_stemmer(language).stemWord(word))


def stems(text: str) -> list[str]:
    """The stems of every word of ``text``, in order."""
    out = []
    for match in _WORD.finditer(text.lower().replace("ё", "е")):
        word = match.group()
        if len(word) <= _MAX_WORD:
            out.append(stem(word))
    return out


def index_text(texts: Iterable[str | None]) -> str:
    """The stemmed text to index for a practice: every text, stems separated by spaces."""
    return " ".join(s for text in texts if text for s in stems(text))


def query_terms(q: str) -> list[str]:
    """The distinct stems of a search query, in order (every one must match)."""
    return list(dict.fromkeys(stems(q)))
