"""Checks of rendered pages: text left out of gettext (the pseudo-locale), visible words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Text without letters needs no translation (numbers, dashes, punctuation).
_NO_WORDS = re.compile(r"^[\W\d_]*$")
_MARKED = re.compile(r"⟦[^⟦⟧]*⟧")  # innermost first: marks nest
_SPOKEN_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
_VOID = {"meta", "link", "input", "br", "img", "hr", "source", "col", "area", "base", "wbr"}


class _Walker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.unmarked: list[str] = []
        self.text: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = values.get("translate") == "no" or tag in ("script", "style")
        if not self._skipping() and not skip:
            for name in _SPOKEN_ATTRIBUTES:
                if values.get(name):
                    self._check(values[name] or "", f"@{name}")
        if tag not in _VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if not self._skipping():
            self._check(data, "text")

    def _check(self, text: str, where: str) -> None:
        rest, previous = text, None
        while rest != previous:
            previous, rest = rest, _MARKED.sub("", rest)
        if not _NO_WORDS.match(rest):
            self.unmarked.append(f"{where}: {text.strip()!r}")


def untranslated(html: str) -> list[str]:
    """Every text and spoken attribute of a page in the pseudo-locale that gettext did not mark
    (data stands in elements marked ``translate="no"``)."""
    walker = _Walker()
    walker.feed(html)
    return walker.unmarked


def visible_text(html: str) -> str:
    """The page's text, whitespace collapsed."""
    walker = _Walker()
    walker.feed(html)
    return " ".join(" ".join(walker.text).split())
