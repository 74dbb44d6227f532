"""The content: which elements hold the body, and what around them belongs to the body.

The config's hint or a known body selector when one matches (trusted: every match of the same
article, joined in document order); else the block with the most paragraph text and the fewest
links (:func:`best_scored_block`, a readability-style score that passes over teaser lists, and
keeps to the article under the page's own ``<h1>``), joined with its siblings of the same kind
(:func:`scraper.extract.assembly.assemble`). Around a scored body: the lead paragraphs just before
it. Inside the content: tag lists, captions, galleries and boxes of links ("Read more") removed as
furniture.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import clean
from scraper.config import Hints
from scraper.extract import selectors
from scraper.extract.assembly import assemble, is_story, story
from scraper.extract.boilerplate import Furniture, decompose_outermost, outermost
from scraper.extract.keys import block_key
from scraper.extract.settings import DEFAULT_SETTINGS, ExtractionSettings
from scraper.extract.titles import page_titles, title_heading

__all__ = [
    "Content", "best_scored_block", "find_content", "lead_paragraphs", "link_density", "page_titles",
    "remove_furniture", "remove_pull_quotes",
]

_UNIT_SELECTOR = ", ".join(["h1", selectors.PARAGRAPHS, *sorted(selectors.TEXT_CONTAINERS | {"body"})])
_PARAGRAPH_TAGS = frozenset(tag.strip() for tag in selectors.PARAGRAPHS.split(","))
_FURNITURE_SELECTOR = ", ".join(selectors.CONTENT_FURNITURE + selectors.MEDIA_FURNITURE)
_CAPTION_SELECTOR = ":is({})".format(", ".join(
    [*selectors.CAPTION_CONTAINERS, *(f"[class*={word}]" for word in selectors.CAPTION_CLASS_WORDS)]))


@dataclass
class Content:
    """Where the body is: its parts in document order, and whether a known selector found them."""

    parts: list[LexborNode]
    trusted: bool
    best: LexborNode  # the part the selector or the scorer picked; the article is found around it

    @property
    def node(self) -> LexborNode:
        return self.best


def find_content(
    tree: LexborHTMLParser,
    hints: Hints,
    template: frozenset[str] = frozenset(),
    settings: ExtractionSettings = DEFAULT_SETTINGS,
    titles: tuple[str, ...] | None = None,
    furniture: Furniture | None = None,
) -> Content | None:
    """The body's parts, or None when the page has no text.

    Config hint first, then the known body selectors: every outermost match in the same article
    as the longest one (a Paragraphs-module body is several ``.text-formatted`` fields; a related
    teaser's body field belongs to another article). Else the best-scored block and its siblings
    of the same kind (learned template blocks do not vote; the page's titles, :func:`page_titles`,
    tell which ``<h1>`` is the article's).

    ``furniture`` (from :func:`scraper.extract.boilerplate.remove_structure`): the class-name hints
    are applied here, to the article around known body fields (sparing them and their ancestors),
    else to the whole page before scoring. None: they were applied already.
    """
    known = ((hints.content,) if hints.content else ()) + selectors.CONTENT
    found = tree.css(selectors.any_of(known))  # one query: does any match at all, and which elements
    for selector in known if found else ():
        if not any(_could_match(node, selector) for node in found):
            continue  # none of the elements found can be this selector's: no need to ask the parser
        matches = {node.mem_id: node for node in tree.css(selector) if _text_length(node) > 0}
        if matches:
            best = max(matches.values(), key=_text_length)
            own = story(best)
            own_id = own.mem_id if own is not None else None
            parts = [node for node in outermost(matches) if _story_id(node) == own_id] or [best]
            if furniture is not None:
                furniture.remove_hinted(_article_limit(best, settings) or best, _lines_of(parts))
            return Content(parts, True, best)
    if furniture is not None and tree.body is not None:
        furniture.remove_hinted(tree.body)
    if titles is None:
        titles = page_titles(tree)
    scored = _Scorer(tree.body, template, titles, settings) if tree.body is not None else None
    best = scored.best() if scored is not None else None
    if best is None:
        return None
    return Content(scored.assemble(best), False, best)


def best_scored_block(
    root: LexborNode | None,
    template: frozenset[str] = frozenset(),
    titles: tuple[str, ...] | Callable[[], tuple[str, ...]] = (),
    settings: ExtractionSettings = DEFAULT_SETTINGS,
) -> LexborNode | None:
    """Readability-style fallback: paragraphs vote for their parent (and part for the grandparent).

    See :class:`_Scorer`. Returns the best block alone (:func:`find_content` also joins its
    siblings of the same kind).
    """
    return _Scorer(root, template, titles, settings).best() if root is not None else None


_ATTRIBUTE_RULE = re.compile(r"^\[([\w-]+)=['\"]?([^'\"\]]+)['\"]?\]$")


def _could_match(node: LexborNode, selector: str) -> bool:
    """Whether ``node`` can be what ``selector`` selects, judged on its last compound (``.a``,
    ``tag.a``, ``[attr=value]``); True for any other form, which the parser then answers."""
    if "," in selector or not selector.strip():
        return True
    last = selector.split()[-1]
    attribute = _ATTRIBUTE_RULE.match(last)
    if attribute:
        return node.attributes.get(attribute.group(1)) == attribute.group(2)
    tag, dot, token = last.partition(".")
    if not dot or not token or any(c in token for c in "[]:#>+~*.") or (tag and not tag.isalnum()):
        return True
    return (not tag or node.tag == tag) and token in (node.attributes.get("class") or "").split()


def _lines_of(nodes: list[LexborNode]) -> set[int]:
    """The ids of ``nodes`` and of all their ancestors."""
    ids: set[int] = set()
    for node in nodes:
        while node is not None and node.mem_id not in ids:
            ids.add(node.mem_id)
            node = node.parent
    return ids


def _story_id(node: LexborNode) -> int | None:
    own = story(node)
    return own.mem_id if own is not None else None


@dataclass
class _Unit:
    """A paragraph of text that votes: a ``<p>``-like element, or a run of text directly in a block."""

    node: LexborNode
    points: float
    index: int  # position in document order
    heading: int | None  # the <h1> it comes under (None: before any)
    _ancestors: frozenset[int] | None = field(default=None, repr=False)

    def ancestors(self) -> frozenset[int]:
        if self._ancestors is None:
            ids, node = [], self.node
            while node is not None:
                ids.append(node.mem_id)
                node = node.parent
            self._ancestors = frozenset(ids)
        return self._ancestors


class _Scorer:
    """The content score of every block of a page, and the choice of the body among them.

    Votes: each paragraph of ``settings.min_paragraph_chars`` or more (``<p>``, ``<pre>``,
    ``<blockquote>``, ``<li>``, and text written directly in a ``<div>``, ``<td>`` … with runs
    separated by ``<br><br>`` counted one by one) gives its block one point, one per comma and one
    per ``settings.score_chars_per_point`` characters (at most ``settings.max_length_points``), and
    ``settings.grandparent_weight`` of that to the block above. Paragraphs of captions, credits and
    galleries do not vote, nor do learned template blocks.

    Choice: when the page's title is one of its ``<h1>`` (:func:`~scraper.extract.titles.title_heading`),
    blocks under another ``<h1>`` (the next story of an endless-scroll page), blocks that start
    before the title (an excerpt ticker) and blocks outside the title's article (another article's
    box, or the candidates outside the title's own container, :meth:`_near_title`) are passed over
    as long as others remain. Of the ``settings.top_candidates`` best, the one
    whose body, joined with its siblings of the same kind, scores most once weighted by its share
    of non-link text wins (a part without votes of its own counts with the best block inside it);
    a block of teasers with their own linked headlines is passed over for the best other block,
    unless that one scores less than ``settings.teaser_min_alternative_share`` of it.
    """

    def __init__(self, root: LexborNode, template: frozenset[str],
                 titles: tuple[str, ...] | Callable[[], tuple[str, ...]], settings: ExtractionSettings):
        self.root, self.template, self.settings = root, template, settings
        self._titles = titles
        self.scores: dict[int, float] = {}
        self.nodes: dict[int, LexborNode] = {}
        self.first_unit: dict[int, _Unit] = {}
        self.units: list[_Unit] = []
        self.headings: list[tuple[int, LexborNode]] = []
        self._weights: dict[int, float] = {}
        self._kin: dict[int, bool] = {}  # sibling block -> whether it holds body text (assembly)
        self._ancestries: dict[int, set[int]] = {}
        self._levels: dict[int, tuple[list[LexborNode], list[int]]] = {}  # assembly, per path block
        self._lines: dict[int, set[int]] | None = None  # scored block -> its ids up the tree (a few levels)
        # text lengths of blocks and links, asked again and again of nested candidates (the tree
        # does not change while a page is scored)
        self._lengths: dict[int, int] = {}
        self._densities: dict[int, float] = {}
        self._count()
        self.title = self._title_heading()

    # --- votes ---------------------------------------------------------------------------------

    def _count(self) -> None:
        settings, heading = self.settings, None
        captions = {node.mem_id for node in self.root.css(_CAPTION_SELECTOR)}
        for index, node in enumerate(self.root.css(_UNIT_SELECTOR)):
            tag = node.tag
            if tag == "h1":
                heading = node.mem_id
                self.headings.append((index, node))
                continue
            if tag in _PARAGRAPH_TAGS:
                text = " ".join(node.text(deep=True, separator=" ").split())  # only measured and keyed
                if not self._votes(text) or _in_caption(node, captions):
                    continue
                points, container = _points(text, settings), False
            else:
                if len(node.text(deep=False, strip=True)) < settings.min_paragraph_chars:
                    continue
                runs, has_blocks = _own_runs(node)
                runs = [run for run in runs if self._votes(run)]
                if not runs or _in_caption(node, captions):
                    continue
                points = sum(_points(run, settings) for run in runs)
                container = has_blocks or len(runs) > 1
            unit = _Unit(node, points, index, heading)
            self.units.append(unit)
            first = node if container else node.parent
            second = first.parent if first is not None else None
            for weight, voter in ((1.0, first), (settings.grandparent_weight, second)):
                if voter is None:
                    continue
                key = voter.mem_id
                self.scores[key] = self.scores.get(key, 0.0) + points * weight
                self.nodes[key] = voter
                self.first_unit.setdefault(key, unit)

    def _votes(self, text: str) -> bool:
        return len(text) >= self.settings.min_paragraph_chars and not (self.template and block_key(text) in self.template)

    def _title_heading(self) -> LexborNode | None:
        if not self.headings:
            return None
        titles = self._titles() if callable(self._titles) else self._titles
        return title_heading([node for _, node in self.headings], titles, self.settings.title_min_words)

    # --- choice ----------------------------------------------------------------------------------

    def best(self) -> LexborNode | None:
        if not self.scores:
            return self.root if self._length(self.root) else None
        ranked = sorted(self.scores, key=self.scores.__getitem__, reverse=True)
        for keep in self._preferences():
            ranked = [key for key in ranked if keep(key)] or ranked
        top = self.settings.top_candidates
        weights: dict[int, float] = {}

        strongest = max(self._weighted(key) for key in ranked[:top])

        def weighted(key: int) -> float:
            if key not in weights:
                own = self._weighted(key)
                if own < self.settings.kin_min_share * strongest:
                    weights[key] = own  # too weak to win even joined with its siblings: not assembled
                    return own
                parts = self.assemble(self.nodes[key])
                # a body joined from several parts counts for the best block in it only (not for a
                # wrapper around it, nor for a weaker sibling, such as a footer row next to the article)
                inside = [self._best_inside(part) for part in parts] if len(parts) > 1 else []
                weights[key] = sum(inside) if inside and max(inside) <= own else own
            return weights[key]

        if self.title is not None:
            ranked = self._near_title(ranked)
        # a block of teasers with their own linked headlines is not the body, unless nothing else
        # on the page comes near it (a body with linked sub-headings, the only text of its page)
        first = max(ranked[:top], key=weighted)
        teasers: set[int] = set()
        for _ in range(2 * top):
            finalists = list(itertools.islice((key for key in ranked if key not in teasers), top))
            if not finalists:
                break
            best = max(finalists, key=weighted)
            if not _is_teaser_list(self.nodes[best], self.settings):
                if teasers and weighted(best) < self.settings.teaser_min_alternative_share * weighted(first):
                    break
                return self.nodes[best]
            teasers.add(best)
        return self.nodes[first]

    def _near_title(self, ranked: list[int]) -> list[int]:
        """The candidates inside the title's own container: the closest ancestor of the title
        heading holding a candidate that scores at least ``settings.title_container_min_share``
        of the best (another article's box in a side column, with longer paragraphs, is outside)."""
        pool = ranked[:self.settings.top_candidates]
        floor = self.settings.title_container_min_share * max(self._weighted(key) for key in pool)
        strong = {key: self._ancestry(key) for key in pool if self._weighted(key) >= floor}
        node = self.title.parent
        while node is not None and node.tag != "html":
            if any(node.mem_id in line for line in strong.values()):
                return [key for key in pool if node.mem_id in self._ancestry(key)]
            node = node.parent
        return ranked

    def _ancestry(self, key: int) -> set[int]:
        """A candidate's id and the ids of all its ancestors."""
        if key not in self._ancestries:
            line, node = set(), self.nodes[key]
            while node is not None:
                line.add(node.mem_id)
                node = node.parent
            self._ancestries[key] = line
        return self._ancestries[key]

    def _preferences(self) -> list[Callable[[int], bool]]:
        """Tests a candidate should pass, in order, each dropped when no candidate passes it."""
        title = self.title
        if title is None:
            return []
        title_index = next(index for index, node in self.headings if node.mem_id == title.mem_id)
        title_line: set[int] = set()  # the title heading and its ancestors
        node = title
        while node is not None:
            title_line.add(node.mem_id)
            node = node.parent
        tests: list[Callable[[int], bool]] = []
        if len(self.headings) > 1:
            tests.append(lambda key: self.first_unit[key].heading in (None, title.mem_id))
        tests.append(lambda key: key in title_line or self.first_unit[key].index > title_index)
        own = story(title)
        if own is not None:
            tests.append(lambda key: key in title_line or own.mem_id in self.first_unit[key].ancestors())
        return tests

    def _weighted(self, key: int) -> float:
        """A block's score weighted by its share of non-link text."""
        if key not in self._weights:
            self._weights[key] = self.scores[key] * (1 - self._link_density(self.nodes[key]))
        return self._weights[key]

    def _length(self, node: LexborNode) -> int:
        key = node.mem_id
        if key not in self._lengths:
            self._lengths[key] = _text_length(node)
        return self._lengths[key]

    def _link_density(self, node: LexborNode) -> float:
        """:func:`link_density`, with the lengths of blocks and links kept."""
        key = node.mem_id
        if key not in self._densities:
            total = self._length(node)
            self._densities[key] = min(sum(self._length(a) for a in node.css("a")) / total, 1.0) if total else 1.0
        return self._densities[key]

    def _best_inside(self, part: LexborNode) -> float:
        """What a part of an assembled body adds to its score: the best weighted score of a block
        that is the part or lies inside it (the text field inside an entity of a Paragraphs body)."""
        if self._lines is None:
            self._lines = {}
            for key, node in self.nodes.items():
                line, parent = set(), node
                for _ in range(self.settings.article_scope_depth + 2):
                    if parent is None:
                        break
                    line.add(parent.mem_id)
                    parent = parent.parent
                self._lines[key] = line
        return max((self._weighted(key) for key, line in self._lines.items() if part.mem_id in line), default=0.0)

    # --- assembly --------------------------------------------------------------------------------

    def assemble(self, best: LexborNode) -> list[LexborNode]:
        """``best`` with its siblings of the same kind that hold body text (see
        :func:`scraper.extract.assembly.assemble`), up to the article around it."""
        return assemble(best, _article_limit(best, self.settings), self._is_kin_content, self.settings, self._levels)

    def _is_kin_content(self, node: LexborNode) -> bool:
        key = node.mem_id
        if key not in self._kin:
            self._kin[key] = self._kin_test(node)
        return self._kin[key]

    def _kin_test(self, node: LexborNode) -> bool:
        settings = self.settings
        length = self._length(node)
        if length < settings.kin_min_chars or self._link_density(node) > settings.kin_max_link_density:
            return False
        if self.title is not None and any(h.mem_id != self.title.mem_id for h in node.css("h1")):
            return False  # another story's headline
        return not _is_teaser_list(node, settings)


def _article_limit(node: LexborNode, settings: ExtractionSettings) -> LexborNode | None:
    """The article around a scored block (``<article>``, ``<main>``, a Drupal node), within
    ``settings.article_scope_depth`` levels; else its parent."""
    parent = node.parent
    for _ in range(settings.article_scope_depth):
        if parent is None or parent.tag in ("body", "html"):
            break
        if parent.tag == "main" or is_story(parent):
            return parent
        parent = parent.parent
    return node.parent


def _points(text: str, settings: ExtractionSettings) -> float:
    return (1 + text.count(",") + text.count("،")
            + min(len(text) // settings.score_chars_per_point, settings.max_length_points))


def _own_runs(node: LexborNode) -> tuple[list[str], bool]:
    """The text written directly in ``node`` (inline children included) as runs split at block
    children and at ``<br><br>``; and whether it has block children with text."""
    runs: list[str] = []
    current: list[str] = []
    has_blocks = False
    after_break = False

    def flush() -> None:
        text = clean.normalize_space("".join(current))
        current.clear()
        if text:
            runs.append(text)

    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            text = child.text_content or ""
            if text.strip():
                current.append(text)
                after_break = False
        elif tag == "br":
            if after_break:
                flush()
            current.append(" ")
            after_break = True
        elif tag in selectors.INLINE_TAGS or tag == "img":
            text = child.text(deep=True)
            if text.strip():
                current.append(text)
                after_break = False
        elif not tag.startswith("-"):
            flush()
            after_break = False
            has_blocks = has_blocks or bool(child.text(deep=True, strip=True))
    flush()
    return runs, has_blocks


def _in_caption(node: LexborNode, captions: set[int], depth: int = 4) -> bool:
    """Whether ``node`` is (in, ``depth`` levels up at most) a caption, credit or gallery
    (``captions``: their ids): its text is not body text."""
    if not captions:
        return False
    for _ in range(depth):
        if node is None:
            return False
        if node.mem_id in captions:
            return True
        node = node.parent
    return False


def _is_teaser_list(node: LexborNode, settings: ExtractionSettings = DEFAULT_SETTINGS) -> bool:
    """A block of teasers: two headings or more, most of them nothing but a link to another page,
    with little text under each (a body with a few linked sub-headings is not a teaser list)."""
    headings = node.css("h1, h2, h3, h4, h5, h6")
    if len(headings) < settings.teaser_min_headings:
        return False
    linked = 0
    heading_chars = 0
    for heading in headings:
        anchors = [a for a in heading.css("a[href]")
                   if not (a.attributes.get("href") or "").startswith(("#", "javascript:"))]
        text = clean.normalize_space(heading.text(deep=True, separator=" "))
        heading_chars += len(text)
        anchor_chars = sum(len(clean.normalize_space(a.text(deep=True, separator=" "))) for a in anchors)
        if anchors and text and len(text) <= anchor_chars + settings.teaser_heading_slack_chars:
            linked += 1
    if linked < settings.teaser_min_headings or linked < settings.teaser_linked_share * len(headings):
        return False
    other_chars = len(clean.normalize_space(node.text(deep=True, separator=" "))) - heading_chars
    return other_chars <= settings.teaser_max_chars_per_heading * linked


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


def remove_furniture(parts: list[LexborNode], settings: ExtractionSettings = DEFAULT_SETTINGS) -> list[LexborNode]:
    """Remove what sits inside the body's parts but is not its text; returns the parts that remain.

    Tag lists and similar metadata blocks (:data:`~scraper.extract.selectors.CONTENT_FURNITURE`),
    media furniture (:data:`~scraper.extract.selectors.MEDIA_FURNITURE`: captions, credits,
    galleries and their controls; ``<figure>`` with an image or video) and link boxes. Furniture
    found by class name goes only when small (``settings.furniture_max_share`` of the body's text),
    so a body that a theme wraps in a "tags", "gallery" or "caption" class stays; a part that is
    itself such furniture (a gallery block between two text blocks) is left out. Images, files and
    tags are read before this."""
    limit = settings.furniture_max_share * sum(_text_length(part) for part in parts)
    kept = []
    for part in parts:
        if _is_furniture(part) and _text_length(part) <= limit:
            continue
        doomed: dict[int, LexborNode] = {}
        for node in part.css(_FURNITURE_SELECTOR):
            if node.mem_id != part.mem_id and _text_length(node) <= limit:
                doomed[node.mem_id] = node
        for node in part.css("figure"):
            if node.mem_id != part.mem_id and (node.css_first(selectors.MEDIA) is not None
                                               or not node.css_first("blockquote, p")):
                doomed[node.mem_id] = node
        decompose_outermost(doomed)
        decompose_outermost(_link_boxes(part, settings))
        kept.append(part)
    return kept


def _simple_rule(rule: str) -> tuple[str | None, str | None, str | None]:
    """``(tag, class substring, class token)`` of a selector of the forms ``tag``,
    ``[class*=word]`` and ``tag.class``."""
    if rule.startswith("[class*=") and rule.endswith("]"):
        return None, rule[len("[class*="):-1].strip("'\""), None
    tag, _, token = rule.partition(".")
    return tag or None, None, token or None


_FURNITURE_RULES = tuple(_simple_rule(rule) for rule in selectors.CONTENT_FURNITURE + selectors.MEDIA_FURNITURE)


def _is_furniture(node: LexborNode) -> bool:
    """Whether ``node`` itself (not something inside it) is tag-list, caption or gallery furniture."""
    classes = node.attributes.get("class") or ""
    tokens = classes.split()
    for tag, part, token in _FURNITURE_RULES:
        if (tag is None or node.tag == tag) and (part is None or part in classes) and (token is None or token in tokens):
            return True
    return False


def remove_pull_quotes(parts: list[LexborNode], settings: ExtractionSettings = DEFAULT_SETTINGS) -> None:
    """Remove pull quotes: a ``<blockquote>`` (with the ``<figure>`` or ``<aside>`` around it and its
    ``<cite>``) whose words the body says again elsewhere. A quotation the body does not repeat stays."""
    quotes = [quote for part in parts for quote in part.css("blockquote")]
    if not quotes:
        return
    said = "\x00".join(" ".join(clean.words(part.text(deep=True, separator=" "))) for part in parts)
    doomed: dict[int, LexborNode] = {}
    for quote in quotes:
        spoken = [node.text(deep=True, separator=" ") for node in quote.css("p")] or [quote.text(deep=True, separator=" ")]
        words = clean.words(" ".join(spoken))
        phrase = " ".join(words)
        if len(words) < settings.pull_quote_min_words or said.count(phrase) < 2 or clean.occurrences(said, phrase) < 2:
            continue
        outer = quote.parent if quote.parent is not None and quote.parent.tag in ("figure", "aside") else quote
        if all(outer.mem_id != part.mem_id for part in parts):
            doomed[outer.mem_id] = outer
    decompose_outermost(doomed)


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
