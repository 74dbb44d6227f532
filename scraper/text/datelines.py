"""Dateline detection: the place (and date) opening a release's first paragraph.

Pure functions only, no I/O. Dates are read by :func:`scraper.text.dates.parse_date`; words are
compared with :func:`scraper.text.normalize.fold`, the same function the word lists below are
built with.

Public API
----------
``split_dateline(paragraph, lang=None) -> Dateline | None``
    Detect a dateline ("Astana, November 2, 2022 - …") opening a paragraph.
``Dateline``
    Frozen dataclass ``(place, date, raw)``.
``IOM_ACRONYMS``
    IOM's acronym in the archive's languages: an agency tag "(IOM)" after a place, never a place.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from scraper.text.dates import parse_date
from scraper.text.normalize import fold, ordinary_spaces

__all__ = ["IOM_ACRONYMS", "Dateline", "split_dateline"]


@dataclass(frozen=True)
class Dateline:
    """A dateline found at the start of a release's first paragraph.

    Attributes:
        place: the place exactly as written ("ASTANA", "Астана қ.",
            "Bishkek/Almaty"), without the trailing comma.
        date: the parsed date, or None when the dateline has no date.
        raw: the whole prefix as written, up to and including the separator
            punctuation but without the whitespace after it
            ("Astana, November 2, 2022 -", "ASTANA, 30 July 2015.").
    """

    place: str
    date: datetime.date | None
    raw: str


# The separator must start within this many characters of the paragraph.
_MAX_SEPARATOR_POS = 80
_MAX_PLACE_CHARS = 40
_MAX_PLACE_WORDS = 4

# Separators: " - " (hyphen needs spaces on both sides, so "Nur-Sultan" and
# "02-11-2022" are safe), en/em dash with or without spaces, "--", ": ", ". ".
_SEPARATOR_RE = re.compile(r"\s+-\s+|\s*--\s*|\s*[–—]\s*|:\s+|\.\s+")

# City designators allowed around a place name (ru "г.", kk "қ."/"қаласы").
_PLACE_PREFIX_RE = re.compile(r"^(?:г\.|г)\s+")
_PLACE_SUFFIX_RE = re.compile(r"\s+(?:қ\.|г\.|қаласы)$")
#: IOM's acronym: en "IOM", fr/es "OIM", ru "МОМ" (Международная организация по миграции),
#: kk "ХКҰ" (Халықаралық көші-қон ұйымы: HA, KA, STRAIGHT U WITH STROKE).
IOM_ACRONYMS: tuple[str, ...] = ("IOM", "OIM", "МОМ", "ХКҰ")
# Optional agency tag after the place: "Geneva (IOM) – …".
_AGENCY_TAG_RE = re.compile(r"\s*\((?:" + "|".join(map(re.escape, IOM_ACRONYMS)) + r")\)$")

# Function words that can never be part of a place name (compared folded).
_FUNCTION_WORDS = frozenset(
    fold(word) for word in """
    the a an of and or in on at to for from by with as into about
    le la les l de des du et en au aux el los las y del
    в во и на с со по для о об от из к за у
    мен және бен пен үшін туралы
    """.split()
)

# Words that start ordinary sentences (and organisation acronyms): a place
# may not consist of, or start with, one of them.  Compared folded, and built
# with the same fold: IOM's own acronyms come from IOM_ACRONYMS, spelt once.
_STOP_WORDS = frozenset(
    fold(word) for word in (*IOM_ACRONYMS, *"""
    the this that these those there here it its we our they their he she
    today yesterday tomorrow tonight now recently currently
    in on at for from by with as after before during since until over under
    however meanwhile moreover also additionally furthermore therefore
    note update background photo photos source contact contacts editor editors
    un unhcr unicef undp unodc unfpa wfp who ilo ohchr osce eu usaid onu
    сегодня вчера завтра сейчас это этот эта эти в во на с по для при после
    однако также кроме оон обсе ес примечание фото источник контакты
    бүгін кеше ертең қазір бұл осы сондай-ақ алайда бұұ еқыұ ескерту сурет
    aujourd'hui hier hoy ayer ce cette este esta
    """.split())
)


def _is_place_word(word: str) -> bool:
    """A place word: starts with an upper-case letter, then letters, "-", "'"."""
    if not word or not word[0].isupper():
        return False
    body = word.replace("-", "").replace("'", "").replace("’", "")
    if not body.isalpha():
        return False
    return fold(word) not in _FUNCTION_WORDS and not word.endswith("-")


def _valid_place(place: str) -> bool:
    """Check the place part of a dateline against the rules of split_dateline."""
    if not place or len(place) > _MAX_PLACE_CHARS:
        return False
    core = _AGENCY_TAG_RE.sub("", place)
    core = _PLACE_PREFIX_RE.sub("", core)
    core = _PLACE_SUFFIX_RE.sub("", core)
    words: list[str] = []
    for piece in core.split(","):
        piece = piece.strip()
        if not piece:
            return False
        for part in piece.split("/"):
            part_words = part.split()
            if not part_words:
                return False
            words.extend(part_words)
    if not 1 <= len(words) <= _MAX_PLACE_WORDS:
        return False
    if not all(_is_place_word(w) for w in words):
        return False
    # Neither a single word nor the first word may be a sentence starter,
    # determiner, preposition or organisation acronym ("IOM", "The", "In").
    if fold(words[0]) in _STOP_WORDS:
        return False
    return True


def _body_starts_ok(rest: str) -> bool:
    """The text after the separator must start like a sentence."""
    rest = rest.lstrip()
    if not rest:
        return False
    first = rest[0]
    return first.isupper() or first.isdigit() or first in "«\"“„'‘("


def split_dateline(paragraph: str, lang: str | None = None) -> Dateline | None:
    """Detect a dateline at the start of a release's first paragraph.

    Shape: ``PLACE[, DATE] SEP BODY``, for instance
    "Astana, November 2, 2022 - The Ministry …", "ASTANA, 30 July 2015. The …",
    "Almaty – The International Organization …",
    "Астана қ., 2024 жылғы 12 ақпан – …", "Bishkek/Almaty – …".

    Rules (deliberately conservative — a missed dateline is harmless, the
    body keeps the sentence anyway; a false one would invent a place):

    * SEP is " - " (hyphen with spaces on both sides), "--", an en/em dash
      ("–", "—", spaces optional), ": " or ". ".  ". " and ": " count only
      after a date that parses ("Kazakhstan: Migrants return…" is a title,
      not a dateline).  The separator must start within the first
      80 characters, and the text after it must start like a sentence
      (upper-case letter, digit, opening quote or bracket) — so
      "IOM – the UN Migration Agency – …" is rejected.
    * PLACE is at most 40 characters and 1-4 words (words split on spaces,
      "/" and ","), every word capitalised or ALL CAPS, made of letters,
      hyphens and apostrophes ("Nur-Sultan", "ASTANA", "Geneva/Astana").
      Allowed extras: a city designator "г." before, or "қ." / "г." /
      "қаласы" after ("г. Алматы", "Астана қ."), and an agency tag such as
      "(IOM)" after.  It may not contain lower-case function words
      (the/of/and/in/on/в/и/мен…) and its first word (hence any single
      word, ALL CAPS included) may not be in a stop list of sentence
      starters, determiners, prepositions and organisation acronyms in
      en/ru/kk (The, This, Today, In, On, IOM, МОМ, ХКҰ, Сегодня, Бүгін…).
    * DATE, after the first comma, must be parsed by :func:`parse_date`
      (with *lang* as hint); if it does not parse, the comma may instead
      separate place parts ("Astana, Kazakhstan – …").  A partial date
      ("Astana, November 2022 – …") therefore yields no dateline.

    Args:
        paragraph: the first paragraph of the release.
        lang: optional language hint passed to :func:`parse_date`.

    Returns:
        A :class:`Dateline` whose ``raw`` is the prefix of the paragraph
        (leading whitespace removed) up to and including the separator
        punctuation, or None.  The function only reports; it never changes
        the paragraph.  Never raises.
    """
    try:
        return _split_dateline(paragraph, lang)
    except Exception:  # pragma: no cover - defensive: must never raise
        return None


def _split_dateline(paragraph: str, lang: str | None) -> Dateline | None:
    if not isinstance(paragraph, str):
        return None
    text = paragraph.lstrip()
    # Same-length copy with exotic spaces made ordinary, so indexes map 1:1.
    scan = ordinary_spaces(text[: _MAX_SEPARATOR_POS + 20])
    for sep in _SEPARATOR_RE.finditer(scan):
        if sep.start() > _MAX_SEPARATOR_POS:
            break
        if sep.start() == 0:
            continue
        prefix = scan[: sep.start()]
        if not _body_starts_ok(text[sep.end():]):
            continue
        sep_text = sep.group().strip()
        found = _interpret_prefix(prefix, lang, needs_date=sep_text in (".", ":"))
        if found is None:
            continue
        place, date = found
        # The raw prefix exactly as written, separator included, no trailing space.
        raw = text[: sep.start() + len(sep.group().rstrip())]
        return Dateline(place=place, date=date, raw=raw)
    return None


def _interpret_prefix(
    prefix: str, lang: str | None, *, needs_date: bool
) -> tuple[str, datetime.date | None] | None:
    """Split ``PLACE[, DATE]``; return (place, date) or None."""
    prefix = prefix.strip()
    if not prefix:
        return None
    pieces = prefix.split(",")
    # Try the shortest place first: "Astana, November 2, 2022" -> place
    # "Astana", date "November 2, 2022"; then "Astana, Kazakhstan, 2 May 2021".
    for k in range(1, len(pieces)):
        place = ",".join(pieces[:k]).strip()
        if not _valid_place(place):
            return None  # every longer place contains this invalid one
        date_text = ",".join(pieces[k:]).strip()
        date = parse_date(date_text, lang)
        if date is not None:
            return place, date
    if needs_date:
        return None
    if _valid_place(prefix):
        return prefix, None
    return None
