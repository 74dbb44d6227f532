"""Text clean-up: pure functions from extracted blocks to the body a researcher reads.

A body is paragraphs separated by one blank line; the items of a list are one block with one item
per line. Whitespace (including non-breaking and zero-width spaces) is normalised, empty and
decorative lines are dropped, and the title is not repeated at the top. Ad labels, gallery and
player controls ("Image 1 of 8", "Close"), blocks a pull quote repeats, and copyright, reprint and
citation notices at the end are not body text.
"""

from __future__ import annotations

import functools
import re

from scraper.text import normalize
from scraper.text.datelines import IOM_ACRONYMS
from scraper.text.normalize import alnum_runs, normalize_space, word_count, words

__all__ = [
    "AD_LABELS",
    "UI_LABELS",
    "clean_block",
    "clean_blocks",
    "clean_title",
    "drop_repeats",
    "drop_trailing_notices",
    "is_ad_label",
    "is_control",
    "is_decorative",
    "is_notice",
    "join_blocks",
    "normalize_space",
    "occurrences",
    "said",
    "same_text",
    "word_count",
    "words",
]

_DECORATIVE = re.compile(r"^[\W_]*$")  # only punctuation, symbols or nothing: "***", "—", "• • •"

# normalize_space, words and word_count are scraper.text.normalize's, re-exported here: the
# extractor calls them as clean.normalize_space(...), clean.words(...), clean.word_count(...).


def is_decorative(line: str) -> bool:
    """A line with no letters or digits at all: separators, bullets, stray punctuation."""
    return _DECORATIVE.match(line) is not None


def clean_block(block: str) -> str:
    """Normalise a block; list blocks keep one item per line. Returns '' for an empty block."""
    lines = [normalize_space(line) for line in block.split("\n")]
    return "\n".join(line for line in lines if line and not is_decorative(line))


def same_text(a: str, b: str) -> bool:
    """Whether two strings say the same, ignoring case, punctuation and spacing."""
    return said(a) == said(b)


@functools.lru_cache(maxsize=4096)  # a page's blocks are compared several times (captions, repeats, title)
def said(text: str) -> str:
    """What a text says: its :func:`words` joined by single spaces (case, punctuation, spacing ignored)."""
    return " ".join(words(text))


# A block that says nothing but this labels an advertising slot (the slot itself is empty).
AD_LABELS = frozenset({
    "advertisement", "advertising", "sponsored", "anzeige", "werbung", "gesponsert", "publicité", "sponsorisé",
    "publicidad", "publicidade", "pubblicità", "advertentie", "reklame", "reklam", "reklama", "mainos", "annons",
    "реклама", "广告", "廣告", "広告", "광고", "إعلان",
})


def is_ad_label(block: str) -> bool:
    """Whether a block is only an advertising label ("Advertisement", "PUBLICIDAD", "Реклама" …)."""
    return len(block) <= 40 and " ".join(words(block)) in AD_LABELS


# A block that says nothing but this is a control of a gallery, player or lightbox (compared as
# :func:`words` fold them: "Schließen" is "schliessen").
UI_LABELS = frozenset(" ".join(words(label)) for label in (
    "close", "caption", "enlarge", "expand", "zoom", "fullscreen", "full screen", "previous", "next", "prev",
    "play", "pause", "back to top", "show more", "load more", "view gallery", "open gallery", "view all photos",
    "закрыть", "подпись", "увеличить", "назад", "вперед", "вперёд", "далее", "наверх", "показать еще",
    "показать ещё", "смотреть все фото", "открыть галерею",
    "жабу", "үлкейту", "артқа", "алға", "келесі", "алдыңғы", "жоғары",
    "schließen", "bildunterschrift", "vergrößern", "zurück", "weiter", "fermer", "légende", "agrandir",
    "précédent", "suivant", "cerrar", "leyenda", "ampliar", "anterior", "siguiente", "chiudi", "didascalia",
))

# "Image 1 of 8", "Фото 1 из 8", "Сурет 1 / 8", "Bild 1 von 8", "3/12": the counter of a gallery.
_COUNTER = re.compile(r"^(?:[^\W\d_]+\s+)?\d{1,3}\s*(?:/|of|из|von|de|sur|di|su|z|ішінен)\s*\d{1,3}$", re.IGNORECASE)


def is_control(block: str) -> bool:
    """Whether a block is only a gallery or player control: a label ("Close", "Закрыть", "Жабу"
    …, :data:`UI_LABELS`) or a counter ("Image 1 of 8")."""
    if len(block) > 40:
        return False
    return " ".join(words(block)) in UI_LABELS or _COUNTER.match(normalize_space(block)) is not None


