"""Text normalisation shared by extraction, cleaning, dates, datelines, language identification and dedupe.

Small pure functions, one per step, so that every caller composes the steps it needs and two
callers that need the same step get the same characters:

* Unicode forms: :func:`nfc` (what a page means: composed letters), :func:`nfkc` (also folds
  compatibility forms: NBSP -> space, "ﬁ" -> "fi", "²" -> "2").
* :data:`INVISIBLE` characters (soft hyphen, zero-width space/joiners, word joiner, BOM):
  :func:`strip_invisible`.
* Whitespace: :func:`collapse_whitespace` (every run of Unicode whitespace, NBSP included, -> one
  space, ends trimmed), :func:`ordinary_spaces` (same-length: :data:`NO_BREAK_SPACES` -> " ", so
  indexes into the copy are indexes into the original), :func:`normalize_space` (one clean line:
  NFC, invisible characters removed, whitespace collapsed).
* Folding: :func:`fold_case` (casefold), :func:`fold_apostrophes` (curly "’" -> straight "'"),
  :func:`fold` (NFC + casefold + apostrophes: the key under which a word is looked up in a word
  list), :func:`fold_yo` (ё -> е), :func:`fold_digits` (Arabic-Indic digits
  -> ASCII).
* Tokenisation, three regexes for three purposes (they are not interchangeable):
  :data:`WORD_RE` / :func:`words` / :func:`word_count`: words as a reader counts them (letters and
  digits, hyphenated and apostrophised words count once: "көші-қон", "don't", "COVID-19");
  :data:`ALNUM_RUN_RE` / :func:`alnum_runs`: maximal runs of letters and digits (hyphens and
  apostrophes split, underscores too), the tokens of near-duplicate signatures;
  :data:`LETTER_WORD_RE` / :func:`letter_words`: letters only, with the combining marks inside a
  word ("हिन्दी", "مُحَمَّد") and hyphenated compounds ("Нұр-Сұлтан"), no digits: what language
  identification scores; :func:`letter_count` counts their letters.
* Language tags: :func:`primary_subtag` ("ru-RU", "kk_KZ", " EN " -> "ru", "kk", "en").

Order matters where noted: the near-duplicate signatures stored in existing archives depend on
``fold_yo(fold_case(strip_invisible(nfkc(text))))`` split by :func:`alnum_runs`, in that order.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ALNUM_RUN_RE",
    "APOSTROPHES",
    "INVISIBLE",
    "LETTER_WORD_RE",
    "NO_BREAK_SPACES",
    "WORD_RE",
    "alnum_runs",
    "find_words",
    "collapse_whitespace",
    "fold",
    "fold_apostrophes",
    "fold_case",
    "fold_digits",
    "fold_yo",
    "letter_count",
    "letter_words",
    "nfc",
    "nfkc",
    "normalize_space",
    "ordinary_spaces",
    "primary_subtag",
    "strip_invisible",
    "word_count",
    "words",
]

# --------------------------------------------------------------------------
# Characters
# --------------------------------------------------------------------------

#: Characters that print as nothing and only get in the way of comparisons: soft hyphen,
#: zero-width space, zero-width non-joiner, zero-width joiner, word joiner, BOM / zero-width
#: no-break space.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")

#: No-break spaces that stand between a place and a dash, or inside a number ("5 000"):
#: NO-BREAK SPACE and NARROW NO-BREAK SPACE.
NO_BREAK_SPACES = "\u00a0\u202f"

#: Apostrophes a page prints for the straight "'": RIGHT SINGLE QUOTATION MARK (U+2019, what word
#: processors and most CMSs print) and MODIFIER LETTER APOSTROPHE (U+02BC).
APOSTROPHES = "\u2019\u02bc"

# Arabic-Indic (U+0660-0669) and Extended Arabic-Indic (U+06F0-06F9) digits -> ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)


# --------------------------------------------------------------------------
# Unicode forms, invisible characters, whitespace
# --------------------------------------------------------------------------


def nfc(text: str) -> str:
    """Canonical composition: "е" + U+0308 becomes "ё", "К" + nothing stays "К"."""
    return unicodedata.normalize("NFC", text)


def nfkc(text: str) -> str:
    """Compatibility composition: NFC plus NBSP -> space, ligatures split, superscripts plain."""
    return unicodedata.normalize("NFKC", text)


def strip_invisible(text: str) -> str:
    """``text`` without the :data:`INVISIBLE` characters (soft hyphens, zero-width characters)."""
    return _INVISIBLE_RE.sub("", text)


def collapse_whitespace(text: str) -> str:
    """Every run of whitespace (any Unicode space, NBSP, tab, newline) as one space, ends trimmed."""
    return " ".join(text.split())


def ordinary_spaces(text: str) -> str:
    """``text`` with :data:`NO_BREAK_SPACES` made ordinary spaces; same length, so indexes map 1:1."""
    # str.replace, not str.translate: translate is two orders slower on non-ASCII text
    for space in NO_BREAK_SPACES:
        if space in text:
            text = text.replace(space, " ")
    return text


def normalize_space(text: str) -> str:
    """One line of text: NFC, :data:`INVISIBLE` characters removed, whitespace collapsed.

    ASCII text skips the first two steps (nothing to compose, nothing invisible).
    """
    if not text.isascii():
        text = nfc(text)
        if any(ch in text for ch in INVISIBLE):  # six substring scans: an order faster than the regex
            text = strip_invisible(text)
    return collapse_whitespace(text)


# --------------------------------------------------------------------------
# Folding
# --------------------------------------------------------------------------


def fold_case(text: str) -> str:
    """Case folding (``str.casefold``): "ХКҰ" -> "хкұ", "Straße" -> "strasse"."""
    return text.casefold()


def fold_apostrophes(text: str) -> str:
    """Every :data:`APOSTROPHES` character as the straight "'": "aujourd’hui" -> "aujourd'hui"."""
    for apostrophe in APOSTROPHES:  # str.replace: far faster than str.translate on non-ASCII text
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return text


def fold(text: str) -> str:
    """The key under which a word or phrase is looked up in a word list: NFC, casefold, and the
    curly apostrophe as the straight one (:func:`fold_apostrophes`).

    Build the list with the same function (``frozenset(map(fold, ...))``) so that an entry and a
    word from a page can only differ by what they say, not by how they were typed.
    """
    return fold_apostrophes(nfc(text).casefold())


def fold_yo(text: str) -> str:
    """ё -> е (lower case only: apply after :func:`fold_case`); Russian prints both for one letter."""
    return text.replace("ё", "е")


def fold_digits(text: str) -> str:
    """Arabic-Indic and Extended Arabic-Indic digits as ASCII digits ("٢٠٢٢" -> "2022")."""
    return text if text.isascii() else text.translate(_DIGITS)


# --------------------------------------------------------------------------
# Tokenisation
# --------------------------------------------------------------------------

#: A word as a reader counts it: a run of letters/digits (``\w``), with hyphens and apostrophes
#: inside it ("көші-қон", "don't", "rock’n’roll", "COVID-19" are one word each).
WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")

#: A maximal run of letters and digits; anything else (hyphens, apostrophes, underscores,
#: punctuation, spaces) separates runs: "көші-қон" is "көші" and "қон".
ALNUM_RUN_RE = re.compile(r"[^\W_]+")


def _combining_marks() -> str:
    """Regex class body for the combining marks of the BMP (Arabic harakat, Indic vowel signs)."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


