"""Site templates learned from the archive: text that repeats on many pages is chrome, not content.

Structural rules (:data:`scraper.extract.selectors.BOILERPLATE`) catch navigation that is marked up as
navigation. A new or changed theme can render its menus, notices and teasers as plain ``<div>``
and ``<p>``; those blocks then repeat, word for word, on every page of the site in that language,
while a release's own paragraphs appear on one page (a quote shared by two releases on two).

Every fetched page contributes the set of its text blocks' keys (:func:`page_block_keys`) to a
per-site, per-language count kept in the archive (table ``template_blocks``). A block seen on at
least :data:`MIN_PAGES` pages of that site and language is template (:func:`learned_template`),
and the extractor removes it from content it found by scoring. Content found by a known body
selector (config hint or :data:`scraper.extract.selectors.CONTENT`) is trusted and never filtered, so a
contact paragraph repeated in the body of many releases stays where the site put it.
"""

from __future__ import annotations

import functools
import hashlib
import re

from selectolax.lexbor import LexborHTMLParser

MIN_PAGES = 5

_NON_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=65536)  # the same chrome strings recur on every page of a site
def block_key(text: str) -> str | None:
    """A short stable key for a block of text: case, punctuation and spacing ignored.

    Returns None for text without letters or digits (nothing to learn from it).
    """
    normalized = _NON_WORD.sub(" ", text.casefold()).strip()
    if not normalized:
        return None
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=8).hexdigest()


def keys_of_block(block: str) -> set[str]:
    """Keys of a block and, for multi-line blocks (lists), of each of its lines."""
    keys = {block_key(block)}
    if "\n" in block:
        keys.update(block_key(line) for line in block.split("\n"))
    keys.discard(None)
    return keys  # type: ignore[return-value]


def page_block_keys(html: str) -> set[str]:
    """Keys of every text block on a page after structural boilerplate removal."""
    from scraper.extract import remove_boilerplate, text_blocks

    tree = LexborHTMLParser(html)
    if tree.body is None:
        return set()
    remove_boilerplate(tree)
    keys: set[str] = set()
    for block in text_blocks(tree.body):
        keys |= keys_of_block(block)
    return keys


def learned_template(counts: dict[str, int], min_pages: int = MIN_PAGES) -> frozenset[str]:
    """The block keys that are template, from ``{block_key: number of pages}``."""
    return frozenset(key for key, pages in counts.items() if pages >= min_pages)
