"""Extraction: one release page's HTML in, an :class:`Extracted` release out (selectolax/Lexbor).

Order of work on a page, module by module:

1. :mod:`~scraper.extract.metadata`: from ``<head>``, the language, canonical URL, hreflang
   alternates, Drupal node id, meta dates.
2. :mod:`~scraper.extract.boilerplate`: structural removal of navigation, menus, header/footer,
   cookie notices, language switchers, related-news teasers, share and SDG blocks
   (:data:`scraper.extract.selectors.BOILERPLATE`).
3. :mod:`~scraper.extract.content`: the content node, the config's hint when it matches, else a
   known body selector, else the block with the most paragraph text and the fewest links (a
   readability-style score), with the lead paragraphs before it; tag lists and link boxes in it removed.
4. :mod:`~scraper.extract.article` and :mod:`~scraper.extract.media`: the article around it gives
   the title, the visible date, images, attachments and tags.
5. :mod:`~scraper.extract.blocks`: the content node becomes text blocks (learned template blocks,
   :mod:`~scraper.extract.templates`, dropped from scored content), cleaned by :mod:`scraper.clean`;
   a dateline opening the first paragraph is reported (the body keeps it).

Every threshold is a field of :class:`~scraper.extract.settings.ExtractionSettings`, passed down
from :func:`extract`; every CSS selector is in :mod:`scraper.extract.selectors`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from archive.errors import ExitCode, IomArchiveError
from scraper import clean
from scraper.config import Hints
from scraper.extract.article import article_scope, drop_leading_dates, find_title, visible_date
from scraper.extract.blocks import Block, blocks_of, drop_template_blocks, inline_text, main_segment, text_blocks
from scraper.extract.body import Body, body_blocks
from scraper.extract.boilerplate import remove_boilerplate, remove_structure
from scraper.extract.bounds import parse_within_bounds
from scraper.extract.content import (
    Content,
    best_scored_block,
    find_content,
    lead_paragraphs,
    link_density,
    page_titles,
    remove_furniture,
    remove_pull_quotes,
)
from scraper.extract.keys import block_key
from scraper.extract.media import attachments, drop_captions, images, tags
from scraper.extract.metadata import alternates, canonical_url, meta_published_date, node_id, page_language
from scraper.extract import titles as titles_module
from scraper.extract.settings import DEFAULT_SETTINGS, ExtractionSettings
from scraper.text.datelines import Dateline, split_dateline

__all__ = [
    "DEFAULT_SETTINGS", "EXTRACTOR_VERSION", "Block", "Body", "Content", "Extracted", "ExtractionError", "ExtractionSettings",
    "alternates", "article_scope", "attachments", "best_scored_block", "block_key", "blocks_of",
    "canonical_url", "clear_caches", "drop_captions", "drop_leading_dates", "drop_template_blocks", "extract",
    "find_content", "find_title", "images", "inline_text", "lead_paragraphs", "link_density",
    "main_segment", "meta_published_date", "node_id", "page_language", "page_titles",
    "remove_boilerplate", "remove_furniture", "tags", "text_blocks", "visible_date",
]


EXTRACTOR_VERSION = 2
"""Version of the extraction rules, recorded with every body (``releases.extractor_version``).

