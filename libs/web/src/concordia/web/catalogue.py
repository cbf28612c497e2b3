"""The strings of a package's pages, as Babel extracts them, and their catalogues.

``python -m concordia.web.catalogue <package dir> <lang>`` updates
``<package dir>/locales/<lang>/LC_MESSAGES/messages.po`` from the package's Python files and
templates: new strings are added untranslated, gone ones dropped, translations kept.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

#: Python calls that mark a string (``N_``: marked now, translated where shown).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                 "lstrip_blocks": "true"}}  # fmt: skip


def extract(package: Path) -> Iterator[tuple[str, str, int]]:
    """(message id, file, line) of every string a package's pages mark for translation."""
    for filename, line, message, _comments, _context in extract_from_dir(
        str(package), method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                yield msgid, filename, line


def read(package: Path, lang: str) -> Catalog:
    """The package's catalogue of ``lang`` (empty when it has none)."""
    po = package / "locales" / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return Catalog(locale=lang)
    with po.open("rb") as handle:
        return read_po(handle, locale=lang)


def update(package: Path, lang: str) -> Path:
    """Rewrite the package's ``.po`` of ``lang`` with every current string."""
    old = read(package, lang)
    new = Catalog(locale=lang, project="Concordia", fuzzy=False)
    for msgid, filename, line in extract(package):
        kept = old.get(msgid)
        if msgid in new:
            new[msgid].locations.append((filename, line))
            continue
        new.add(msgid, kept.string if kept is not None else "", locations=[(filename, line)])
    po = package / "locales" / lang / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as handle:
        write_po(handle, new, width=100, omit_header=False, sort_output=True)
    return po


if __name__ == "__main__":  # pragma: no cover - a developer's tool
    print(update(Path(sys.argv[1]), sys.argv[2]))
