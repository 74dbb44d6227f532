"""The content node: which element holds the body, and what around it belongs to the body.

The config's hint or a known body selector when one matches (trusted); else the block with the
most paragraph text and the fewest links (:func:`best_scored_block`, a readability-style score
that passes over teaser lists and, on pages with several ``<h1>``, blocks under another story's
headline). Around a scored body: the lead paragraphs just before it. Inside the content node:
tag lists and boxes of links ("Read more") removed as furniture.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import clean
from scraper.config import Hints
from scraper.extract import selectors
from scraper.extract.boilerplate import decompose_outermost
from scraper.extract.keys import block_key
from scraper.extract.settings import DEFAULT_SETTINGS, ExtractionSettings


def find_content(
    tree: LexborHTMLParser,
    hints: Hints,
    template: frozenset[str] = frozenset(),
    settings: ExtractionSettings = DEFAULT_SETTINGS,
) -> tuple[LexborNode | None, bool]:
    """``(node holding the body, found by a known selector)``.

    Config hint first, then the known body selectors; else the best-scored block (learned
    template blocks do not vote; the page's titles, :func:`page_titles`, tell which ``<h1>`` is
    the article's when there are several).
    """
    for selector in ((hints.content,) if hints.content else ()) + selectors.CONTENT:
        matches = [node for node in tree.css(selector) if _text_length(node) > 0]
        if matches:
            return max(matches, key=_text_length), True
    return best_scored_block(tree.body, template, lambda: page_titles(tree), settings), False


def page_titles(tree: LexborHTMLParser) -> tuple[str, ...]:
    """The page's own statements of its title: ``og:title``, ``twitter:title``, ``<title>``."""
    head = tree.head
    if head is None:
        return ()
    found = [node.text() if node.tag == "title" else node.attributes.get("content") or ""
             for node in head.css("title, meta[property='og:title'][content], meta[name='twitter:title'][content]")]
    return tuple(text for text in (clean.normalize_space(t) for t in found) if text)


def best_scored_block(
    root: LexborNode | None,
    template: frozenset[str] = frozenset(),
    titles: tuple[str, ...] | Callable[[], tuple[str, ...]] = (),
    settings: ExtractionSettings = DEFAULT_SETTINGS,
) -> LexborNode | None:
    """Readability-style fallback: paragraphs vote for their parent (and part for the grandparent).

    Paragraphs that are learned template text do not vote. When the page has several ``<h1>`` and
    one of them is the page's title (``titles``, or a function giving them: see
    :func:`page_titles`), blocks whose paragraphs come under another ``<h1>`` (the next stories of
    an endless-scroll page, teasers with their own headline) are not candidates.
    """
    if root is None:
        return None
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    first_paragraph: dict[int, LexborNode] = {}
    for paragraph in root.css("p, pre, blockquote, li"):
        text = clean.normalize_space(paragraph.text(deep=True, separator=" "))
        if len(text) < settings.min_paragraph_chars or (template and block_key(text) in template):
            continue
        score = (1 + text.count(",") + text.count("،")
                 + min(len(text) // settings.score_chars_per_point, settings.max_length_points))
        parent = paragraph.parent
        grandparent = parent.parent if parent is not None else None
        for weight, node in ((1.0, parent), (settings.grandparent_weight, grandparent)):
            if node is None:
                continue
            scores[node.mem_id] = scores.get(node.mem_id, 0.0) + score * weight
            nodes[node.mem_id] = node
            first_paragraph.setdefault(node.mem_id, paragraph)
    if not scores:
        return root if _text_length(root) else None
    under_title = _under_title_heading(root, titles)
    candidates = [key for key in scores if under_title is None or under_title(first_paragraph[key])] or list(scores)
    ranked = sorted(candidates, key=scores.__getitem__, reverse=True)
    weights: dict[int, float] = {}

    def weighted(key: int) -> float:
        if key not in weights:
            weights[key] = scores[key] * (1 - link_density(nodes[key]))
        return weights[key]

    top = settings.top_candidates
    teasers: set[int] = set()  # a block of teasers with their own linked headlines is not the body
    for _ in range(2 * top):
        finalists = list(itertools.islice((key for key in ranked if key not in teasers), top))
        if not finalists:
            break
        best = max(finalists, key=weighted)
        if not _is_teaser_list(nodes[best], settings):
            return nodes[best]
        teasers.add(best)
    return nodes[max(ranked[:top], key=weighted)]


def _under_title_heading(root: LexborNode, titles: tuple[str, ...] | Callable[[], tuple[str, ...]]):
    """A test "is this paragraph under the title's ``<h1>``", or None when it cannot tell.

    None unless the page has two ``<h1>`` or more and one of them says what ``titles`` say.
    Text before the first ``<h1>`` counts as under the title.
    """
    headings = root.css("h1")
    if len(headings) < 2:
        return None
    if callable(titles):
        titles = titles()
    if not titles:
        return None
    wanted = [" ".join(clean.words(title)) for title in titles]
    title_heading = None
    for heading in headings:
        said = " ".join(clean.words(heading.text(deep=True, separator=" ")))
        if said and any(f" {said} " in f" {title} " or f" {title} " in f" {said} " for title in wanted if title):
            title_heading = heading
            break
    if title_heading is None:
        return None
    heading_ids = {heading.mem_id for heading in headings}
    governing: dict[int, int | None] = {}
    current: int | None = None
    for node in root.traverse():
        if node.mem_id in heading_ids:
            current = node.mem_id
        governing[node.mem_id] = current
    return lambda paragraph: governing.get(paragraph.mem_id) in (None, title_heading.mem_id)


def _is_teaser_list(node: LexborNode, settings: ExtractionSettings = DEFAULT_SETTINGS) -> bool:
    """A block of teasers: two headings or more, most of them nothing but a link to another page."""
    headings = node.css("h1, h2, h3, h4, h5, h6")
    if len(headings) < settings.teaser_min_headings:
        return False
    linked = 0
    for heading in headings:
        anchors = [a for a in heading.css("a[href]")
                   if not (a.attributes.get("href") or "").startswith(("#", "javascript:"))]
        text = clean.normalize_space(heading.text(deep=True, separator=" "))
        anchor_chars = sum(len(clean.normalize_space(a.text(deep=True, separator=" "))) for a in anchors)
        if anchors and text and len(text) <= anchor_chars + settings.teaser_heading_slack_chars:
            linked += 1
    return linked >= settings.teaser_min_headings and linked >= settings.teaser_linked_share * len(headings)


def lead_paragraphs(content: LexborNode, settings: ExtractionSettings = DEFAULT_SETTINGS) -> list[LexborNode]:
    """Paragraphs just before the scored body, outside it: the lead, standfirst or "chapo".

    Wrappers with a single child are climbed first; going back from there, elements without text
    (images, icon bars) and images with only their caption are passed over, up to
    ``settings.max_lead_paragraphs`` paragraph-like elements are taken, and anything else (a
    heading, a list, a link-heavy or short block) ends the lead.
    """
    node = content
    while node.parent is not None and node.parent.tag not in ("body", "html") and _only_child(node):
        node = node.parent
    leads: list[LexborNode] = []
    sibling = node.prev
    while sibling is not None and len(leads) < settings.max_lead_paragraphs:
        if sibling.is_element_node and sibling.tag not in ("figure", "picture", "img", "br", "hr"):
            text = clean.normalize_space(sibling.text(deep=True, separator=" "))
            if text and not _is_media_block(sibling, text, settings):
                if not _is_lead_paragraph(sibling, text, settings):
                    break
                leads.append(sibling)
        elif sibling.tag == "-text" and (sibling.text_content or "").strip():
            break
        sibling = sibling.prev
    return leads[::-1]


def _is_media_block(node: LexborNode, text: str, settings: ExtractionSettings = DEFAULT_SETTINGS) -> bool:
    """An image (or video) with only its caption or credit as text: passed over between lead and body."""
    if not node.css_first("img, picture, video, figure"):
        return False
    if len(text) < settings.lead_min_chars:
        return True
    captions = " ".join(caption.text(deep=True, separator=" ") for caption in node.css("figcaption, [class*=caption]"))
    return len(clean.normalize_space(captions)) >= len(text)


def _only_child(node: LexborNode) -> bool:
    """Whether ``node`` is its parent's only element child (blank text around it ignored)."""
    parent = node.parent
    for child in parent.iter(include_text=True):
        if child.mem_id == node.mem_id:
            continue
        if child.is_element_node or (child.tag == "-text" and (child.text_content or "").strip()):
            return False
    return True


def _is_lead_paragraph(node: LexborNode, text: str, settings: ExtractionSettings = DEFAULT_SETTINGS) -> bool:
    if len(text) < settings.lead_min_chars or node.css_first("h1, h2, h3, h4, h5, h6, ul, ol, table, figcaption"):
        return False
    if len(node.css("p")) > settings.lead_max_inner_paragraphs:
        return False
    linked = sum(len(a.text(deep=True, strip=True)) for a in node.css("a"))
    return linked < settings.lead_max_link_share * len(text)


def link_density(node: LexborNode) -> float:
    total = _text_length(node)
    if total == 0:
        return 1.0
    linked = sum(len(a.text(deep=True, strip=True)) for a in node.css("a"))
    return min(linked / total, 1.0)


def _text_length(node: LexborNode) -> int:
    return len(node.text(deep=True, strip=True))


def remove_furniture(content: LexborNode, settings: ExtractionSettings = DEFAULT_SETTINGS) -> None:
    """Remove tag lists and similar metadata blocks that sit inside the content node, and link boxes."""
    for selector in selectors.CONTENT_FURNITURE:
        for node in content.css(selector):
            node.decompose()
    decompose_outermost(_link_boxes(content, settings))


def _link_boxes(content: LexborNode, settings: ExtractionSettings = DEFAULT_SETTINGS) -> dict[int, LexborNode]:
    """Boxes of links set into the body: "Read more" / "Further link" over one or a few links.

    A ``div`` or ``section`` around a link to a page, short (``settings.link_box_chars`` at most),
    made of ``settings.link_box_min_blocks`` blocks or more (a label, the links), whose text is
    mostly link text or else a short label (``settings.link_box_label_chars``), and without a
    paragraph, image, table or embed of its own. A line that is a single link is not a box. Found
    by climbing from each link while the boxes around it stay short.
    """
    boxes: dict[int, LexborNode] = {}
    seen: set[int] = set()
    for anchor in content.css("a[href]"):
        node = anchor.parent
        while node is not None and node.mem_id != content.mem_id and node.mem_id not in seen:
            seen.add(node.mem_id)
            if node.tag in ("div", "section"):
                length = _text_length(node)
                if length > settings.link_box_chars:
                    break
                if _is_link_box(node, length, settings):
                    boxes[node.mem_id] = node
            node = node.parent
    return boxes


def _is_link_box(node: LexborNode, length: int, settings: ExtractionSettings = DEFAULT_SETTINGS) -> bool:
    if not length or node.css_first("p, img, iframe, video, table"):
        return False
    blocks = sum(1 for child in node.iter() if child.text(deep=True, strip=True))
    if blocks < settings.link_box_min_blocks:
        return False
    linked = sum(
        len(a.text(deep=True, strip=True))
        for a in node.css("a[href]")
        if not (a.attributes.get("href") or "").startswith(("mailto:", "tel:"))
    )
    mostly_links = linked >= settings.link_box_link_share * length
    return linked > 0 and (mostly_links or length - linked <= settings.link_box_label_chars)
