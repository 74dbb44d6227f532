"""How deeply a piece of HTML nests, estimated from the raw text before any parser sees it.

Lexbor (selectolax) builds deep trees in time that grows with the square of their depth: each
block element that opens looks for an open ``<p>`` through the whole stack of open elements, so
40,000 nested ``<div>`` take 2.7 s and 100,000 take 20 s (measured here), and a 10 MB page of
them would take hours. Nothing after parsing can bound that, so :func:`estimated_depth` reads the
tags with one regular expression and keeps a stack of the elements left open, as a browser
would for ordinary markup: void elements (``<br>``, ``<img>``) never open, an end tag closes up
to its element, ``<p>``, ``<li>``, ``<td>``, ``<tr>``, ``<option>`` and ``<a>`` close an open one
of their kind the way the HTML parser does, and comments, scripts, styles and ``<svg>``/``<math>``
subtrees (whose self-closing tags do close) are skipped. It is an estimate (the parser's scope
rules and adoption agency are not modelled), close to the real depth on real pages, and needs one
pass: it stops as soon as the estimate passes ``limit`` (about 0.5 ms for a 20 KB page).

Used by :mod:`scraper.extract.bounds` (release pages, above :data:`SCAN_ABOVE_CHARS`) and
:mod:`scraper.discover.listings`.
"""

from __future__ import annotations

import re

__all__ = ["estimated_depth"]

_SKIPPED = re.compile(  # comments, raw-text elements and foreign (svg, math) subtrees: no HTML tags inside
    r"<!--.*?(?:-->|$)|<(script|style|textarea|title|xmp|noscript|template|plaintext|svg|math)\b.*?(?:</\1\s*>|$)",
    re.S,
)
_TAG = re.compile(r"<(/?[a-z][a-z0-9-]*)")
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
    "li": ("li", "ul ol menu"),
    "dt": ("dt dd", "dl"),
    "dd": ("dt dd", "dl"),
    "option": ("option", "select datalist"),
    "tr": ("tr", "table thead tbody tfoot"),
    "td": ("td th", "tr table"),
    "th": ("td th", "tr table"),
    "a": ("a", ""),
}
_CLOSES_SAME = {tag: (frozenset(kinds.split()), frozenset(stop.split())) for tag, (kinds, stop) in _CLOSES_SAME.items()}
_P = frozenset(("p",))

#: Pages up to this size are not scanned: even nested as deeply as they could be (20,000 ``<div>``
#: in 100,000 characters) they parse in under a second, and the parsed tree's depth is checked anyway.
SCAN_ABOVE_CHARS = 100_000


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

    for match in _TAG.finditer(_SKIPPED.sub("", html.lower())):
        name = match.group(1)
        if name[0] == "/":  # an end tag closes up to its element, if it is open
            if open_count.get(name[1:]):
                close_through(frozenset((name[1:],)))
            continue
        if name in _VOID:
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
