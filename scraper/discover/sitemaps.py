"""Sitemaps: release URLs with their ``<lastmod>``, following sitemap indexes on the same host.

:func:`parse_sitemap` is pure and streams: it reads a sitemap of any size the protocol allows
(:data:`MAX_SITEMAP_BYTES` uncompressed, :data:`MAX_SITEMAP_URLS` URLs; sitemaps.org) in one pass
without building the whole tree, keeping the entries read before a syntax error. XML entities
cannot expand (expat refuses billion-laughs amplification) and external entities are never loaded.
:func:`read_sitemap` fetches: each sitemap once (an index listing itself, or two indexes listing each
other, are read once each), at most :data:`MAX_SITEMAPS` per site. Entries whose ``<lastmod>`` is
older than ``since`` are skipped.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from datetime import date
from typing import Callable
from urllib.parse import urlsplit

from scraper.config import Site
from scraper.discover.rules import Candidate, Failure, is_release_url, record_failure, release_language
from scraper.fetch import FetchError, Fetcher, RobotsDisallowed, RobotsUnreachable
from scraper.urls import normalize_url

log = logging.getLogger("scraper.discover")

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML_LINK = "{http://www.w3.org/1999/xhtml}link"
MAX_SITEMAPS = 500  # sitemaps read per site and run (an index may list 50,000; IOM sites have a handful)
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the protocol's limit, uncompressed
MAX_SITEMAP_URLS = 50_000  # the protocol's limit per sitemap (and per index)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: date | None
    alternates: tuple[str, ...] = ()  # its ``<xhtml:link rel="alternate" href>`` language versions


@dataclass
class SitemapRead:
    """What a site's sitemaps gave: release URLs, their language alternates, and how many were read."""

    candidates: list[Candidate] = field(default_factory=list)
    alternates: list[Candidate] = field(default_factory=list)
    sitemaps_read: int = 0
    listed: dict[str, date | None] = field(default_factory=dict)  # every release URL listed -> its lastmod
    complete: bool = True  # every sitemap was read (a URL missing from ``listed`` is not on the site's sitemap)


def parse_sitemap(xml_text: str | bytes) -> tuple[list[SitemapEntry], list[str]]:
    """``(entries, nested sitemap URLs)`` from a sitemap or a sitemap index.

    A malformed sitemap yields the entries before the error (discovery then relies on the listing
    pages for the rest); past :data:`MAX_SITEMAP_URLS` entries the rest is ignored, with a warning.
    """
    entries, nested, _whole = parse_sitemap_whole(xml_text)
    return entries, nested


def parse_sitemap_whole(xml_text: str | bytes) -> tuple[list[SitemapEntry], list[str], bool]:
    """:func:`parse_sitemap`, and whether the whole sitemap was read (no syntax error, not cut at the limit)."""
    data = xml_text.encode("utf-8") if isinstance(xml_text, str) else xml_text
    parser = ET.XMLPullParser(events=("start", "end"))
    entries: list[SitemapEntry] = []
    nested: list[str] = []
    root: ET.Element | None = None
    depth = 0
    try:
        for offset in range(0, max(len(data), 1), _CHUNK):
            parser.feed(data[offset:offset + _CHUNK])
            for event, element in parser.read_events():
                if event == "start":
                    depth += 1
                    root = element if root is None else root
                    continue
                depth -= 1
                if depth != 1:  # only the children of <urlset> / <sitemapindex>
                    continue
                if len(entries) + len(nested) >= MAX_SITEMAP_URLS:
                    log.warning("sitemap lists more than %d URLs (the protocol's limit); the rest is ignored",
                                MAX_SITEMAP_URLS)
                    return entries, nested, False
                _take(element, entries, nested)
                root.clear()  # a 50 MB sitemap never sits in memory as a tree
        parser.close()
    except ET.ParseError as exc:
        log.warning("sitemap is not valid XML (%s); %d entries read before the error", exc, len(entries) + len(nested))
        return entries, nested, False
    return entries, nested, True


