"""How deeply a piece of HTML nests, estimated from the raw text before any parser sees it.

Lexbor (selectolax) builds deep trees in time that grows with the square of their depth: each
block element that opens looks for an open ``<p>`` through the whole stack of open elements, so
40,000 nested ``<div>`` take 2.7 s and 100,000 take 20 s (measured here), and a 10 MB page of
them would take hours. Nothing after parsing can bound that, so :func:`estimated_depth` reads the
tags with one regular expression and keeps a stack of the elements left open, as a browser
would for ordinary markup: void elements (``<br>``, ``<img>``) never open, an end tag closes up
to its element, ``<p>``, ``<li>``, ``<td>``, ``<tr>``, ``<option>`` and ``<a>`` close an open one
of their kind the way the HTML parser does, a self-closing tag closes inside ``<svg>`` and
``<math>`` only, and comments, scripts and styles are skipped. It is an estimate (the parser's
scope rules and adoption agency are not modelled), close to the real depth on real pages, and
never needs more than one pass: it stops as soon as the estimate passes ``limit``.

Used by :mod:`scraper.extract.bounds` (release pages) and :mod:`scraper.discover.listings`.
"""

from __future__ import annotations

import re

__all__ = ["estimated_depth"]

_RAW_TEXT = "script|style|textarea|title|xmp|noscript|template|plaintext"
_TOKEN = re.compile(
    rf"<!--.*?(?:-->|$)|<(?:{_RAW_TEXT})\b.*?(?:</(?:{_RAW_TEXT})\s*>|$)|<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>",
    re.S | re.I,
)
_VOID = frozenset(
    "area base basefont bgsound br col embed frame hr img input keygen link meta param source track wbr".split()
)
# a start tag of one of these closes an open <p> (HTML "close a p element")
_CLOSES_P = frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr li dd dt main menu nav ol p pre section summary table ul".split()
)
# a start tag closes an open element of these kinds, unless one of the boundaries is open above it
_CLOSES_SAME = {
    "li": ("li", frozenset({"ul", "ol", "menu"})),
    "dt": ("dt dd", frozenset({"dl"})),
    "dd": ("dt dd", frozenset({"dl"})),
    "option": ("option", frozenset({"select", "datalist"})),
    "tr": ("tr", frozenset({"table", "thead", "tbody", "tfoot"})),
    "td": ("td th", frozenset({"tr", "table"})),
    "th": ("td th", frozenset({"tr", "table"})),
    "a": ("a", frozenset()),
}
_CLOSES_SAME = {tag: (frozenset(kinds.split()), stop) for tag, (kinds, stop) in _CLOSES_SAME.items()}
_P = frozenset(("p",))


def estimated_depth(html: str, limit: int) -> int:
    """The nesting depth of ``html`` as the parser will build it (approximately); stops past ``limit``.

    Returns a number greater than ``limit`` as soon as the estimate passes it, else the estimate.
    """
    stack: list[str] = []
    open_count: dict[str, int] = {}
    deepest = 0

    def close_through(kinds: frozenset[str], stop: frozenset[str] = frozenset()) -> None:
        """Close the innermost open element of ``kinds`` and everything inside it (not past ``stop``)."""
        for index in range(len(stack) - 1, -1, -1):
            name = stack[index]
            if name in stop:
                return
            if name in kinds:
                for gone in stack[index:]:
                    open_count[gone] -= 1
                del stack[index:]
                return

    for match in _TOKEN.finditer(html):
        name = match.group(2)
        if name is None:  # a comment or a raw-text element: no tags inside
            continue
        name = name.lower()
        if match.group(1):  # an end tag closes up to its element, if it is open
            if open_count.get(name):
                close_through(frozenset((name,)))
            continue
        if name in _VOID:
            continue
        if match.group(3).endswith("/") and (open_count.get("svg") or open_count.get("math")):
            continue
        if name in _CLOSES_P and open_count.get("p"):
            close_through(_P)
        same = _CLOSES_SAME.get(name)
        if same is not None and any(open_count.get(kind) for kind in same[0]):
            close_through(*same)
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
        if len(stack) > deepest:
            deepest = len(stack)
            if deepest > limit:
                break
    return deepest
