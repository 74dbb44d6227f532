"""Linking language versions of one release when the pages do not say so themselves.

Drupal pages name their translations (hreflang links, a shared node id); where both are missing
(older CMSs, stripped pages), two releases of the same site published on the same day in
different languages are taken to be translations when they cite the same figures: numbers are
written the same way in every language ("1409", "5 000", "2023"), names are not.
"""

from __future__ import annotations

import re

from scraper.text.normalize import NO_BREAK_SPACES

# A figure: digits, with thousands grouped by a space (plain or no-break), a dot or a comma.
_FIGURE = re.compile(rf"\d{{1,3}}(?:[ {NO_BREAK_SPACES}.,]\d{{3}})+(?!\d)|\d+")
MIN_FIGURES = 2
MIN_OVERLAP = 0.6


def figures(text: str) -> frozenset[str]:
    """The numbers cited in a text, written without separators ("5 000" and "5,000" are "5000")."""
    found = set()
    for match in _FIGURE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits:
            found.add(digits.lstrip("0") or "0")
    return frozenset(found)


def same_story(a: str, b: str) -> bool:
    """Whether two texts cite (mostly) the same figures, enough of them to be a signal."""
    fa, fb = figures(a), figures(b)
    if len(fa) < MIN_FIGURES or len(fb) < MIN_FIGURES:
        return False
    return len(fa & fb) / len(fa | fb) >= MIN_OVERLAP
