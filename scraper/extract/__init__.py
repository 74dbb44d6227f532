"""Extraction: one release page's HTML in, an :class:`Extracted` release out (selectolax/Lexbor).

Order of work on a page:

1. Metadata from ``<head>``: canonical URL, hreflang alternates, Drupal node id, meta dates.
2. Structural boilerplate removal: navigation, menus, header/footer, cookie notices, language
   switchers, related-news teasers, share and SDG blocks (:data:`scraper.extract.selectors.BOILERPLATE`).
3. The content node: the config's hint when it matches, else a known body selector, else the
   block with the most paragraph text and the fewest links (a readability-style score).
4. The article around it gives the title, the visible date, images, attachments and tags.
5. The content node becomes text blocks, cleaned by :mod:`scraper.clean`; a dateline opening
   the first paragraph is reported (the body keeps it).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import clean
from scraper.extract import selectors
from scraper.config import Hints
from scraper.text.dates import parse_date, split_dateline
from scraper.extract.templates import block_key
from scraper.urls import normalize_url

_NODE_ID = re.compile(r"/node/(\d+)(?:$|[/?#])")
_BODY_NODE_CLASS = re.compile(r"\bpage-node-(\d+)\b")
MIN_PARAGRAPH_CHARS = 25
MAX_CAPTION_CHARS = 300
MAX_LABEL_CHARS = 25
MAX_DATE_CANDIDATES = 12
TOP_CANDIDATES = 5
MAX_LEAD_PARAGRAPHS = 2
LEAD_MIN_CHARS = 80
LINK_BOX_CHARS = 200
LINK_BOX_LABEL_CHARS = 40
_BOILERPLATE_SELECTOR = ", ".join(selectors.BOILERPLATE)
_BOILERPLATE_HINTS_SELECTOR = ", ".join(selectors.BOILERPLATE_HINTS)


class ExtractionError(Exception):
    """A page from which no release could be extracted (the raw page is kept)."""


@dataclass
class Extracted:
    """Everything read from one release page."""

    url: str
    title: str
    body: str
    lang: str | None
    published_date: date | None = None
    date_source: str | None = None
    dateline: str | None = None
    alternates: dict[str, str] = field(default_factory=dict)
    node_id: str | None = None
    images: list[dict[str, str]] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return clean.word_count(self.body)


def extract(
    html: str,
    page_url: str,
    lang_hint: str | None = None,
    hints: Hints | None = None,
    template: frozenset[str] = frozenset(),
) -> Extracted:
    """Extract the release on ``page_url``. Raises :class:`ExtractionError` when there is none.

    ``template`` holds the block keys learned for this site and language
    (:func:`scraper.extract.templates.learned_template`); they are removed from content found by scoring.
    """
    hints = hints or Hints()
    tree = LexborHTMLParser(html)
    if tree.body is None:
        raise ExtractionError("the page has no <body>")
    lang = page_language(tree) or lang_hint
    canonical = canonical_url(tree, page_url)
    meta_date = meta_published_date(tree)
    versions = alternates(tree, page_url)
    node = node_id(tree)

    remove_boilerplate(tree)
    content, trusted = find_content(tree, hints, template)
    if content is None:
        raise ExtractionError("no block of article text found")
    scope = article_scope(content)
    title = find_title(tree, scope, hints)
    if not title:
        raise ExtractionError("no title found")
    found_images, found_attachments, found_tags = images(scope, page_url), attachments(scope, page_url), tags(scope)
    published, source = meta_date, "meta" if meta_date else None
    if published is None:
        published = visible_date(scope, lang, hints)
        source = "visible" if published else None

    remove_furniture(content)
    if trusted:
        blocks = text_blocks(content)
    else:
        found = [block for lead in lead_paragraphs(content) for block in blocks_of(lead)] + blocks_of(content)
        blocks = drop_template_blocks([b.text for b in main_segment(found, template)], template)
        blocks = drop_captions(blocks, found_images)
    blocks = drop_leading_dates(clean.clean_blocks(blocks, title), lang)
    if not blocks:
        raise ExtractionError("the article body is empty")
    dateline = split_dateline(blocks[0].split("\n")[0], lang)
    if published is None and dateline is not None and dateline.date is not None:
        published, source = dateline.date, "dateline"

    return Extracted(
        url=canonical,
        title=title,
        body=clean.join_blocks(blocks),
        lang=lang,
        published_date=published,
        date_source=source,
        dateline=dateline.place if dateline else None,
        alternates=versions,
        node_id=node,
        images=found_images,
        attachments=found_attachments,
        tags=found_tags,
    )


# --- metadata -------------------------------------------------------------------------------


def page_language(tree: LexborHTMLParser) -> str | None:
    html = tree.css_first("html")
    value = (html.attributes.get("lang") or html.attributes.get("xml:lang") or "") if html else ""
    value = value.strip().lower().replace("_", "-")
    return value.split("-")[0] or None if value else None


def canonical_url(tree: LexborHTMLParser, page_url: str) -> str:
    """``<link rel=canonical>`` when it points to the same host, else the fetched URL."""
    node = tree.css_first("link[rel=canonical][href]")
    if node is not None:
        candidate = urljoin(page_url, node.attributes["href"] or "")
        if urlsplit(candidate).netloc.lower() == urlsplit(page_url).netloc.lower():
            return normalize_url(candidate)
    return normalize_url(page_url)


def alternates(tree: LexborHTMLParser, page_url: str) -> dict[str, str]:
    """hreflang language versions, ``{'en': url, 'ru': url}`` (``x-default`` left out)."""
    found: dict[str, str] = {}
    for node in tree.css("link[rel=alternate][hreflang][href]"):
        lang = (node.attributes.get("hreflang") or "").lower().split("-")[0]
        if lang and lang != "x":
            found.setdefault(lang, normalize_url(urljoin(page_url, node.attributes["href"] or "")))
    return found


def node_id(tree: LexborHTMLParser) -> str | None:
    """Drupal's node id, shared by all translations of a node."""
    for node in tree.css("link[rel=shortlink][href], link[rel=canonical][href]"):
        match = _NODE_ID.search(node.attributes.get("href") or "")
        if match:
            return match.group(1)
    body = tree.body
    match = _BODY_NODE_CLASS.search(body.attributes.get("class") or "") if body else None
    if match:
        return match.group(1)
    node = tree.css_first("article[data-history-node-id]")
    return node.attributes.get("data-history-node-id") if node else None


