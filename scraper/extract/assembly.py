"""Body assembly: the body is every content block of the article, in document order.

A CMS often cuts one article's text into sibling blocks: Drupal's Paragraphs module renders a
``field--name-field-content-paragraphs`` holding one ``paragraph paragraph--type--text`` entity per
chunk (images, quotes and embeds between them), layout builder renders sections of blocks, news
sites split the body into "article-body" chunks around ads and photos. Whichever block the content
scorer (or a known body selector) found is one of them; :func:`assemble` joins its siblings of the
same kind (:func:`same_kind`) that hold text, climbing from the block to the article around it.
Blocks of another kind between them (an ad slot, a share bar, an embed) are left out; furniture
of the same kind inside them (image entities, pull quotes) is dropped later
(:mod:`scraper.extract.content` removes captions and galleries, :mod:`scraper.extract.body`
drops a block that repeats another).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from selectolax.lexbor import LexborNode

from scraper.extract.settings import DEFAULT_SETTINGS, ExtractionSettings

# Class tokens that say nothing about what a block holds: layout helpers every block may carry.
_GENERIC_CLASSES = frozenset({
    "clearfix", "container", "container-fluid", "row", "col", "column", "columns", "inner", "wrapper", "wrap",
    "grid", "cell", "box", "content", "section", "block", "odd", "even", "first", "last", "active", "contextual-region",
})
_STORY_CLASS = re.compile(r"(?:^|\s)(?:node|node--type-[\w-]+|post|hentry|type-post)(?:\s|$)")
_KIND_ATTRIBUTES = ("data-component", "data-block-type", "data-type", "itemprop")


def _tokens(node: LexborNode) -> frozenset[str]:
    attributes = node.attributes
    classes = (attributes.get("class") or "").split()
    tokens = {token for token in classes if token not in _GENERIC_CLASSES and not token[-1:].isdigit()}
    for name in _KIND_ATTRIBUTES:
        value = attributes.get(name)
        if value:
            tokens.add(f"{name}={value}")
    if not tokens and classes:  # only layout helpers: the exact class list is the kind
        tokens.add(" ".join(sorted(classes)))
    return frozenset(tokens)


def same_kind(a: LexborNode, b: LexborNode) -> bool:
    """Blocks of one kind: the same tag and a class token (or ``data-component`` …) in common, or
    both without class. Layout helpers (``clearfix``, ``row`` …) and numbered tokens do not count."""
    return a.tag == b.tag and _kin_tokens(_tokens(a), _tokens(b))


def _kin_tokens(tokens_a: frozenset[str], tokens_b: frozenset[str]) -> bool:
    return bool(tokens_a & tokens_b) if tokens_a or tokens_b else True


def is_story(node: LexborNode) -> bool:
    """Whether ``node`` is an article: ``<article>``, or a Drupal/WordPress node or post."""
    return node.tag == "article" or _STORY_CLASS.search(node.attributes.get("class") or "") is not None


def story(node: LexborNode) -> LexborNode | None:
    """The article (:func:`is_story`) ``node`` is part of, or None."""
    parent = node
    while parent is not None and parent.tag not in ("body", "html"):
        if is_story(parent):
            return parent
        parent = parent.parent
    return None


def assemble(
    best: LexborNode,
    limit: LexborNode | None,
    is_content: Callable[[LexborNode], bool],
    settings: ExtractionSettings = DEFAULT_SETTINGS,
    levels: dict[int, tuple[list[LexborNode], list[int]]] | None = None,
) -> list[LexborNode]:
    """``best`` and its siblings of the same kind that hold content, in document order.

    Climbs from ``best`` to ``limit`` (the article around it; its own siblings are other stories
    and are never looked at). At each level the block on the path is joined by its element
    siblings of the same kind for which ``is_content`` holds; the path block keeps what was
    assembled below it. ``levels`` caches, per path block, its siblings and the ids of its kin
    (candidates of one page share most of their path).
    """
    parts = [best]
    node = best
    levels = {} if levels is None else levels
    while node.parent is not None and (limit is None or node.mem_id != limit.mem_id) and node.tag not in ("body", "html"):
        parent = node.parent
        if node.mem_id not in levels:
            siblings = [child for child in parent.iter() if child.is_element_node]
            kind, tag = _tokens(node), node.tag
            levels[node.mem_id] = (siblings, [
                child.mem_id for child in siblings
                if child.mem_id != node.mem_id and child.tag == tag and _kin_tokens(kind, _tokens(child))
                and is_content(child)])
        siblings, kin = levels[node.mem_id]
        if kin:
            joined: list[LexborNode] = []
            for child in siblings:
                if child.mem_id == node.mem_id:
                    joined.extend(parts)
                elif child.mem_id in kin:
                    joined.append(child)
            parts = joined
        if parent.tag in ("body", "html") or limit is None:
            break
        node = parent
    return parts