def clean_blocks(blocks: list[str], title: str | None = None) -> list[str]:
    """Clean every block, drop empty ones, ad labels, gallery controls, repeated neighbours, and a
    leading copy of the title."""
    cleaned: list[str] = []
    for block in blocks:
        text = clean_block(block)
        if not text or (cleaned and cleaned[-1] == text) or is_ad_label(text) or is_control(text):
            continue
        cleaned.append(text)
    while cleaned and title and same_text(cleaned[0], title):
        cleaned.pop(0)
    return cleaned


def drop_repeats(blocks: list[str], min_words: int = 6) -> list[str]:
    """Drop a block that another block of the body says again: a pull quote repeating a sentence,
    a summary repeating the lead. Only blocks of ``min_words`` words or more are compared (case,
    punctuation and spacing ignored); of two equal blocks the first stays."""
    sayings = [said(block) for block in blocks]
    everything = "\x00".join(sayings)
    copies: dict[str, int] = {}
    for text in sayings:
        copies[text] = copies.get(text, 0) + 1
    kept, seen = [], set()
    for block, text in zip(blocks, sayings):
        if text.count(" ") + 1 >= min_words and (
                text in seen or (everything.count(text) > copies[text] and occurrences(everything, text) > copies[text])):
            continue  # an earlier equal block, or a part of a longer one
        seen.add(text)
        kept.append(block)
    return kept


def occurrences(haystack: str, phrase: str) -> int:
    """How many times ``phrase`` (words joined by single spaces) occurs in ``haystack`` as whole words."""
    return len(re.findall(r"(?<![^\s\x00])" + re.escape(phrase) + r"(?![^\s\x00])", haystack)) if phrase else 0


# A trailing line that is a copyright, reprint or citation notice, not the article's text.
_NOTICE_START = re.compile(
    r"^(?:©|\(c\)\s|copyright\b|cite this\b|how to cite\b|suggested citation\b|citation:|to cite\b"
    r"|при (?:перепечатке|использовании|цитировании)\b|цитировать:|как цитировать\b"
    r"|дәйексөз:|сілтеме жасау\b|материалдарды (?:пайдалану|көшіріп)\b"
    r"|zitiervorschlag\b|zitierweise\b|pour citer\b|citer cet article\b|cómo citar\b|para citar\b)",
    re.IGNORECASE,
)
_RIGHTS = re.compile(
    r"all rights reserved|все права защищены|барлық құқықтар қорғалған|құқықтары қорғалған"
    r"|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|tutti i diritti riservati",
    re.IGNORECASE,
)


def is_notice(block: str, max_chars: int = 400) -> bool:
    """A copyright, reprint or citation notice ("© 2024 …", "All rights reserved", "При перепечатке
    ссылка обязательна", "Cite this article: …") in any of the archive's languages and a few more."""
    text = normalize_space(block)
    return len(text) <= max_chars and (_NOTICE_START.match(text) is not None or _RIGHTS.search(text) is not None)


def drop_trailing_notices(blocks: list[str]) -> list[str]:
    """Drop copyright, reprint and citation notices at the end of the body (:func:`is_notice`)."""
    while blocks and is_notice(blocks[-1]):
        blocks = blocks[:-1]
    return blocks


def join_blocks(blocks: list[str]) -> str:
    return "\n\n".join(blocks)


def clean_title(title: str, site_suffixes: tuple[str, ...] = ()) -> str:
    """A page title without the site name appended by the CMS (``Title | IOM``)."""
    title = normalize_space(title)
    for separator in (" | ", " – ", " - ", " — "):
        head, sep, tail = title.rpartition(separator)
        if sep and head and _looks_like_site_name(tail, site_suffixes):
            title = head.strip()
    return title


# IOM's names as a site appends them to a title: its acronyms (:data:`IOM_ACRONYMS`, whole words:
# "IOM Kazakhstan", "ХКҰ Қазақстан") and these spelt-out names (anywhere in the suffix).
_IOM_ACRONYM_WORDS = frozenset(normalize.fold(acronym) for acronym in IOM_ACRONYMS)
_IOM_NAMES = ("international organization for migration", "un migration")


def _looks_like_site_name(text: str, site_suffixes: tuple[str, ...]) -> bool:
    if len(text) >= 80:
        return False
    lowered = normalize.fold(text)
    if not _IOM_ACRONYM_WORDS.isdisjoint(alnum_runs(lowered)):
        return True
    return any(name in lowered for name in _IOM_NAMES + tuple(normalize.fold(s) for s in site_suffixes))