def meta_published_date(tree: LexborHTMLParser) -> date | None:
    for selector in selectors.DATE_META:
        for node in tree.css(selector):
            parsed = parse_date(node.attributes.get("content") or "")
            if parsed:
                return parsed
    return None


# --- boilerplate and content ----------------------------------------------------------------


def remove_boilerplate(tree: LexborHTMLParser) -> None:
    """Remove navigation and page furniture in place. ``<header>`` inside an article stays.

    An element matched only by a class or id name hint (:data:`scraper.extract.selectors.BOILERPLATE_HINTS`)
    stays when it holds a run of paragraphs: a body whose class says "teaser" or "share" is a body.
    """
    doomed: dict[int, LexborNode] = {}
    for node in tree.css(_BOILERPLATE_SELECTOR):
        if node.tag == "header" and _has_ancestor(node, ("article", "main")):
            continue
        doomed[node.mem_id] = node
    _decompose_outermost(doomed)
    scope = tree.body if tree.body is not None else tree.root
    hinted = {node.mem_id: node for node in scope.css(_BOILERPLATE_HINTS_SELECTOR)} if scope is not None else {}
    if hinted:
        holding: set[int] = set()
        for outer in _outermost(hinted):
            holding |= _paragraph_run_holders(outer)
        _decompose_outermost({key: node for key, node in hinted.items() if key not in holding})


