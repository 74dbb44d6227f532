"""Site templates learned from the archive: text that repeats on many pages is chrome, not content.

Structural rules (:data:`scraper.extract.selectors.BOILERPLATE`) catch navigation that is marked up as
navigation. A new or changed theme can render its menus, notices and teasers as plain ``<div>``
and ``<p>``; those blocks then repeat, word for word, on every page of the site in that language,
while a release's own paragraphs appear on one page (a quote shared by two releases on two).

Every fetched page contributes the set of its text blocks' keys (:func:`page_block_keys`) to a
per-site, per-language count kept in the archive (table ``template_blocks``). A block seen on at
least ``min_template_pages`` pages of that site and language (:data:`MIN_PAGES` by default, see
:class:`~scraper.extract.settings.ExtractionSettings`) is template (:func:`learned_template`),
and the extractor removes it from content it found by scoring. Content found by a known body
selector (config hint or :data:`scraper.extract.selectors.CONTENT`) is trusted and never filtered, so a
contact paragraph repeated in the body of many releases stays where the site put it.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from scraper.extract.blocks import text_blocks
from scraper.extract.boilerplate import remove_boilerplate
from scraper.extract.keys import block_key, keys_of_block
from scraper.extract.settings import DEFAULT_SETTINGS, ExtractionSettings

__all__ = ["MIN_PAGES", "block_key", "keys_of_block", "learned_template", "page_block_keys"]

MIN_PAGES = DEFAULT_SETTINGS.min_template_pages  # the default threshold, for callers that pass it on


def page_block_keys(html: str, settings: ExtractionSettings = DEFAULT_SETTINGS) -> set[str]:
    """Keys of every text block on a page after structural boilerplate removal."""
    tree = LexborHTMLParser(html)
    if tree.body is None:
        return set()
    remove_boilerplate(tree, settings)
    keys: set[str] = set()
    for block in text_blocks(tree.body):
        keys |= keys_of_block(block)
    return keys


def learned_template(
    counts: dict[str, int], min_pages: int | None = None, settings: ExtractionSettings = DEFAULT_SETTINGS
) -> frozenset[str]:
    """The block keys that are template, from ``{block_key: number of pages}``.

    A key is template when seen on ``min_pages`` pages or more (``settings.min_template_pages`` unless given).
    """
    threshold = settings.min_template_pages if min_pages is None else min_pages
    return frozenset(key for key, pages in counts.items() if pages >= threshold)
