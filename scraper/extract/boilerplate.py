"""Structural boilerplate removal: navigation, menus, header/footer, cookie notices, language
switchers, related-news teasers, share and SDG blocks, author boxes, promotions
(:mod:`scraper.extract.selectors`: ``NON_TEXT``, ``STRUCTURE``, ``WRAPPERS``, ``BOILERPLATE``,
``BOILERPLATE_HINTS``), with the safety rules that keep a page's body (nothing protected is removed,
name rules apply only to small blocks), and the tree helpers it rests on (outermost nodes of a
set, ancestor tests, holders of a run of paragraphs).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.extract import selectors
from scraper.extract.attribute_rules import AttributeRules
from scraper.extract.settings import DEFAULT_SETTINGS, ExtractionSettings
from scraper.extract.titles import page_titles, title_heading

_NON_TEXT_TAGS = list(selectors.NON_TEXT)
_STRUCTURE_TAGS = frozenset(selectors.STRUCTURE)


def grouped(rules: tuple[str, ...]) -> str:
    """One selector for ``rules``, the attribute rules of each attribute as ``[name]:is(…)``: the
    parser then tests the attribute's presence once per element, not once per rule (a fifth less
    time for the structural rules). It selects the same elements (tests/unit/test_attribute_rules.py)."""
    by_name: dict[str, list[str]] = {}
    other: list[str] = []
    for rule in rules:
        found = re.match(r"\[([\w-]+)[*^$~|]?=", rule)
        if found:
            by_name.setdefault(found.group(1), []).append(rule)
        else:
            other.append(rule)
    return ", ".join(other + [f"[{name}]:is({', '.join(group)})" for name, group in by_name.items()])


_RULES = selectors.STRUCTURE + selectors.WRAPPERS + selectors.BOILERPLATE
_RULES_SELECTOR = grouped(_RULES)


# the class-name hints are tested in Python: a page-wide query of some fifty substring rules cost
# the parser three times as much (attribute_rules.py)
_HINTS = AttributeRules(selectors.BOILERPLATE_HINTS)


def remove_boilerplate(tree: LexborHTMLParser, settings: ExtractionSettings = DEFAULT_SETTINGS,
                       titles: tuple[str, ...] | None = None) -> None:
    """Remove navigation and page furniture in place: :func:`remove_structure`, then the class-name
    hints on the whole page (:meth:`Furniture.remove_hinted`).

    No rule ever removes ``<html>``, ``<body>``, ``<main>``, or an ancestor of ``<main>`` or of the
    page's title heading (:func:`protected`). Element rules (``nav``, ``header`` …) remove what they
    match, except a ``<header>`` inside an article or ``<main>``. Attribute rules and ``<form>``
    (:data:`~scraper.extract.selectors.WRAPPERS`) and class-name rules
    (:data:`~scraper.extract.selectors.BOILERPLATE`, :data:`~scraper.extract.selectors.BOILERPLATE_HINTS`)
    remove only small blocks: a page-wide ``<form>`` or a ``<body class="cookies-not-set">`` stays.
    An element matched only by a hint also stays when it holds a run of paragraphs: a body whose
    class says "teaser" or "share" is a body. ``titles``: the page's titles (:func:`page_titles`),
    when the caller has them already.
    """
    furniture = remove_structure(tree, settings, titles)
    if furniture is not None and tree.body is not None:
        furniture.remove_hinted(tree.body)


class Furniture:
    """What the hint rules need once the structural rules have run: the protected elements and the
    page's size (the largest block a rule may remove)."""

    def __init__(self, keep: set[int], limit: float, settings: ExtractionSettings):
        self.keep, self.limit, self.settings = keep, limit, settings

    def remove_hinted(self, root: LexborNode, spare: set[int] = frozenset()) -> None:
        """Remove the elements under ``root`` matched by a class-name hint
        (:data:`~scraper.extract.selectors.BOILERPLATE_HINTS`) that are small and hold no run of
        paragraphs; never a protected element nor one in ``spare``."""
        keep = self.keep | spare if spare else self.keep
        hinted: dict[int, LexborNode] = {}
        # the outermost matches (a match on <html> or <body> hides none): one query, and the
        # nesting worked out here (a ":not(… *)" selector costs the parser a third more)
        pending = outermost({n.mem_id: n for n in _HINTS.select(root) if n.tag not in ("html", "body")})
        while pending:
            node = pending.pop()
            if node.mem_id not in keep and _text_length(node) <= self.limit:
                hinted[node.mem_id] = node
            elif node.tag not in ("html", "body"):  # protected or big: the matches inside it count
                inner = {n.mem_id: n for n in _HINTS.select(node) if n.mem_id != node.mem_id}
                pending.extend(outermost(inner))
        doomed: dict[int, LexborNode] = {}
        for outer in hinted.values():
            holding = paragraph_run_holders(outer, self.settings)
            if outer.mem_id not in holding:
                doomed[outer.mem_id] = outer
            else:  # a body with a furniture name stays; the furniture inside it does not
                doomed.update((n.mem_id, n) for n in _HINTS.select(outer) if n.mem_id not in holding)
        decompose_outermost(doomed)