def _paragraph_run_holders(root: LexborNode) -> set[int]:
    """Ids of ``root`` and the elements in it that contain a run of paragraphs:
    :data:`~scraper.extract.selectors.PARAGRAPH_RUN` sibling ``<p>`` of
    :data:`~scraper.extract.selectors.RUN_PARAGRAPH_CHARS` characters or more."""
    per_parent: dict[int, int] = {}
    parents: dict[int, LexborNode] = {}
    for paragraph in root.css("p"):
        parent = paragraph.parent
        if parent is None or len(paragraph.text(deep=True, strip=True)) < selectors.RUN_PARAGRAPH_CHARS:
            continue
        per_parent[parent.mem_id] = per_parent.get(parent.mem_id, 0) + 1
        parents[parent.mem_id] = parent
    holding: set[int] = set()
    for key, count in per_parent.items():
        node = parents[key] if count >= selectors.PARAGRAPH_RUN else None
        while node is not None and node.mem_id not in holding:
            holding.add(node.mem_id)
            node = node.parent if node.mem_id != root.mem_id else None
    return holding


def _outermost(nodes: dict[int, LexborNode]) -> list[LexborNode]:
    """The nodes of ``nodes`` that are not inside another one of them.

    The walk up from each node stops at an ancestor already settled (``inside``: that ancestor is,
    or is inside, one of ``nodes``).
    """
    inside: dict[int, bool] = {}
    outermost: list[LexborNode] = []
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
            outermost.append(node)
    return outermost


def _decompose_outermost(nodes: dict[int, LexborNode]) -> None:
    """Decompose each node not inside another one of ``nodes`` (inner ones go with it); all nodes
    are checked before any is decomposed."""
    for node in _outermost(nodes):
        node.decompose()


def _has_ancestor(node: LexborNode, test) -> bool:
    """Whether any ancestor of ``node`` passes ``test``: a tag tuple, or a predicate on the node."""
    matches = (lambda parent: parent.tag in test) if isinstance(test, tuple) else test
    parent = node.parent
    while parent is not None:
        if matches(parent):
            return True
        parent = parent.parent
    return False


