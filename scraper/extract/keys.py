"""Block keys: the identity of a text block across pages, as template learning counts it.

A key ignores case, punctuation and spacing, so the same menu or notice rendered on two pages
gets the same key. Used by :mod:`scraper.extract.templates` to learn templates and by the
extractor (:mod:`scraper.extract.blocks`, :mod:`scraper.extract.content`) to drop learned blocks.
"""

from __future__ import annotations

import functools
import hashlib

from scraper.text.normalize import alnum_runs


@functools.lru_cache(maxsize=65536)  # the same chrome strings recur on every page of a site
def block_key(text: str) -> str | None:
    """A short stable key for a block of text: case, punctuation and spacing ignored.

    Returns None for text without letters or digits (nothing to learn from it).
    """
    normalized = " ".join(alnum_runs(text.casefold()))
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
