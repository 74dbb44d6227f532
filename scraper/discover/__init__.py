"""Discovery: find release URLs on a site, from its news listing pages and its sitemap.

Pure parsing functions (:func:`parse_listing`, :func:`parse_sitemap`, :func:`release_language`)
are separate from :func:`discover`, which fetches. Listing pages are walked newest first, following
the Drupal pager, and paging stops at the first page whose dated releases are all older than
``since``. Sitemap entries whose ``<lastmod>`` is older than ``since`` are skipped.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable, Iterable
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.config import Site
from scraper.text.dates import parse_date
from scraper.fetch import FetchError, Fetcher, RobotsDisallowed
from scraper.urls import normalize_url

log = logging.getLogger(__name__)

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MAX_SITEMAPS = 50


@dataclass(frozen=True)
class Candidate:
    """A release URL found by discovery, with what the listing or sitemap said of it."""

    url: str
    lang: str
    listed_date: date | None = None
    source: str = "listing"
    lastmod: date | None = None


@dataclass(frozen=True)
class ListingPage:
    items: list[Candidate]
    next_url: str | None


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: date | None


def release_language(site: Site, url: str) -> str | None:
    """The configured language whose path prefix ``url`` is under, or None if not on this site.

    Longer prefixes win, so with ``en: ""`` and ``ru: "/ru"`` a ``/ru/…`` URL is Russian and
    everything else on the host is English.
    """
    parts = urlsplit(url)
    if parts.netloc.lower() != site.host:
        return None
    path = parts.path or "/"
    by_length = sorted(site.languages.items(), key=lambda item: len(item[1]), reverse=True)
    for lang, prefix in by_length:
        if not prefix or path == prefix or path.startswith(prefix + "/"):
            return lang
    return None


def is_release_url(site: Site, url: str) -> bool:
    """Whether ``url`` is a release page of ``site`` (its language-relative path matches)."""
    lang = release_language(site, url)
    if lang is None:
        return False
    path = urlsplit(url).path[len(site.languages[lang]):] or "/"
    return re.search(site.release_pattern, path) is not None


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


def parse_sitemap(xml_text: str) -> tuple[list[SitemapEntry], list[str]]:
    """``(entries, nested sitemap URLs)`` from a sitemap or a sitemap index.

    A malformed sitemap yields nothing (discovery then relies on the listing pages).
    """
    try:
        root = ET.fromstring(xml_text.encode("utf-8") if isinstance(xml_text, str) else xml_text)
    except ET.ParseError as exc:
        log.warning("sitemap is not valid XML (%s); ignored", exc)
        return [], []
    entries: list[SitemapEntry] = []
    nested: list[str] = []
    for element in root:
        loc = element.findtext(f"{SITEMAP_NS}loc") or element.findtext("loc")
        if not loc:
            continue
        if element.tag.endswith("sitemap"):
            nested.append(loc.strip())
            continue
        lastmod = element.findtext(f"{SITEMAP_NS}lastmod") or element.findtext("lastmod")
        entries.append(SitemapEntry(url=loc.strip(), lastmod=_iso_date(lastmod)))
    return entries, nested


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def discover(
    fetcher: Fetcher,
    site: Site,
    since: date | None,
    langs: Iterable[str],
    known: Callable[[str], bool] | None = None,
    failures: list[tuple[str, str]] | None = None,
) -> list[Candidate]:
    """Every release URL of ``site`` in ``langs`` from listings and sitemap, each once.

    With ``known`` (incremental runs), a listing stops at the first page whose releases are all
    already archived. Raises :class:`FetchError` when the first listing page of a language cannot
    be fetched (the site is unreachable); later failures are logged, appended to ``failures``
    as ``(url, cause)`` when it is given, and discovery goes on.
    """
    langs = list(langs)
    found: dict[str, Candidate] = {}
    for lang in langs:
        for candidate in walk_listing(fetcher, site, lang, since, known, failures):
            found.setdefault(candidate.url, candidate)
    if site.sitemap:
        for candidate in read_sitemap(fetcher, site, since, failures):
            if candidate.lang not in langs:
                continue
            listed = found.get(candidate.url)
            found[candidate.url] = replace(listed, lastmod=candidate.lastmod) if listed else candidate
    return list(found.values())


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
                _failed(failures, url, f"listing page not read ({exc.cause}); later listing pages not read")
            break
        if response.status != 200 or not response.is_html:
            if page_number == 0:
                raise FetchError(url, _unexpected(response.status, response.content_type))
            log.warning("listing page %s: %s; stopping", url, _unexpected(response.status, response.content_type))
            if response.status not in (404, 410):  # a pager pointing past the end is not a failure
                _failed(failures, url, f"listing page not read ({_unexpected(response.status, response.content_type)}); "
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


def read_sitemap(
    fetcher: Fetcher, site: Site, since: date | None, failures: list[tuple[str, str]] | None = None
) -> list[Candidate]:
    """Release URLs listed in the site's sitemap (following a sitemap index), newer than ``since``."""
    queue = [site.base_url + site.sitemap] if site.sitemap else []
    candidates: list[Candidate] = []
    fetched = 0
    while queue and fetched < MAX_SITEMAPS:
        url = queue.pop(0)
        fetched += 1
        try:
            response = fetcher.get(url)
        except FetchError as exc:
            log.warning("sitemap %s", exc)
            if not isinstance(exc, RobotsDisallowed):
                _failed(failures, url, f"sitemap not read ({exc.cause})")
            continue
        if response.status != 200:
            log.info("sitemap %s answered HTTP %s; relying on the listing pages", url, response.status)
            if response.status >= 500:
                _failed(failures, url, f"sitemap not read (HTTP {response.status})")
            continue
        entries, nested = parse_sitemap(response.text)
        queue.extend(n for n in nested if urlsplit(n).netloc.lower() == site.host)
        for entry in entries:
            entry_url = normalize_url(entry.url)
            if not is_release_url(site, entry_url):
                continue
            if since and entry.lastmod and entry.lastmod < since:
                continue
            lang = release_language(site, entry_url)
            candidates.append(Candidate(url=entry_url, lang=lang, source="sitemap", lastmod=entry.lastmod))
    return candidates


def _failed(failures: list[tuple[str, str]] | None, url: str, cause: str) -> None:
    if failures is not None:
        failures.append((url, cause))


def _unexpected(status: int, content_type: str) -> str:
    if status == 200:
        return f"expected an HTML page, got {content_type or 'no content type'}"
    if status == 403:
        return "HTTP 403 Forbidden: the site's firewall may be blocking this user agent; check user_agent in the config"
    return f"HTTP {status}"
