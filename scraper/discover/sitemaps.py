"""Sitemaps: release URLs with their ``<lastmod>``, following sitemap indexes on the same host.

:func:`parse_sitemap` is pure; :func:`read_sitemap` fetches. Entries whose ``<lastmod>`` is older
than ``since`` are skipped.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from scraper.config import Site
from scraper.discover.rules import Candidate, is_release_url, record_failure, release_language
from scraper.fetch import FetchError, Fetcher, RobotsDisallowed
from scraper.urls import normalize_url

log = logging.getLogger("scraper.discover")

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MAX_SITEMAPS = 50


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: date | None


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
                record_failure(failures, url, f"sitemap not read ({exc.cause})")
            continue
        if response.status != 200:
            log.info("sitemap %s answered HTTP %s; relying on the listing pages", url, response.status)
            if response.status >= 500:
                record_failure(failures, url, f"sitemap not read (HTTP {response.status})")
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
