"""gettext for the pages: English source strings, catalogues per package, a pseudo-locale.

Every package with pages keeps ``locales/<lang>/LC_MESSAGES/messages.po`` beside its templates
(Babel's layout; ``pybabel extract -F babel.cfg`` writes the template). The ``.po`` files are
read at start-up and compiled in memory, so nothing binary is committed. The pseudo-locale
``qps`` wraps every translated string in ``⟦…⟧``: a page rendered in it shows at a glance (and
to a test) any text that does not go through gettext.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

#: The languages the pages speak; English is the source.
LANGUAGES: tuple[str, ...] = ("en", "ru")
#: The pseudo-locale: every string through gettext comes back marked.
PSEUDO = "qps"
DEFAULT = "en"


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


class PseudoTranslations(gettext.NullTranslations):
    """Marks every string that went through gettext: ``Nodes`` becomes ``⟦Nodes⟧``."""

    def gettext(self, message: str) -> str:
        """The marked message."""
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        """The marked singular or plural."""
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"

    def pgettext(self, context: str, message: str) -> str:
        """The marked message (context ignored)."""
        return f"⟦{message}⟧"

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        """The marked singular or plural (context ignored)."""
        return self.ngettext(msgid1, msgid2, n)


def read_catalogue(po: Path) -> gettext.GNUTranslations:
    """A ``.po`` file compiled in memory."""
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@lru_cache(maxsize=32)
def translations(language: str, locale_dirs: tuple[Path, ...]) -> gettext.NullTranslations:
    """The merged catalogues of ``language`` from every package's ``locales`` directory."""
    if language == PSEUDO:
        return PseudoTranslations()
    merged: gettext.NullTranslations = gettext.NullTranslations()
    if language == DEFAULT:
        return merged
    first: gettext.NullTranslations | None = None
    for directory in locale_dirs:
        po = directory / language / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        catalogue = read_catalogue(po)
        if first is None:
            first = catalogue
        else:
            first.add_fallback(catalogue)
    return first or merged


def negotiate(
    requested: str | None, accept_language: str | None, available: Sequence[str] = LANGUAGES
) -> str:
    """The language to answer in: an explicit choice, else the browser's, else English."""
    if requested in (*available, PSEUDO):
        assert requested is not None
        return requested
    if accept_language:
        wanted = [part.split(";")[0].strip() for part in accept_language.split(",")]
        try:
            chosen = Locale.negotiate([w for w in wanted if w], list(available), sep="-")
        except (UnknownLocaleError, ValueError):
            chosen = None
        if chosen is not None:
            return str(chosen.language)
    return DEFAULT
