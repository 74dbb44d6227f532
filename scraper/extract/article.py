"""The article around the content node: its scope, its title, its visible date, and the date
lines printed above the body ("Published: 02 November 2022") that the body leaves out.
"""

from __future__ import annotations

import re
from datetime import date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import clean
from scraper.config import Hints
from scraper.extract import selectors
from scraper.extract.blocks import inline_text
from scraper.extract.settings import DEFAULT_SETTINGS, ExtractionSettings
from scraper.text.dates import drupal_date, parse_date, placed_date


def article_scope(content: LexborNode, settings: ExtractionSettings = DEFAULT_SETTINGS) -> LexborNode:
    """The article around the body: where its title, date, images, files and tags are."""
    node = content.parent
    for _ in range(settings.article_scope_depth):
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


def visible_date(
    scope: LexborNode, lang: str | None, hints: Hints, settings: ExtractionSettings = DEFAULT_SETTINGS
) -> date | None:
    """The first date printed in the article's furniture (``<time datetime>`` first)."""
    for node in scope.css("time[datetime]"):
        parsed = parse_date(node.attributes.get("datetime") or "", lang)
        if parsed:
            return parsed
    rules = ((hints.date,) if hints.date else ()) + selectors.DATE_ELEMENTS
    for selector in rules if scope.css_first(selectors.any_of(rules)) is not None else ():
        for node in scope.css(selector):
            parsed = _date_in(node.text(deep=True), lang, settings)
            if parsed:
                return parsed
    return _first_date_after_title(scope, lang, settings)


def _date_in(text: str, lang: str | None, settings: ExtractionSettings = DEFAULT_SETTINGS) -> date | None:
    """A date filling a short text, optionally after a label ("Published: …"), or in Drupal's
    medium format inside a longer byline ("Submitted by <name> on Thu, 07/30/2020 - 10:15")."""
    text = clean.normalize_space(text)
    if len(text) > settings.date_text_max_chars:
        return drupal_date(text)  # a byline: "Submitted by <name> on Thu, 07/30/2020 - 10:15"
    if len(text) < settings.date_text_min_chars:
        return None
    return placed_date(text) or parse_date(_unlabelled(text, settings), lang)


def _unlabelled(text: str, settings: ExtractionSettings = DEFAULT_SETTINGS) -> str:
    """The text after a short "Label:" prefix, else the text itself."""
    label, colon, rest = text.partition(":")
    return rest.strip() if colon and len(label) <= settings.max_label_chars and not label.strip().isdigit() else text


def _first_date_after_title(
    scope: LexborNode, lang: str | None, settings: ExtractionSettings = DEFAULT_SETTINGS
) -> date | None:
    """Unknown markup: a short element among the first few after the ``<h1>`` whose text is a date."""
    seen_title = scope.css_first("h1") is None
    looked_at = 0
    for node in scope.traverse():
        if node.tag == "h1":
            seen_title = True
            continue
        if not seen_title or node.tag in ("p", "li") or not node.is_element_node:
            continue
        if node.parent is not None and node.parent.tag in ("p", "li"):
            continue  # inline text of a paragraph (a dateline in <strong>), not a date line of its own
        looked_at += 1
        if looked_at > settings.max_date_candidates:
            break
        parsed = _date_in(node.text(deep=False), lang, settings)
        if parsed:
            return parsed
    return None


def drop_leading_dates(
    blocks: list[str], lang: str | None, settings: ExtractionSettings = DEFAULT_SETTINGS
) -> list[str]:
    """Drop date lines ("Published: 02 November 2022") printed above the body."""
    while (blocks and len(blocks[0]) <= settings.leading_date_max_chars and "\n" not in blocks[0]
           and _is_date_line(blocks[0], lang, settings)):
        blocks = blocks[1:]
    return blocks


def _is_date_line(text: str, lang: str | None, settings: ExtractionSettings = DEFAULT_SETTINGS) -> bool:
    return parse_date(_unlabelled(text, settings), lang) is not None