def remove_structure(tree: LexborHTMLParser, settings: ExtractionSettings = DEFAULT_SETTINGS,
                     titles: tuple[str, ...] | None = None) -> Furniture | None:
    """The element, attribute and name rules of :func:`remove_boilerplate` (not the hints), in
    place; returns what the hint rules need (None for a page without ``<body>``)."""
    body = tree.body
    if body is None:
        return None
    tree.strip_tags(_NON_TEXT_TAGS)  # with their content, in one pass of the parser
    keep = protected(tree, titles)
    limit = settings.small_block_max_share * max(_text_length(body), 1)
    doomed: dict[int, LexborNode] = {}
    named: list[LexborNode] = []
    for node in tree.css(_RULES_SELECTOR):
        if node.mem_id in keep:
            continue
        if node.tag in _STRUCTURE_TAGS:
            if not (node.tag == "header" and has_ancestor(node, ("article", "main"))):
                doomed[node.mem_id] = node
        else:
            named.append(node)
    doomed.update(_small(named, keep, limit))
    decompose_outermost(doomed)
    return Furniture(keep, limit, settings)


def protected(tree: LexborHTMLParser, titles: tuple[str, ...] | None = None) -> set[int]:
    """Ids of the elements no boilerplate rule may remove: ``<html>``, ``<body>``, every ``<main>``
    (and ``[role=main]``) with its ancestors, and the ancestors of the title heading (the ``<h1>``
    saying the page's title, else the first ``<h1>``)."""
    keep: set[int] = set()
    anchors = list(tree.css("main, [role=main]"))
    headings = tree.css("h1")
    heading = title_heading(headings, page_titles(tree) if titles is None else titles) or (headings[0] if headings else None)
    for node in anchors:
        keep.add(node.mem_id)
    if heading is not None:
        anchors.append(heading)
    for node in anchors:
        parent = node.parent
        while parent is not None and parent.mem_id not in keep:
            keep.add(parent.mem_id)
            parent = parent.parent
    for node in (tree.root, tree.body, tree.head):
        if node is not None:
            keep.add(node.mem_id)
    return keep


def _small(matches, keep: set[int], max_chars: float) -> dict[int, LexborNode]:
    """The matches that are not protected and hold at most ``max_chars`` characters of text. A big
    match (a page wrapper) is passed over and the matches inside it are considered instead."""
    pending = {node.mem_id: node for node in matches if node.mem_id not in keep}
    small: dict[int, LexborNode] = {}
    while pending:
        big: set[int] = set()
        for node in outermost(pending):
            if _text_length(node) <= max_chars:
                small[node.mem_id] = node
            else:
                big.add(node.mem_id)
        inner: dict[int, LexborNode] = {}  # next round: the matches inside a big one (not inside a small one)
        for key, node in pending.items():
            parent = node.parent if key not in small and key not in big else None
            while parent is not None:
                if parent.mem_id in small:
                    break
                if parent.mem_id in big:
                    inner[key] = node
                    break
                parent = parent.parent
        pending = inner
    return small


def _text_length(node: LexborNode) -> int:
    return len(node.text(deep=True, strip=True))


def paragraph_run_holders(root: LexborNode, settings: ExtractionSettings = DEFAULT_SETTINGS) -> set[int]:
    """Ids of ``root`` and the elements in it that contain a run of paragraphs:
    ``settings.paragraph_run`` sibling ``<p>`` of ``settings.run_paragraph_chars`` characters or more."""
    per_parent: dict[int, int] = {}
    parents: dict[int, LexborNode] = {}
    for paragraph in root.css("p"):
        parent = paragraph.parent
        if parent is None or len(paragraph.text(deep=True, strip=True)) < settings.run_paragraph_chars:
            continue
        per_parent[parent.mem_id] = per_parent.get(parent.mem_id, 0) + 1
        parents[parent.mem_id] = parent
    holding: set[int] = set()
    for key, count in per_parent.items():
        node = parents[key] if count >= settings.paragraph_run else None
        while node is not None and node.mem_id not in holding:
            holding.add(node.mem_id)
            node = node.parent if node.mem_id != root.mem_id else None
    return holding


def outermost(nodes: dict[int, LexborNode]) -> list[LexborNode]:
    """The nodes of ``nodes`` that are not inside another one of them.

    The walk up from each node stops at an ancestor already settled (``inside``: that ancestor is,
    or is inside, one of ``nodes``).
    """
    inside: dict[int, bool] = {}
    found_outermost: list[LexborNode] = []
    for node in nodes.values():
        passed: list[int] = []
        parent, found = node.parent, False
        while parent is not None:
            key = parent.mem_id
            if key in nodes:
                found = True
                break
            if key in inside:
                found = inside[key]
                break
            passed.append(key)
            parent = parent.parent
        for key in passed:
            inside[key] = found
        if not found:
            found_outermost.append(node)
    return found_outermost


def decompose_outermost(nodes: dict[int, LexborNode]) -> None:
    """Decompose each node not inside another one of ``nodes`` (inner ones go with it); all nodes
    are checked before any is decomposed."""
    for node in outermost(nodes):
        node.decompose()


def has_ancestor(node: LexborNode, test) -> bool:
    """Whether any ancestor of ``node`` passes ``test``: a tag tuple, or a predicate on the node."""
    matches = (lambda parent: parent.tag in test) if isinstance(test, tuple) else test
    parent = node.parent
    while parent is not None:
        if matches(parent):
            return True
        parent = parent.parent
    return False
