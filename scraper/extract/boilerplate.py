"""Structural boilerplate removal: navigation, menus, header/footer, cookie notices, language
switchers, related-news teasers, share and SDG blocks (:data:`scraper.extract.selectors.BOILERPLATE`,
:data:`~scraper.extract.selectors.BOILERPLATE_HINTS`), and the tree helpers it rests on
(outermost nodes of a set, ancestor tests, holders of a run of paragraphs).
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.extract import selectors
from scraper.extract.settings import DEFAULT_SETTINGS, ExtractionSettings

_BOILERPLATE_SELECTOR = ", ".join(selectors.BOILERPLATE)
_BOILERPLATE_HINTS_SELECTOR = ", ".join(selectors.BOILERPLATE_HINTS)


def remove_boilerplate(tree: LexborHTMLParser, settings: ExtractionSettings = DEFAULT_SETTINGS) -> None:
    """Remove navigation and page furniture in place. ``<header>`` inside an article stays.

    An element matched only by a class or id name hint (:data:`scraper.extract.selectors.BOILERPLATE_HINTS`)
    stays when it holds a run of paragraphs: a body whose class says "teaser" or "share" is a body.
    """
    doomed: dict[int, LexborNode] = {}
    for node in tree.css(_BOILERPLATE_SELECTOR):
        if node.tag == "header" and has_ancestor(node, ("article", "main")):
            continue
        doomed[node.mem_id] = node
    decompose_outermost(doomed)
    scope = tree.body if tree.body is not None else tree.root
    hinted = {node.mem_id: node for node in scope.css(_BOILERPLATE_HINTS_SELECTOR)} if scope is not None else {}
    if hinted:
        holding: set[int] = set()
        for outer in outermost(hinted):
            holding |= paragraph_run_holders(outer, settings)
        decompose_outermost({key: node for key, node in hinted.items() if key not in holding})


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