_LETTER = r"[^\W\d_]"
_LETTER_OR_MARK = rf"(?:{_LETTER}|[{_combining_marks()}])"

#: A letters-only word: starts with a letter, then letters and the combining marks inside it (so
#: "हिन्दी" or "مُحَمَّد" stay one word), hyphenated compounds ("Нұр-Сұлтан", "көші-қон") as one
#: word; digits, apostrophes and underscores are not part of it.
LETTER_WORD_RE = re.compile(rf"{_LETTER}{_LETTER_OR_MARK}*(?:-{_LETTER}{_LETTER_OR_MARK}*)*")


def words(text: str) -> list[str]:
    """The words (:data:`WORD_RE`) of ``text`` as :func:`fold` folds them (NFC, case-folded, curly
    apostrophes straight): what two texts are compared on, so a composed "й" and "и" + U+0306 are
    the same letter and "don’t" the same word as "don't"."""
    if not text.isascii():
        text = fold_apostrophes(nfc(text))
    return find_words(fold_case(text))


def word_count(text: str) -> int:
    """Words as a researcher counts them (:data:`WORD_RE`): hyphenated words count once."""
    return len(find_words(text))


# Punctuation that can stand around a word ("(word", "word,", "«word»"): none of it a word character.
_EDGE_PUNCTUATION = "\"'()[]{}<>«»„“”‘’.,;:!?…—–-/*%#|"


def find_words(text: str) -> list[str]:
    """``WORD_RE.findall(text)``, in half the time on prose.

    A match never holds whitespace, so the text is read a whitespace-separated token at a time:
    a token of word characters only (``str.isalnum`` is the regex's ``\\w`` less the underscore)
    is one word, and so is such a token inside punctuation that is no word character; the regex
    reads what is left ("don't", "COVID-19", "a--b", "snake_case"). Checked against the regex on
    random text in tests/unit/test_normalize.py.
    """
    found: list[str] = []
    findall = WORD_RE.findall
    for token in text.split():
        if token.isalnum():
            found.append(token)
            continue
        core = token.strip(_EDGE_PUNCTUATION)
        if core.isalnum():
            found.append(core)
        elif core:
            found += findall(core)
    return found


def alnum_runs(text: str) -> list[str]:
    """The runs of letters and digits (:data:`ALNUM_RUN_RE`) of ``text``, as written."""
    return ALNUM_RUN_RE.findall(text)


def letter_words(text: str) -> list[str]:
    """The letters-only words (:data:`LETTER_WORD_RE`) of ``text``, as written."""
    return LETTER_WORD_RE.findall(text)


def letter_count(text: str) -> int:
    """Letters in ``text``: combining marks, hyphens, digits and punctuation are not counted."""
    return len(text) if text.isalpha() else sum(ch.isalpha() for ch in text)


# --------------------------------------------------------------------------
# Language tags
# --------------------------------------------------------------------------


def primary_subtag(tag: str) -> str:
    """The lower-case primary subtag of a language tag ("ru-RU", "kk_KZ", " EN " -> "ru", "kk",
    "en"); "" for an empty or blank tag."""
    return re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
