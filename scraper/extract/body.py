"""The body's text: from the blocks of the content's parts to the paragraphs a researcher reads,
with a safety net that never lets cleaning empty a body silently.

Order: for scored content, the run of blocks between learned template blocks
(:func:`scraper.extract.blocks.main_segment`) and no template text; for any content, no in-flow
image captions, no ad labels or gallery controls, no leading copy of the title, no block a pull
quote repeats, no date line above the text, no copyright or citation notice at the end.

Safety: when that leaves nothing, or less than ``settings.fallback_min_share`` of the text of the
content it came from (learned template blocks aside), the uncleaned content is kept instead and
the body is flagged for review (:attr:`Body.review`), with the reason. Furniture removal before
this (:func:`scraper.extract.content.remove_furniture`) takes only small blocks, so the content's
blocks after it are the uncleaned reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from scraper import clean
from scraper.extract.article import drop_leading_dates
from scraper.extract.blocks import Block, drop_template_blocks, main_segment
from scraper.extract.media import drop_captions
from scraper.extract.settings import DEFAULT_SETTINGS, ExtractionSettings


@dataclass(frozen=True)
class Body:
    """The body's blocks, and why it should be reviewed (None: it need not be)."""

    blocks: list[str]
    review: str | None = None


def body_blocks(
    found: list[Block],
    *,
    trusted: bool,
    template: frozenset[str],
    title: str,
    found_images: list[dict[str, str]],
    lang: str | None,
    candidate_chars: int,
    settings: ExtractionSettings = DEFAULT_SETTINGS,
) -> Body:
    """The body from ``found``, the blocks of the content's parts after furniture removal.

    ``candidate_chars`` is the length of the content's text before any removal: only when the
    cleaned body keeps less than ``settings.fallback_min_share`` of it is the uncleaned reference
    (``found`` without learned template blocks, text-level clean-up only) computed and compared."""
    if trusted:
        texts = [block.text for block in found]
    else:
        texts = drop_template_blocks([block.text for block in main_segment(found, template, settings)], template)
    texts = finish(drop_captions(texts, found_images), title, lang, settings)
    kept = _chars(texts)
    if kept >= settings.fallback_min_share * candidate_chars:
        return Body(texts)
    reference = finish(drop_template_blocks([block.text for block in found], template), title, lang, settings,
                       notices=False)
    available = _chars(reference)
    if available and kept < settings.fallback_min_share * available:
        why = "cleaning left nothing" if not texts else f"cleaning kept {kept / available:.0%} of the content's text"
        return Body(reference, f"{why}; the uncleaned content is kept")
    return Body(texts)


def finish(texts: list[str], title: str, lang: str | None, settings: ExtractionSettings = DEFAULT_SETTINGS,
           notices: bool = True) -> list[str]:
    """Text-level clean-up of the body's blocks (see the module docstring)."""
    texts = clean.drop_repeats(clean.clean_blocks(texts, title), settings.pull_quote_min_words)
    texts = drop_leading_dates(texts, lang, settings)
    return clean.drop_trailing_notices(texts) if notices else texts


def _chars(texts: list[str]) -> int:
    return sum(len(text) for text in texts)
