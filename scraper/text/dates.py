"""Date parsing for IOM press releases.

Pure functions only: no I/O, no global state apart from a small cache of
configured ``dateparser`` parsers (one per language tuple).  Datelines
("Astana, November 2, 2022 – …") are found by :mod:`scraper.text.datelines`,
which uses :func:`parse_date`; this module imports nothing from it.

Public API
----------
``parse_date(text, lang=None) -> datetime.date | None``
    Parse one human-visible date (en/ru/kk, plus fr/es/ar/uk… through
    dateparser).  Returns ``None`` instead of guessing.
``drupal_date(text) -> datetime.date | None``
    Drupal's medium date ("Thu, 07/30/2020 - 10:15", month first) anywhere in a short text
    such as a Drupal 7 byline "Submitted by <name> on …".
``KK_MONTHS``
    Kazakh month names (nominative) mapped to month numbers.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any

from scraper.text.normalize import collapse_whitespace, fold_digits, primary_subtag

__all__ = [
    "DEFAULT_LANGUAGES",
    "drupal_date",
    "placed_date",
    "KK_MONTHS",
    "MIN_YEAR",
    "max_year",
    "parse_date",
]

# --------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------

#: Languages tried when no hint is given (or when the hinted parse fails).
DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "ru", "kk")

#: Oldest year accepted by :func:`parse_date` (sanity window).
MIN_YEAR = 1990

#: Kazakh month names in the nominative case -> month number.  Inflected forms
#: ("қарашада" locative, "қарашаның" genitive, "қарашадағы", "қарашасы" …) all
#: start with the nominative stem, which is what the Kazakh parser relies on.
KK_MONTHS: dict[str, int] = {
    "қаңтар": 1,
    "ақпан": 2,
    "наурыз": 3,
    "сәуір": 4,
    "мамыр": 5,
    "маусым": 6,
    "шілде": 7,
    "тамыз": 8,
    "қыркүйек": 9,
    "қазан": 10,
    "қараша": 11,
    "желтоқсан": 12,
}

# Settings shared by every dateparser call.
#  - DATE_ORDER DMY: numeric dates are day-first (dateparser would otherwise
#    read "02.11.2022" as 11 Feb with languages ['kk', 'ru', 'en']).
#  - STRICT_PARSING + REQUIRE_PARTS: a partial date ("November 2022") returns
#    None instead of getting today's day filled in.
#  - PARSERS ['absolute-time']: no relative dates ("today", "2 days ago"), no
#    Unix timestamps ("1667347200"), no "no-spaces-time" guesses ("20221102").
_DATEPARSER_SETTINGS: dict[str, Any] = {
    "DATE_ORDER": "DMY",
    "PREFER_LOCALE_DATE_ORDER": False,
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}

# Longest string handed to the parsers; a date never needs more, and long
# garbage only costs time.
_MAX_DATE_CHARS = 64

_YEAR_TOKEN_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")

# ISO 8601 date, optionally with a time and an offset; the date is taken as
# written (no timezone conversion).
_ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)
# Trailing year words after a numeric date: "02.11.2022 г.", "02.11.2022 ж."
_NUMERIC_SUFFIX_RE = re.compile(r"\s*(?:г\.?|года|год|ж\.?|жылы|жыл)$", re.IGNORECASE)
# Day-first numeric: 02.11.2022, 2/11/2022, 02-11-2022 (same separator twice).
_DMY_NUMERIC_RE = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})$")
# Year-first numeric (unambiguous when the year has four digits): 2022/11/02.
_YMD_NUMERIC_RE = re.compile(r"^(\d{4})([./])(\d{1,2})\2(\d{1,2})$")
# Only digits and separators: anything not matched above is ambiguous.
_ALL_NUMERIC_RE = re.compile(r"^[\d\s./,:-]+$")

# Month stems as they appear in inflected forms: the nominative names plus the
# voiced stem of "қыркүйек" before a vowel ending ("қыркүйегі", "қыркүйегінде").
_KK_MONTH_STEMS: dict[str, int] = {**KK_MONTHS, "қыркүйег": 9}
_KK_MONTH_ALT = "|".join(sorted(_KK_MONTH_STEMS, key=len, reverse=True))
_KK_YEAR_WORD = r"(?:ж\.?|жылғы|жылы|жылдың|жыл)"
# "2022 жылғы 2 қараша", "2022 жылы 2 қарашада", "2022 ж. 2-қараша"
_KK_YEAR_FIRST_RE = re.compile(
    rf"^(\d{{4}})\s*{_KK_YEAR_WORD}?\s*(\d{{1,2}})\s*-?\s*({_KK_MONTH_ALT})\w*"
    r"(?:\s+күні)?\.?$"
)
# "2 қараша 2022 ж.", "2 қараша 2022 жыл", "2 қарашада 2022"
_KK_DAY_FIRST_RE = re.compile(
    rf"^(\d{{1,2}})\s*-?\s*({_KK_MONTH_ALT})\w*\s*,?\s*(\d{{4}})\s*{_KK_YEAR_WORD}?\.?$"
)


# Weekday names (en, ru, kk) -> date.weekday(); used to reject a date whose
# printed weekday contradicts it, e.g. Drupal's month-first medium format
# "Wed, 11/02/2022 - 12:00" read day-first as Friday 11 February.
_WEEKDAY_PATTERNS: tuple[tuple[int, str], ...] = (
    (0, r"mon(?:day)?|понедельник\w*|дүйсенбі\w*"),
    (1, r"tue(?:s(?:day)?)?|вторник\w*|сейсенбі\w*"),
    (2, r"wed(?:nesday)?|сред[аыу]|сәрсенбі\w*"),
    (3, r"thu(?:r(?:s(?:day)?)?)?|четверг\w*|бейсенбі\w*"),
    (4, r"fri(?:day)?|пятниц[аыу]|жұма\w*"),
    (5, r"sat(?:urday)?|суббот[аыу]|сенбі\w*"),
    (6, r"sun(?:day)?|воскресень[еяю]|жексенбі\w*"),
)
_WEEKDAY_RES: tuple[tuple[int, re.Pattern[str]], ...] = tuple(
    (number, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")) for number, alternatives in _WEEKDAY_PATTERNS
)


# A place before a date, as a dateline starts: "bishkek, 19 march 2025" (no digits in the place).
_PLACE_PREFIX_RE = re.compile(r"^[^\d,]{2,40},\s*([^,]+)$")

# Drupal's default "medium" date format, "D, m/d/Y - H:i": "Thu, 07/30/2020 - 10:15", month first
# (Drupal 7 prints it in "Submitted by <name> on …"). The " - H:i" time makes the shape Drupal's;
# the weekday, when printed, tells month-first from day-first.
_WEEKDAY_ABBREVIATIONS = (
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|пн|вт|ср|чт|пт|сб|вс|дс|сс|ср|бс|жм|сн|жс"
)
_DRUPAL_MEDIUM_RE = re.compile(
    rf"(?<!\w)(?:(?P<weekday>{_WEEKDAY_ABBREVIATIONS})\.?,?\s+)?"
    r"(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})\s*-\s*\d{1,2}:\d{2}(?!\d)"
)
_RU_KK_WEEKDAYS = {"пн": 0, "вт": 1, "ср": 2, "чт": 3, "пт": 4, "сб": 5, "вс": 6,
                   "дс": 0, "сс": 1, "бс": 3, "жм": 4, "сн": 5, "жс": 6}
# Longest text searched for Drupal's medium date ("Submitted by <a long name> on Thu, …").
_MAX_BYLINE_CHARS = 200


def drupal_date(text: str) -> datetime.date | None:
    """The date in Drupal's medium format ("Thu, 07/30/2020 - 10:15") anywhere in ``text``, e.g. a
    Drupal 7 byline "Submitted by iom_admin on Thu, 07/30/2020 - 10:15", else None.

    Month first, as Drupal writes it; a printed weekday decides when both readings are dates
    ("Fri, 11/02/2022 - 12:00" is Friday 11 February, "Wed, 11/02/2022 - 12:00" Wednesday
    2 November), and a weekday neither reading falls on gives None. Never raises.
    """
    try:
        if not isinstance(text, str) or len(text) > _MAX_BYLINE_CHARS:
            return None
        match = _DRUPAL_MEDIUM_RE.search(collapse_whitespace(fold_digits(text)).lower())
        return _drupal_reading(match) if match else None
    except Exception:  # pragma: no cover - defensive: must never raise
        return None


def placed_date(text: str) -> datetime.date | None:
    """The date after a place, as a dateline's head prints it ("Bishkek, 19 March 2025",
    "Бишкек, 19 марта 2025 года", "Бішкек, 2025 жылғы 19 наурыз"), in the forms read without
    dateparser (English and Russian month names, Kazakh forms, numeric); else None. Never raises."""
    try:
        if not isinstance(text, str) or len(text) > _MAX_DATE_CHARS:
            return None
        match = _PLACE_PREFIX_RE.match(collapse_whitespace(fold_digits(text)).lower())
        if match is None:
            return None
        rest = match.group(1).strip()
        return _parse_numeric(rest)[1] or _parse_kazakh(rest) or _parse_month_name(rest)
    except Exception:  # pragma: no cover - defensive: must never raise
        return None


def _drupal_reading(match: re.Match[str]) -> datetime.date | None:
    first, second, year = int(match.group("first")), int(match.group("second")), int(match.group("year"))
    readings = [d for d in (_make_date(year, first, second), _make_date(year, second, first)) if d is not None]
    weekday = match.group("weekday")
    if weekday:
        number = _RU_KK_WEEKDAYS.get(weekday)
        if number is None:
            readings = [d for d in readings if _weekday_consistent(weekday, d)]
        else:
            readings = [d for d in readings if d.weekday() == number]
    return readings[0] if readings else None


# --------------------------------------------------------------------------
# parse_date
# --------------------------------------------------------------------------


def max_year() -> int:
    """Return the newest year accepted by :func:`parse_date` (today's year + 1)."""
    return datetime.date.today().year + 1


def _normalise_lang(lang: str | None) -> str | None:
    """Reduce a language tag ("ru-RU", "kk_KZ", "EN") to its primary subtag."""
    if not lang or not isinstance(lang, str):
        return None
    return primary_subtag(lang) or None


@functools.lru_cache(maxsize=32)
def _get_parser(languages: tuple[str, ...]) -> Any | None:
    """Return a cached ``DateDataParser`` for *languages*, or None if unsupported.

    dateparser loads its locale data lazily on the first parse, so the first
    call per language tuple is slow (up to ~1 s without a hint); reusing the
    object makes later calls ~1 ms.
    """
    try:
        from dateparser.date import DateDataParser

        return DateDataParser(languages=list(languages), settings=_DATEPARSER_SETTINGS)
    except Exception:  # unknown language code, broken install, …
        return None


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    """Build a date inside the sanity window, or None."""
    if not MIN_YEAR <= year <= max_year():
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _parse_kazakh(text: str) -> datetime.date | None:
    """Parse Kazakh dates that dateparser misses ("2022 жылғы 2 қарашада").

    *text* must already be lower-cased and whitespace-normalised.
    """
    m = _KK_YEAR_FIRST_RE.match(text)
    if m:
        return _make_date(int(m.group(1)), _KK_MONTH_STEMS[m.group(3)], int(m.group(2)))
    m = _KK_DAY_FIRST_RE.match(text)
    if m:
        return _make_date(int(m.group(3)), _KK_MONTH_STEMS[m.group(2)], int(m.group(1)))
    return None


_EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_RU_MONTH_STEMS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
    "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
_EN_MONTH_ALT = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_RU_MONTH_RE = r"(январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|август[ае]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])"
_WEEKDAY_PREFIX = (
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun"
    r"|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье)\.?,?\s+)?"
)
_EN_DAY_FIRST_RE = re.compile(rf"^{_WEEKDAY_PREFIX}(\d{{1,2}})\s+({_EN_MONTH_ALT})\.?,?\s+(\d{{4}})$")
_EN_MONTH_FIRST_RE = re.compile(
    rf"^{_WEEKDAY_PREFIX}({_EN_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$"
)
_RU_DAY_FIRST_RE = re.compile(
    rf"^{_WEEKDAY_PREFIX}(\d{{1,2}})\s+{_RU_MONTH_RE}\s+(\d{{4}})(?:\s*(?:г\.?|года|год))?$"
)


def _parse_month_name(lowered: str) -> datetime.date | None:
    """Fast path for the commonest English and Russian forms, before dateparser is asked.

    "02 november 2022", "wednesday, 2 nov. 2022", "november 2, 2022", "2 ноября 2022 г.".
    """
    match = _EN_DAY_FIRST_RE.match(lowered)
    if match:
        return _make_date(int(match.group(3)), _EN_MONTHS[match.group(2)], int(match.group(1)))
    match = _EN_MONTH_FIRST_RE.match(lowered)
    if match:
        return _make_date(int(match.group(3)), _EN_MONTHS[match.group(1)], int(match.group(2)))
    match = _RU_DAY_FIRST_RE.match(lowered)
    if match:
        month = next(number for stem, number in _RU_MONTH_STEMS.items() if match.group(2).startswith(stem))
        return _make_date(int(match.group(3)), month, int(match.group(1)))
    return None


def _parse_numeric(text: str) -> tuple[bool, datetime.date | None]:
    """Parse purely numeric forms ourselves (dateparser swaps D/M when invalid).

    Returns ``(handled, date)``: *handled* is True when *text* is numeric, in
    which case dateparser must not be consulted.
    """
    m = _ISO_RE.match(text)
    if m:
        return True, _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    core = _NUMERIC_SUFFIX_RE.sub("", text)
    m = _DMY_NUMERIC_RE.match(core)
    if m:
        return True, _make_date(int(m.group(4)), int(m.group(3)), int(m.group(1)))
    m = _YMD_NUMERIC_RE.match(core)
    if m:
        return True, _make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    if _ALL_NUMERIC_RE.match(core):
        return True, None  # "2022", "02.11.22", "20221102", "11/2022": ambiguous
    return False, None


def _weekday_consistent(lowered: str, value: datetime.date) -> bool:
    """False if *lowered* names a weekday other than the one of *value*."""
    for number, pattern in _WEEKDAY_RES:
        if number != value.weekday() and pattern.search(lowered):
            return False
    return True


def _parse_with_dateparser(text: str, languages: tuple[str, ...]) -> datetime.date | None:
    """Run the cached dateparser for *languages*; None on any failure."""
    parser = _get_parser(languages)
    if parser is None:
        return None
    try:
        data = parser.get_date_data(text)
    except Exception:
        return None
    obj = getattr(data, "date_obj", None)
    if obj is None:
        return None
    return _make_date(obj.year, obj.month, obj.day)


def parse_date(text: str, lang: str | None = None) -> datetime.date | None:
    """Parse a human-visible date written in any of the archive's languages.

    Handles ISO/machine forms ("2022-11-02", "2022-11-02T12:00:00+06:00";
    the date is returned as written, without timezone conversion), English,
    Russian (every case form, "г.", "года"), Kazakh ("2022 жылғы 2 қараша",
    "2022 жылы 2 қарашада", "2 қараша 2022 ж."), day-first numeric dates
    ("02.11.2022", "2/11/2022", "02-11-2022"), year-first numeric dates with a
    four-digit year ("2022/11/02"), and whatever else dateparser supports for
    the hinted language (French, Spanish, Arabic, Ukrainian…).

    Order of attempts: numeric forms (own regexes, strictly day-first: an
    impossible day-first date such as "12/25/2022" is rejected, never read
    month-first), Kazakh forms (own regexes, month names from
    :data:`KK_MONTHS`), then dateparser with ``languages=[lang]`` when a hint
    is given, then with :data:`DEFAULT_LANGUAGES` (en, ru, kk).

    Returns None — never a guess — for partial dates ("November 2022"),
    two-digit years ("2 Nov 22"), relative dates ("yesterday"), year-only or
    other ambiguous numbers, garbage, non-strings, and dates outside the
    sanity window ``MIN_YEAR <= year <= today's year + 1``.  A printed
    weekday that contradicts the date ("Tuesday, 2 November 2022") also
    gives None.  Drupal's medium format ("Thu, 07/30/2020 - 10:15", also
    inside a byline "Submitted by <name> on …") is read month first, as
    Drupal writes it, the printed weekday deciding (:func:`drupal_date`).
    Never raises.

    Args:
        text: the date as shown on the page (surrounding whitespace is fine).
        lang: optional language hint, e.g. "ru" or "kk-KZ"; only the primary
            subtag is used.  A hint makes dateparser much faster.
    """
    try:
        return _parse_date(text, lang)
    except Exception:  # pragma: no cover - defensive: must never raise
        return None


def _parse_date(text: str, lang: str | None) -> datetime.date | None:
    if not isinstance(text, str):
        return None
    cleaned = collapse_whitespace(fold_digits(text))
    if not cleaned or len(cleaned) > _MAX_BYLINE_CHARS:
        return None
    drupal = _DRUPAL_MEDIUM_RE.search(cleaned.lower())
    if drupal:
        return _drupal_reading(drupal)
    if len(cleaned) > _MAX_DATE_CHARS:
        return None

    handled, result = _parse_numeric(cleaned)
    if handled:
        return result

    # Every complete date we accept carries a four-digit year; requiring one
    # rejects two-digit years and lets garbage out cheaply.
    years = {int(y) for y in _YEAR_TOKEN_RE.findall(cleaned)}
    if not years:
        return None

    lowered = cleaned.lower()
    result = _parse_kazakh(lowered)
    if result is not None:
        return result
    result = _parse_month_name(lowered)
    if result is not None:
        return result if _weekday_consistent(lowered, result) else None

    # The hinted language first (fast); then the defaults, because a page may
    # show a date in another language than its interface (Drupal serves
    # untranslated text under any language prefix).
    hint = _normalise_lang(lang)
    attempts: list[tuple[str, ...]] = [(hint,)] if hint else []
    attempts.append(DEFAULT_LANGUAGES)

    for languages in attempts:
        result = _parse_with_dateparser(cleaned, languages)
        # The year must be one written in the text (guards against any
        # creative reading by dateparser).
        if result is not None and result.year in years:
            return result if _weekday_consistent(lowered, result) else None
    return None
