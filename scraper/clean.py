"""Text clean-up: pure functions from extracted blocks to the body a researcher reads.

A body is paragraphs separated by one blank line; the items of a list are one block with one item
per line. Whitespace (including non-breaking and zero-width spaces) is normalised, empty and
decorative lines are dropped, and the title is not repeated at the top.
"""

from __future__ import annotations

import re

from scraper.text import normalize
from scraper.text.normalize import normalize_space, word_count, words

__all__ = [
    "AD_LABELS",
    "clean_block",
    "clean_blocks",
    "clean_title",
    "is_ad_label",
    "is_decorative",
    "join_blocks",
    "normalize_space",
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
    return words(a) == words(b)


# A block that says nothing but this labels an advertising slot (the slot itself is empty).
AD_LABELS = frozenset({
    "advertisement", "advertising", "sponsored", "anzeige", "werbung", "gesponsert", "publicité", "sponsorisé",
    "publicidad", "publicidade", "pubblicità", "advertentie", "reklame", "reklam", "reklama", "mainos", "annons",
    "реклама", "广告", "廣告", "広告", "광고", "إعلان",
})


def is_ad_label(block: str) -> bool:
    """Whether a block is only an advertising label ("Advertisement", "PUBLICIDAD", "Реклама" …)."""
    return len(block) <= 40 and " ".join(words(block)) in AD_LABELS


def clean_blocks(blocks: list[str], title: str | None = None) -> list[str]:
    """Clean every block, drop empty ones, ad labels, repeated neighbours, and a leading copy of the title."""
    cleaned: list[str] = []
    for block in blocks:
        text = clean_block(block)
        if not text or (cleaned and cleaned[-1] == text) or is_ad_label(text):
            continue
        cleaned.append(text)
    while cleaned and title and same_text(cleaned[0], title):
        cleaned.pop(0)
    return cleaned


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


def _looks_like_site_name(text: str, site_suffixes: tuple[str, ...]) -> bool:
    lowered = normalize.fold_case(text)
    names = ("international organization for migration", "iom", "мом", "хкұ", "un migration") + tuple(
        normalize.fold_case(s) for s in site_suffixes
    )
    return any(name in lowered for name in names) and len(text) < 80
