"""News listing pages: release links with their teaser dates, and the Drupal pager (``?page=N``).

:func:`parse_listing` is pure; :func:`walk_listing` fetches, newest page first, and stops at the
first page whose dated releases are all older than ``since`` (or, on incremental runs, all
archived already).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Callable
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.config import Site
from scraper.discover.rules import Candidate, is_release_url, record_failure, release_language
from scraper.fetch import FetchError, Fetcher, RobotsDisallowed
from scraper.text.dates import parse_date
from scraper.urls import normalize_url

log = logging.getLogger("scraper.discover")


@dataclass(frozen=True)
class ListingPage:
    items: list[Candidate]
    next_url: str | None


def parse_listing(html: str, page_url: str, site: Site, lang: str) -> ListingPage:
    """Release links on one listing page, each with the date shown in its teaser, and the next page."""
    tree = LexborHTMLParser(html)
    found: dict[str, Candidate] = {}
    for anchor in tree.css("a[href]"):
        url = normalize_url(urljoin(page_url, anchor.attributes.get("href") or ""))
        if url in found or not is_release_url(site, url) or release_language(site, url) != lang:
            continue
        teaser = _teaser_of(anchor, url, page_url, site)
        found[url] = Candidate(url=url, lang=lang, listed_date=_teaser_date(teaser, lang))
    return ListingPage(items=list(found.values()), next_url=_next_page(tree, page_url))


def _teaser_of(anchor: LexborNode, url: str, page_url: str, site: Site) -> LexborNode:
    """The largest ancestor of ``anchor`` that links to no other release: its teaser box."""
    teaser = anchor
    node = anchor.parent
    while node is not None and node.tag not in ("body", "html"):
        hrefs = {normalize_url(urljoin(page_url, a.attributes.get("href") or "")) for a in node.css("a[href]")}
        if any(h != url and is_release_url(site, h) for h in hrefs):
            break
        teaser = node
        node = node.parent
    return teaser


def _teaser_date(teaser: LexborNode, lang: str) -> date | None:
    for time_node in teaser.css("time"):
        value = time_node.attributes.get("datetime") or time_node.text(strip=True)
        parsed = parse_date(value or "", lang)
        if parsed:
            return parsed
    for node in teaser.css("[class*=date], span, div"):
        text = node.text(deep=True, strip=True)
        if 6 <= len(text) <= 40:
            parsed = parse_date(text, lang)
            if parsed:
                return parsed
    return None


def _next_page(tree: LexborHTMLParser, page_url: str) -> str | None:
    for selector in ("a[rel=next]", ".pager__item--next a", "li.next a", ".pager-next a"):
        node = tree.css_first(selector)
        if node is not None and node.attributes.get("href"):
            return urljoin(page_url, node.attributes["href"])
    return None


def walk_listing(
    fetcher: Fetcher, site: Site, lang: str, since: date | None, known: Callable[[str], bool] | None = None,
    failures: list[tuple[str, str]] | None = None,
) -> list[Candidate]:
    """Follow the news listing of one language until releases older than ``since`` (or all known)."""
    url: str | None = site.language_root(lang) + site.news_path
    seen_pages: set[str] = set()
    candidates: list[Candidate] = []
    for page_number in range(site.max_listing_pages):
        if url is None or url in seen_pages:
            break
        seen_pages.add(url)
        try:
            response = fetcher.get(url)
        except FetchError as exc:
            if page_number == 0:
                raise
            log.warning("listing page %s could not be fetched; stopping this listing", url)
            if not isinstance(exc, RobotsDisallowed):  # the site's own choice is not a failure
                record_failure(failures, url, f"listing page not read ({exc.cause}); later listing pages not read")
            break
        if response.status != 200 or not response.is_html:
            if page_number == 0:
                raise FetchError(url, _unexpected(response.status, response.content_type))
            log.warning("listing page %s: %s; stopping", url, _unexpected(response.status, response.content_type))
            if response.status not in (404, 410):  # a pager pointing past the end is not a failure
                record_failure(failures, url, f"listing page not read ({_unexpected(response.status, response.content_type)}); "
                                       "later listing pages not read")
            break
        page = parse_listing(response.text, response.url, site, lang)
        candidates.extend(page.items)
        if not page.items:
            break
        if since and all(item.listed_date and item.listed_date < since for item in page.items):
            log.info("%s: every release on the page is older than %s; stop paging", url, since)
            break
        if known is not None and all(known(item.url) for item in page.items):
            log.info("%s: every release on the page is already archived; stop paging", url)
            break
        url = page.next_url
    return [item for item in candidates if not (since and item.listed_date and item.listed_date < since)]


def _unexpected(status: int, content_type: str) -> str:
    if status == 200:
        return f"expected an HTML page, got {content_type or 'no content type'}"
    if status == 403:
        return "HTTP 403 Forbidden: the site's firewall may be blocking this user agent; check user_agent in the config"
    return f"HTTP {status}"
