# ruff: noqa: RUF001, RUF002, C408 -- Cyrillic letters are this module's subject.
"""The forms a registered name takes in free text: Russian case forms and Latin transliterations.

Case forms come from ``pymorphy3`` (OpenCorpora dictionaries): "Иванова" yields "Ивановой",
"Иванову", "Ивановы"...; for surnames it does not know, a rule by ending adds the same forms.
Each form is then written in several Latin transliteration systems (ICAO Doc 9303 as in passports,
BGN/PCGN, the German and Polish conventions, the scholarly one in ASCII), so "Ivanova",
"Iwanowa" and "Ivanovoj" all count. A Latin-script name is also read back into Cyrillic to get
its case forms. Whether a name token is a given name or patronymic (which must not block
alone: "Вера" is also "faith") is pymorphy3's ``Name``/``Patr`` tag.
"""

from __future__ import annotations

import re
from functools import cache

import pymorphy3

#: Latin spellings of each Cyrillic letter, one table per system (lower case, ASCII).
_BASE = dict(zip("абвгдезиклмнопрстуфы", "abvgdeziklmnoprstufy", strict=True)) | {
    "ъ": "", "ь": "", "э": "e",
}  # fmt: skip
_SYSTEMS: tuple[dict[str, str], ...] = (
    # ICAO Doc 9303 (Russian passports since 2013).
    _BASE | dict(ё="e", ж="zh", й="i", х="kh", ц="ts", ч="ch", ш="sh", щ="shch", ю="iu", я="ia",
                 ъ="ie"),
    # BGN/PCGN and common English usage.
    _BASE | dict(ё="yo", ж="zh", й="y", х="kh", ц="ts", ч="ch", ш="sh", щ="shch", ю="yu", я="ya"),
    # Simplified English usage ("Ivanovoy" / "Ivanovoi" differ only in й).
    _BASE | dict(ё="e", ж="zh", й="i", х="h", ц="ts", ч="ch", ш="sh", щ="sch", ю="yu", я="ya"),
    # German (Duden): w for в, s for з, j for й.
    _BASE | dict(в="w", з="s", ё="jo", ж="sch", й="j", х="ch", ц="z", ч="tsch", ш="sch",
                 щ="schtsch", ю="ju", я="ja", ы="y", е="e"),
    # Polish: w, cz, sz, j.
    _BASE | dict(в="w", ё="io", ж="z", й="j", х="ch", ц="c", ч="cz", ш="sz", щ="szcz", ю="iu",
                 я="ia", ы="y", е="e"),
    # Scholarly (ISO 9 / ALA-LC without diacritics).
    _BASE | dict(ё="e", ж="zh", й="j", х="x", ц="c", ч="ch", ш="sh", щ="shh", ю="ju", я="ja"),
)  # fmt: skip
#: Latin to Cyrillic, longest spellings first, to read a Latin name back.
_TO_CYRILLIC: tuple[tuple[str, str], ...] = (
    ("shch", "щ"), ("schtsch", "щ"), ("tsch", "ч"), ("sch", "ш"), ("zh", "ж"), ("kh", "х"),
    ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ya", "я"), ("yo", "ё"), ("iu", "ю"),
    ("ia", "я"), ("ju", "ю"), ("ja", "я"), ("cz", "ч"), ("sz", "ш"), ("a", "а"), ("b", "б"),
    ("v", "в"), ("w", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"),
    ("j", "й"), ("y", "ы"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"),
    ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"),
    ("c", "ц"), ("x", "кс"), ("q", "к"),
)  # fmt: skip
_CYRILLIC = re.compile(r"[а-яё]")
_WORD = re.compile(r"[^\W_]+")


@cache
def _morph() -> pymorphy3.MorphAnalyzer:
    # Loading the dictionaries takes a second and tens of megabytes: once per process.
    return pymorphy3.MorphAnalyzer()


def normalise(word: str) -> str:
    """Lower case, ё as е: how both names and text are compared."""
    return word.lower().replace("ё", "е")


def words(text: str) -> list[tuple[int, int, str]]:
    """The words of ``text`` with their spans, normalised."""
    return [(m.start(), m.end(), normalise(m.group())) for m in _WORD.finditer(text)]


def transliterations(word: str) -> set[str]:
    """``word`` (Cyrillic, lower case) in every Latin system above."""
    return {"".join(system.get(ch, ch) for ch in word) for system in _SYSTEMS}


def to_cyrillic(word: str) -> str:
    """A Latin-script word read back into Cyrillic (``ivanova`` -> ``иванова``)."""
    out, i = [], 0
    while i < len(word):
        for latin, cyr in _TO_CYRILLIC:
            if word.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def _cyrillic_of(word: str) -> str:
    return word if _CYRILLIC.search(word) else to_cyrillic(word)


def is_given_name(word: str) -> bool:
    """Whether a name token reads as a given name or patronymic rather than a family name."""
    parses = _morph().parse(_cyrillic_of(normalise(word)))
    if any("Surn" in p.tag for p in parses):
        return False
    return any(("Name" in p.tag or "Patr" in p.tag) for p in parses)


#: Russian surname declension by ending, for surnames the dictionaries do not know (their
#: guesses for "Тестова" are a place name's genitive): nominative ending -> the other forms.
_SURNAME_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ская", ("ской", "скую", "скою")),
    ("цкая", ("цкой", "цкую", "цкою")),
    ("ский", ("ского", "скому", "ским", "ском", "ские", "ских", "скими")),
    ("цкий", ("цкого", "цкому", "цким", "цком", "цкие", "цких", "цкими")),
    ("ова", ("овой", "ову", "овою", "овы", "овых", "овым", "овыми")),
    ("ева", ("евой", "еву", "евою", "евы", "евых", "евым", "евыми")),
    ("ина", ("иной", "ину", "иною", "ины", "иных", "иным", "иными")),
    ("ына", ("ыной", "ыну", "ыною", "ыны", "ыных", "ыным", "ыными")),
    ("ов", ("ова", "ову", "овым", "ове", "овы", "овых", "овыми")),
    ("ев", ("ева", "еву", "евым", "еве", "евы", "евых", "евыми")),
    ("ин", ("ина", "ину", "иным", "ине", "ины", "иных", "иными")),
    ("ын", ("ына", "ыну", "ыным", "ыне", "ыны", "ыных", "ыными")),
)  # fmt: skip


_RUSSIAN_WORD = re.compile(r"[а-яё-]+")


def surname_forms(word: str) -> set[str]:
    """Case forms of a Russian surname by its ending (a rule, for unknown surnames)."""
    for ending, others in _SURNAME_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            stem = word[: -len(ending)]
            return {stem + form for form in others}
    return set()


def case_forms(word: str) -> set[str]:
    """Every case form of a (nominative) name token, in Cyrillic, normalised."""
    cyr = _cyrillic_of(normalise(word))
    forms = {cyr} | surname_forms(cyr)
    if not _RUSSIAN_WORD.fullmatch(cyr):
        # The analyser knows Russian words only (it fails on characters Unicode names no
        # script for): a token in another script is matched as written and transliterated.
        return forms
    for parse in _morph().parse(cyr):
        if parse.tag.case != "nomn":
            continue
        gender = parse.tag.gender
        for form in parse.lexeme:
            if form.tag.number == "plur" or form.tag.gender in (gender, None):
                forms.add(normalise(form.word))
    return forms


def all_forms(word: str) -> set[str]:
    """The token itself, its case forms and their Latin spellings."""
    token = normalise(word)
    forms = case_forms(token)
    spelled = {latin for form in forms for latin in transliterations(form)}
    return {token} | forms | spelled