def find_content(
    tree: LexborHTMLParser, hints: Hints, template: frozenset[str] = frozenset()
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
    return best_scored_block(tree.body, template, lambda: page_titles(tree)), False


def page_titles(tree: LexborHTMLParser) -> tuple[str, ...]:
    """The page's own statements of its title: ``og:title``, ``twitter:title``, ``<title>``."""
    head = tree.head
    if head is None:
        return ()
    found = [node.text() if node.tag == "title" else node.attributes.get("content") or ""
             for node in head.css("title, meta[property='og:title'][content], meta[name='twitter:title'][content]")]
    return tuple(text for text in (clean.normalize_space(t) for t in found) if text)


def drop_template_blocks(blocks: list[str], template: frozenset[str]) -> list[str]:
    """Blocks (and lines of list blocks) that are not learned template text."""
    if not template:
        return blocks
    kept = []
    for block in blocks:
        lines = [line for line in block.split("\n") if block_key(line) not in template]
        if lines and block_key(block) not in template:
            kept.append("\n".join(lines))
    return kept


def drop_captions(blocks: list[str], found_images: list[dict[str, str]]) -> list[str]:
    """Image captions printed in the text flow; they are kept with the image instead."""
    captions = [image["caption"] for image in found_images if image["caption"]]
    return [block for block in blocks if not any(clean.same_text(block, caption) for caption in captions)]


def remove_furniture(content: LexborNode) -> None:
    """Remove tag lists and similar metadata blocks that sit inside the content node, and link boxes."""
    for selector in selectors.CONTENT_FURNITURE:
        for node in content.css(selector):
            node.decompose()
    _decompose_outermost(_link_boxes(content))


def _link_boxes(content: LexborNode) -> dict[int, LexborNode]:
    """Boxes of links set into the body: "Read more" / "Further link" over one or a few links.

    A ``div`` or ``section`` around a link to a page, short (:data:`LINK_BOX_CHARS` at most),
    made of two blocks or more (a label, the links), whose text is mostly link text or else a short
    label (:data:`LINK_BOX_LABEL_CHARS`), and without a paragraph, image, table or embed of its own.
    A line that is a single link is not a box. Found by climbing from each link while the boxes
    around it stay short.
    """
    boxes: dict[int, LexborNode] = {}
    seen: set[int] = set()
    for anchor in content.css("a[href]"):
        node = anchor.parent
        while node is not None and node.mem_id != content.mem_id and node.mem_id not in seen:
            seen.add(node.mem_id)
            if node.tag in ("div", "section"):
                length = _text_length(node)
                if length > LINK_BOX_CHARS:
                    break
                if _is_link_box(node, length):
                    boxes[node.mem_id] = node
            node = node.parent
    return boxes


def _is_link_box(node: LexborNode, length: int) -> bool:
    if not length or node.css_first("p, img, iframe, video, table"):
        return False
    blocks = sum(1 for child in node.iter() if child.text(deep=True, strip=True))
    if blocks < 2:
        return False
    linked = sum(
        len(a.text(deep=True, strip=True))
        for a in node.css("a[href]")
        if not (a.attributes.get("href") or "").startswith(("mailto:", "tel:"))
    )
    return linked > 0 and (linked >= 0.5 * length or length - linked <= LINK_BOX_LABEL_CHARS)


def drop_leading_dates(blocks: list[str], lang: str | None) -> list[str]:
    """Drop date lines ("Published: 02 November 2022") printed above the body."""
    while blocks and len(blocks[0]) <= 60 and "\n" not in blocks[0] and _is_date_line(blocks[0], lang):
        blocks = blocks[1:]
    return blocks


def _is_date_line(text: str, lang: str | None) -> bool:
    return parse_date(_unlabelled(text), lang) is not None


def best_scored_block(
    root: LexborNode | None,
    template: frozenset[str] = frozenset(),
    titles: tuple[str, ...] | Callable[[], tuple[str, ...]] = (),
) -> LexborNode | None:
    """Readability-style fallback: paragraphs vote for their parent (and half for the grandparent).

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
        if len(text) < MIN_PARAGRAPH_CHARS or (template and block_key(text) in template):
            continue
        score = 1 + text.count(",") + text.count("،") + min(len(text) // 100, 3)
        parent = paragraph.parent
        for weight, node in ((1.0, parent), (0.5, parent.parent if parent is not None else None)):
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

    teasers: set[int] = set()  # a block of teasers with their own linked headlines is not the body
    for _ in range(2 * TOP_CANDIDATES):
        finalists = list(itertools.islice((key for key in ranked if key not in teasers), TOP_CANDIDATES))
        if not finalists:
            break
        best = max(finalists, key=weighted)
        if not _is_teaser_list(nodes[best]):
            return nodes[best]
        teasers.add(best)
    return nodes[max(ranked[:TOP_CANDIDATES], key=weighted)]


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


def _is_teaser_list(node: LexborNode) -> bool:
    """A block of teasers: two headings or more, most of them nothing but a link to another page."""
    headings = node.css("h1, h2, h3, h4, h5, h6")
    if len(headings) < 2:
        return False
    linked = 0
    for heading in headings:
        anchors = [a for a in heading.css("a[href]")
                   if not (a.attributes.get("href") or "").startswith(("#", "javascript:"))]
        text = clean.normalize_space(heading.text(deep=True, separator=" "))
        anchor_chars = sum(len(clean.normalize_space(a.text(deep=True, separator=" "))) for a in anchors)
        if anchors and text and len(text) <= anchor_chars + 2:
            linked += 1
    return linked >= 2 and 2 * linked >= len(headings)


def lead_paragraphs(content: LexborNode) -> list[LexborNode]:
    """Paragraphs just before the scored body, outside it: the lead, standfirst or "chapo".

    Wrappers with a single child are climbed first; going back from there, elements without text
    (images, icon bars) and images with only their caption are passed over, up to
    :data:`MAX_LEAD_PARAGRAPHS` paragraph-like elements are taken, and anything else (a heading, a
    list, a link-heavy or short block) ends the lead.
    """
    node = content
    while node.parent is not None and node.parent.tag not in ("body", "html") and _only_child(node):
        node = node.parent
    leads: list[LexborNode] = []
    sibling = node.prev
    while sibling is not None and len(leads) < MAX_LEAD_PARAGRAPHS:
        if sibling.is_element_node and sibling.tag not in ("figure", "picture", "img", "br", "hr"):
            text = clean.normalize_space(sibling.text(deep=True, separator=" "))
            if text and not _is_media_block(sibling, text):
                if not _is_lead_paragraph(sibling, text):
                    break
                leads.append(sibling)
        elif sibling.tag == "-text" and (sibling.text_content or "").strip():
            break
        sibling = sibling.prev
    return leads[::-1]


def _is_media_block(node: LexborNode, text: str) -> bool:
    """An image (or video) with only its caption or credit as text: passed over between lead and body."""
    if not node.css_first("img, picture, video, figure"):
        return False
    if len(text) < LEAD_MIN_CHARS:
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


def _is_lead_paragraph(node: LexborNode, text: str) -> bool:
    if len(text) < LEAD_MIN_CHARS or node.css_first("h1, h2, h3, h4, h5, h6, ul, ol, table, figcaption"):
        return False
    if len(node.css("p")) > 2:
        return False
    linked = sum(len(a.text(deep=True, strip=True)) for a in node.css("a"))
    return linked < 0.25 * len(text)


def link_density(node: LexborNode) -> float:
    total = _text_length(node)
    if total == 0:
        return 1.0
    linked = sum(len(a.text(deep=True, strip=True)) for a in node.css("a"))
    return min(linked / total, 1.0)


def _text_length(node: LexborNode) -> int:
    return len(node.text(deep=True, strip=True))


def article_scope(content: LexborNode) -> LexborNode:
    """The article around the body: where its title, date, images, files and tags are."""
    node = content.parent
    for _ in range(6):
        if node is None or node.tag in ("body", "html"):
            break
        classes = node.attributes.get("class") or ""
        if node.tag in ("article", "main") or re.search(r"\bnode\b|\bnode--type-", classes):
            return node
        node = node.parent
    return content.parent or content


def find_title(tree: LexborHTMLParser, scope: LexborNode, hints: Hints) -> str:
    candidates: list[LexborNode | None] = []
    if hints.title:
        candidates.append(tree.css_first(hints.title))
    candidates.append(scope.css_first("h1"))
    for node in candidates:
        if node is not None:
            text = clean.normalize_space(inline_text(node))
            if text:
                return text
    og = tree.css_first("meta[property='og:title'][content]")
    if og is not None and clean.normalize_space(og.attributes["content"] or ""):
        return clean.clean_title(og.attributes["content"] or "")
    for selector in selectors.TITLE:
        node = tree.css_first(selector)
        if node is not None and clean.normalize_space(inline_text(node)):
            return clean.normalize_space(inline_text(node))
    title = tree.css_first("title")
    return clean.clean_title(title.text()) if title is not None else ""


def visible_date(scope: LexborNode, lang: str | None, hints: Hints) -> date | None:
    """The first date printed in the article's furniture (``<time datetime>`` first)."""
    for node in scope.css("time[datetime]"):
        parsed = parse_date(node.attributes.get("datetime") or "", lang)
        if parsed:
            return parsed
    for selector in ((hints.date,) if hints.date else ()) + selectors.DATE_ELEMENTS:
        for node in scope.css(selector):
            parsed = _date_in(node.text(deep=True), lang)
            if parsed:
                return parsed
    return _first_date_after_title(scope, lang)


def _date_in(text: str, lang: str | None) -> date | None:
    """A date filling a short text, optionally after a label ("Published: …")."""
    text = clean.normalize_space(text)
    if not 6 <= len(text) <= 60:
        return None
    return parse_date(_unlabelled(text), lang)


def _unlabelled(text: str) -> str:
    """The text after a short "Label:" prefix, else the text itself."""
    label, colon, rest = text.partition(":")
    return rest.strip() if colon and len(label) <= MAX_LABEL_CHARS and not label.strip().isdigit() else text


def _first_date_after_title(scope: LexborNode, lang: str | None) -> date | None:
    """Unknown markup: a short element among the first few after the ``<h1>`` whose text is a date."""
    seen_title = scope.css_first("h1") is None
    looked_at = 0
    for node in scope.traverse():
        if node.tag == "h1":
            seen_title = True
            continue
        if not seen_title or node.tag in ("p", "li") or not node.is_element_node:
            continue
        looked_at += 1
        if looked_at > MAX_DATE_CANDIDATES:
            break
        parsed = _date_in(node.text(deep=False), lang)
        if parsed:
            return parsed
    return None


# --- text -----------------------------------------------------------------------------------


def inline_text(node: LexborNode) -> str:
    """The text of a node as one line, block boundaries becoming spaces."""
    return " ".join(block.replace("\n", " ") for block in text_blocks(node))


@dataclass(frozen=True)
class Block:
    """A paragraph-like piece of text, with how much of it is link text."""

    text: str
    link_chars: int = 0
    links: int = 0
    mail_links: int = 0

    @property
    def is_furniture(self) -> bool:
        """Page furniture at the end of an article rather than a paragraph of it.

        Several links making up most of the text ("Share: Facebook Twitter"), a short label
        followed only by links to pages or files ("Topics: Climate Migration", "Downloads: report
        (PDF)"; not a "Contact: name@iom.int" line), or a dangling label ("Attachments:").
        """
        text = clean.normalize_space(self.text)
        if not text:
            return True
        if self.links >= 2 and self.link_chars >= 0.5 * len(text):
            return True
        label, colon, rest = text.partition(":")
        if not colon or len(label) > MAX_LABEL_CHARS:
            return False
        if not rest.strip():
            return True
        return self.links > self.mail_links and self.link_chars >= 0.8 * len(rest.strip())


def text_blocks(root: LexborNode) -> list[str]:
    """The text of ``root`` as blocks: one per paragraph-like element, one per list (item per line)."""
    return [block.text for block in blocks_of(root)]


def blocks_of(root: LexborNode) -> list[Block]:
    """:func:`text_blocks` with link statistics per block."""
    blocks: list[Block] = []
    current: list[str] = []
    links = {"chars": 0, "count": 0, "mail": 0}

    def flush() -> None:
        text = "".join(current)
        current.clear()
        if text.strip():
            blocks.append(Block(text, links["chars"], links["count"], links["mail"]))
        links["chars"] = links["count"] = links["mail"] = 0

    def walk(node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                current.append((child.text_content or "").replace("\n", " "))
            elif tag == "br":
                current.append("\n")
            elif tag in selectors.LIST_TAGS:
                flush()
                items = [clean.normalize_space(inline_text(li)) for li in child.iter() if li.tag == "li"]
                linked = child.css("a")
                text = "\n".join(item for item in items if item)
                if text:
                    blocks.append(Block(text, sum(len(a.text(deep=True, strip=True)) for a in linked), len(linked)))
            elif tag in ("td", "th"):
                current.append(" ")
                walk(child)
                current.append(" ")
            elif tag in selectors.BLOCK_TAGS or tag == "li":
                flush()
                walk(child)
                flush()
            elif tag.startswith("-"):
                continue
            else:
                if tag == "a":
                    links["count"] += 1
                    links["chars"] += len(child.text(deep=True, strip=True))
                    links["mail"] += (child.attributes.get("href") or "").startswith(("mailto:", "tel:"))
                walk(child)

    walk(root)
    flush()
    return blocks


def main_segment(blocks: list[Block], template: frozenset[str]) -> list[Block]:
    """For content found by scoring: the run of blocks between template blocks with the most text.

    Learned template blocks (menus, notices, "Related News" headings) separate the body from the
    teasers and furniture around it; trailing furniture ("Topics: A B") is cut off.
    """
    segments: list[list[Block]] = [[]]
    for block in blocks:
        if block_key(block.text) in template:
            segments.append([])
        else:
            segments[-1].append(block)
    best = max(segments, key=lambda segment: sum(len(b.text) - b.link_chars for b in segment))
    while best and best[-1].is_furniture:
        best = best[:-1]
    return best


# --- attached media and tags ----------------------------------------------------------------


def images(scope: LexborNode, page_url: str) -> list[dict[str, str]]:
    """Content images with their alt text and caption (icons, logos and data URIs skipped)."""
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    for img in scope.css("img"):
        src = img.attributes.get("src") or img.attributes.get("data-src") or ""
        if not src or src.startswith("data:") or "logo" in src.lower() or src.lower().endswith(".svg"):
            continue
        width = img.attributes.get("width") or ""
        if width.isdigit() and int(width) < 50 or _is_linked_icon(img):
            continue
        url = urljoin(page_url, src)
        if url in seen:
            continue
        seen.add(url)
        found.append({
            "url": url,
            "alt": clean.normalize_space(img.attributes.get("alt") or ""),
            "caption": _caption(img),
        })
    return found


def _is_linked_icon(img: LexborNode) -> bool:
    """An image inside a link to something that is not an image: a print, e-mail or share button."""
    node = img.parent
    for _ in range(3):
        if node is None:
            return False
        if node.tag == "a":
            href = (node.attributes.get("href") or "").lower().split("?")[0]
            return not href.endswith((".jpg", ".jpeg", ".png", ".gif", ".webp"))
        node = node.parent
    return False


def _caption(img: LexborNode) -> str:
    """``<figcaption>`` or a caption-classed element near the image, else a short text right after it."""
    node = img.parent
    for _ in range(3):
        if node is None:
            break
        caption = node.css_first("figcaption, [class*=caption]")
        if caption is not None:
            return clean.normalize_space(inline_text(caption))
        node = node.parent
    sibling = img.next
    while sibling is not None and sibling.tag == "-text" and not (sibling.text_content or "").strip():
        sibling = sibling.next
    if sibling is not None and sibling.tag in ("span", "small", "em", "i", "p", "div"):
        text = clean.normalize_space(inline_text(sibling))
        if 0 < len(text) <= MAX_CAPTION_CHARS:
            return text
    return ""


def attachments(scope: LexborNode, page_url: str) -> list[dict[str, str]]:
    """Links to documents (PDF, Word, Excel…) with their link text."""
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    for anchor in scope.css("a[href]"):
        href = anchor.attributes.get("href") or ""
        if not href.split("?")[0].split("#")[0].lower().endswith(selectors.ATTACHMENT_EXTENSIONS):
            continue
        url = urljoin(page_url, href)
        if url in seen:
            continue
        seen.add(url)
        found.append({"url": url, "title": clean.normalize_space(inline_text(anchor))})
    return found


def tags(scope: LexborNode) -> list[str]:
    found: list[str] = []
    for selector in selectors.TAG_LINKS:
        for anchor in scope.css(selector):
            text = clean.normalize_space(inline_text(anchor))
            if text and text not in found:
                found.append(text)
    return found