def _take(element: ET.Element, entries: list[SitemapEntry], nested: list[str]) -> None:
    loc = element.findtext(f"{SITEMAP_NS}loc") or element.findtext("loc")
    if not loc:
        return
    if element.tag.endswith("sitemap"):
        nested.append(loc.strip())
        return
    lastmod = element.findtext(f"{SITEMAP_NS}lastmod") or element.findtext("lastmod")
    links = tuple(link.get("href", "").strip() for link in element.iter(XHTML_LINK)
                  if link.get("rel", "alternate") == "alternate" and link.get("href"))
    entries.append(SitemapEntry(url=loc.strip(), lastmod=_iso_date(lastmod), alternates=links))


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def gunzipped(content: bytes, limit: int = MAX_SITEMAP_BYTES) -> bytes | None:
    """A gzip file (``sitemap.xml.gz``) decompressed, or None when it would exceed ``limit`` bytes."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = inflater.decompress(content, limit + 1)
    return None if len(out) > limit else out


def read_sitemap(
    fetcher: Fetcher, site: Site, since: date | None, failures: list[Failure] | None = None,
    is_new: Callable[[str], bool] | None = None,
) -> SitemapRead:
    """Release URLs listed in the site's sitemap (following sitemap indexes), newer than ``since``.

    With ``is_new`` (a run without ``--since``), a URL never seen before is kept whatever its
    ``<lastmod>``: the window only spares re-checking archived releases that did not change."""
    queue = [site.base_url + site.sitemap] if site.sitemap else []
    seen = {normalize_url(url) for url in queue}
    found = SitemapRead()
    fetched = 0
    while queue:
        if fetched >= MAX_SITEMAPS:
            log.warning("%s: more than %d sitemaps listed; %d not read", site.key, MAX_SITEMAPS, len(queue))
            found.complete = False
            break
        url = queue.pop(0)
        fetched += 1
        try:
            response = fetcher.get_kept(url, max_bytes=MAX_SITEMAP_BYTES)
        except FetchError as exc:
            found.complete = False
            log.warning("sitemap %s", exc)
            if not isinstance(exc, RobotsDisallowed) or isinstance(exc, RobotsUnreachable):
                record_failure(failures, url, f"sitemap not read ({exc.cause})", "sitemap", reason=exc.cause)
            continue
        if response.status != 200:
            found.complete = False
            log.info("sitemap %s answered HTTP %s; relying on the listing pages", url, response.status)
            if response.status >= 500:
                record_failure(failures, url, f"sitemap not read (HTTP {response.status})", "sitemap",
                               reason=f"HTTP {response.status}")
            continue
        content = response.content
        if content[:2] == b"\x1f\x8b":  # sitemap.xml.gz: a gzip file, not a Content-Encoding
            content = gunzipped(content)
            if content is None:
                found.complete = False
                record_failure(failures, url, f"sitemap not read (larger than {MAX_SITEMAP_BYTES} bytes "
                                              "once decompressed)", "sitemap")
                continue
        found.sitemaps_read += 1
        entries, nested, whole = parse_sitemap_whole(content)
        found.complete = found.complete and whole
        for child in nested:
            key = normalize_url(child)
            if urlsplit(child).netloc.lower() == site.host and key not in seen:
                seen.add(key)
                queue.append(child)
        for entry in entries:
            entry_url = normalize_url(entry.url)
            if not is_release_url(site, entry_url):
                continue
            found.listed[entry_url] = entry.lastmod
            if since and entry.lastmod and entry.lastmod < since and not (is_new is not None and is_new(entry_url)):
                continue
            lang = release_language(site, entry_url)
            found.candidates.append(Candidate(url=entry_url, lang=lang, source="sitemap", lastmod=entry.lastmod))
            for alternate in entry.alternates:
                other = normalize_url(alternate)
                if other != entry_url and is_release_url(site, other):
                    found.alternates.append(Candidate(url=other, lang=release_language(site, other), source="alternate"))
    return found
