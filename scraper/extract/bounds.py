"""Bounds on the pages extraction takes in: size and nesting depth, checked before anything recurses.

Where the recursion is: :func:`scraper.extract.blocks.blocks_of` walks a node with a nested
``walk()`` that calls itself once per element level, and :func:`~scraper.extract.blocks.inline_text`
starts another walk for each list item, so a list nested in a list costs about three Python frames
per level. :func:`scraper.extract.templates.page_block_keys` (run on every page as it is stored) and
:func:`scraper.extract.extract` both go through it. With Python's default limit of 1,000 frames, a
page nested about 840 ``<div>`` (or 340 ``<ul><li>``) deep raised ``RecursionError``, which ended
the whole run. The walks stay as they are; their input is bounded here instead:

- **size**: at most :data:`MAX_HTML_CHARS` characters (twice the default fetch cap ``max_page_bytes``);
- **depth before parsing**: the nesting estimated from the raw markup
  (:func:`scraper.text.markup.estimated_depth`, for pages over 100,000 characters: smaller ones
  parse in under a second however they nest) at most :data:`MAX_ESTIMATED_DEPTH`, because the
  parser itself needs time that grows with the square of the depth (100,000 nested ``<div>``: 20 s);
- **depth after parsing**: the parsed tree at most :data:`MAX_DEPTH` elements deep, measured without
  recursion (real IOM pages nest 15 to 40 deep; browsers flatten trees past 512).

Time is bounded through them: with the size and the depth bounded, every pass of the extractor is
linear in the page (a flat 10 MB page extracts in about 1.5 s). A page outside the bounds raises
:class:`~scraper.extract.ExtractionError` saying which bound and by how much; the pipeline keeps the
raw page (``pages``, outcome ``error``) so ``scrape reextract`` can try it again with other bounds.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.text.markup import SCAN_ABOVE_CHARS, estimated_depth

__all__ = ["MAX_DEPTH", "MAX_ESTIMATED_DEPTH", "MAX_HTML_CHARS", "check_bounds", "parse_within_bounds", "tree_depth"]

MAX_HTML_CHARS = 20_000_000
MAX_DEPTH = 256
MAX_ESTIMATED_DEPTH = 4 * MAX_DEPTH


def _refuse(message: str):
    from scraper.extract import ExtractionError  # the package imports this module: import at call time

    return ExtractionError(message)


def parse_within_bounds(html: str) -> LexborHTMLParser:
    """Parse ``html`` if it is within the bounds; raises :class:`~scraper.extract.ExtractionError` if not."""
    if len(html) > MAX_HTML_CHARS:
        raise _refuse(f"page too large to extract: {len(html):,} characters (at most {MAX_HTML_CHARS:,})")
    estimate = estimated_depth(html, MAX_ESTIMATED_DEPTH) if len(html) > SCAN_ABOVE_CHARS else 0
    if estimate > MAX_ESTIMATED_DEPTH:
        raise _refuse(f"page nested too deeply to extract: its markup opens more than {MAX_ESTIMATED_DEPTH} "
                      f"elements inside one another (at most {MAX_DEPTH} levels are read); not parsed")
    tree = LexborHTMLParser(html)
    depth = tree_depth(tree.root, MAX_DEPTH) if tree.root is not None else 0
    if depth > MAX_DEPTH:
        raise _refuse(f"page nested too deeply to extract: more than {MAX_DEPTH} levels of elements "
                      f"(at most {MAX_DEPTH} are read)")
    return tree


def check_bounds(html: str) -> None:
    """Raise :class:`~scraper.extract.ExtractionError` if ``html`` is outside the bounds."""
    parse_within_bounds(html)


def tree_depth(root: LexborNode, limit: int) -> int:
    """How many levels below ``root`` its tree goes (text and comment nodes included), counted
    without recursion, a level at a time (the parser lists each element's children: half the time
    of stepping node by node); stops past ``limit``."""
    level, depth = [root], 0
    while True:
        below = [child for node in level for child in node.iter()]  # the element children
        if not below:  # the last level of elements: one more if any of them holds text
            return depth + 1 if any(node.child is not None for node in level) else depth
        depth += 1
        if depth > limit:
            return depth
        level = below
