"""Page metadata read from ``<head>`` (and the ``<body>`` class): language, canonical URL,
hreflang alternates, Drupal node id, published date and last-edited time from meta tags.

Read before any element is removed from the page.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper.extract import selectors
from scraper.text.dates import parse_date
from scraper.urls import normalize_url

_NODE_ID = re.compile(r"/node/(\d+)(?:$|[/?#])")
_BODY_NODE_CLASS = re.compile(r"\bpage-node-(\d+)\b")


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
    if tree.css_first(selectors.any_of(selectors.DATE_META)) is None:
        return None
    for selector in selectors.DATE_META:
        for node in tree.css(selector):
            parsed = parse_date(node.attributes.get("content") or "")
            if parsed:
                return parsed
    return None


def modified_time(tree: LexborHTMLParser) -> str | None:
    """When the page says it was last edited (``article:modified_time``, ``og:updated_time``,
    ``dateModified``): ISO 8601, in UTC when the page gives a time zone (``2025-11-21T12:00:00Z``), as
    given otherwise; None when absent or unreadable."""
    for node in tree.css(selectors.any_of(selectors.MODIFIED_META)):
        value = (node.attributes.get("content") or "").strip()
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            return parsed.isoformat(timespec="seconds") if "T" in value or " " in value else parsed.date().isoformat()
        return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None