Bump it whenever a change to the extractor can change a body, so an archive can tell a text
changed by a better extractor (``scrape reextract``) from an edit made by the site.
1: until issue 11 (one best content block). 2: the body assembled from every content block of
the article, cleaning that never empties a body, review flags, Drupal 7 and dateline-only dates.
"""


class ExtractionError(IomArchiveError):
    """A page from which no release could be extracted (the raw page is kept for re-extraction).

    A run records it per page; ``scrape extract`` exits with 3 (the one page failed)."""

    exit_code = ExitCode.PARTIAL


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
    review: str | None = None  # why the body should be checked by a person, else None
    extractor_version: int = EXTRACTOR_VERSION

    @property
    def word_count(self) -> int:
        return clean.word_count(self.body)

    @property
    def needs_review(self) -> bool:
        """Whether the body may be incomplete (too short, or cleaning had to fall back): see ``review``."""
        return self.review is not None


_NO_HINTS = Hints()  # frozen: one shared instance (building a validated model per page cost 4% of a page)


def extract(
    html: str,
    page_url: str,
    lang_hint: str | None = None,
    hints: Hints | None = None,
    template: frozenset[str] = frozenset(),
    settings: ExtractionSettings = DEFAULT_SETTINGS,
) -> Extracted:
    """Extract the release on ``page_url``. Raises :class:`ExtractionError` when there is none.

    ``template`` holds the block keys learned for this site and language
    (:func:`scraper.extract.templates.learned_template`); they are removed from content found by scoring.
    ``settings`` holds the extractor's thresholds (:class:`~scraper.extract.settings.ExtractionSettings`).
    """
    hints = hints or _NO_HINTS
    tree = parse_within_bounds(html)  # size and depth bounded before anything recurses (bounds.py)
    if tree.body is None:
        raise ExtractionError("the page has no <body>")
    lang = page_language(tree) or lang_hint
    canonical = canonical_url(tree, page_url)
    meta_date = meta_published_date(tree)
    versions = alternates(tree, page_url)
    node = node_id(tree)

    titles = page_titles(tree)
    furniture = remove_structure(tree, settings, titles)
    content = find_content(tree, hints, template, settings, titles, furniture)
    if content is None:
        raise ExtractionError("no block of article text found")
    scope = article_scope(content.best, settings)
    title = find_title(tree, scope, hints)
    if not title:
        raise ExtractionError("no title found")
    found_images = images(scope, page_url, settings)
    found_attachments, found_tags = attachments(scope, page_url), tags(scope)
    published, source = meta_date, "meta" if meta_date else None
    if published is None:
        published = visible_date(scope, lang, hints, settings)
        source = "visible" if published else None

    leads = [] if content.trusted else lead_paragraphs(content.parts[0], settings)
    candidate_chars = sum(len(node.text(deep=True, strip=True)) for node in leads + content.parts)
    remove_pull_quotes(content.parts, settings)
    parts = leads + remove_furniture(content.parts, settings)
    found = [block for part in parts for block in blocks_of(part)]
    body = body_blocks(found, trusted=content.trusted, template=template, title=title, found_images=found_images,
                       lang=lang, candidate_chars=candidate_chars, settings=settings)
    blocks = body.blocks
    if not blocks:
        raise ExtractionError("the article body is empty")
    dateline = split_dateline(blocks[0].split("\n")[0], lang)
    if published is None:
        published = _dateline_date(blocks, dateline, lang, settings)
        source = "dateline" if published else None
    text = clean.join_blocks(blocks)
    review = body.review
    if review is None and len(text.split()) < 2 * settings.review_min_words:  # else surely long enough
        words = clean.word_count(text)
        if words < settings.review_min_words:
            review = f"short body: {words} words, fewer than {settings.review_min_words}"

    return Extracted(
        url=canonical,
        title=title,
        body=text,
        lang=lang,
        published_date=published,
        date_source=source,
        dateline=dateline.place if dateline else None,
        alternates=versions,
        node_id=node,
        images=found_images,
        attachments=found_attachments,
        tags=found_tags,
        review=review,
    )


def clear_caches() -> None:
    """Empty the extractor's caches (block keys, what a text says, which ``<h1>`` says the title).
    They hold what recurs across a site's pages (its chrome); a benchmark that extracts the same
    pages again and again empties them between passes, so that it measures pages seen once."""
    block_key.cache_clear()
    clean.said.cache_clear()
    titles_module._title_index.cache_clear()


def _dateline_date(blocks: list[str], first: Dateline | None, lang: str | None,
                   settings: ExtractionSettings = DEFAULT_SETTINGS) -> date | None:
    """The date of a dateline opening one of the body's first ``settings.dateline_search_blocks``
    blocks (an editor's note or standfirst can come before the dateline paragraph)."""
    if first is not None and first.date is not None:
        return first.date
    for block in blocks[1:settings.dateline_search_blocks]:
        found = split_dateline(block.split("\n")[0], lang)
        if found is not None and found.date is not None:
            return found.date
    return None
