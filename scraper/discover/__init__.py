"""Stage 2, discover: find release URLs on a site, from its news listing pages and its sitemap.

- :mod:`scraper.discover.rules`: which URLs are releases, and in which language (pure);
- :mod:`scraper.discover.listings`: listing pages, newest first, following the Drupal pager;
- :mod:`scraper.discover.sitemaps`: the sitemap and sitemap indexes.

:func:`discover` puts them together: every release URL of the selected languages, each once,
with the date its teaser showed and its sitemap ``<lastmod>``. Each language's listing, each
listing page and each sitemap is its own unit of failure: one that cannot be read is recorded as
a :class:`Failure` and discovery goes on with the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable, Iterable

from scraper.config import Site
from scraper.discover.listings import ListingPage, ListingWalk, parse_listing, walk_listing
from scraper.discover.rules import (
    Candidate,
    Failure,
    is_release_url,
    listing_language,
    record_failure,
    release_language,
)
from scraper.discover.sitemaps import SitemapEntry, SitemapRead, parse_sitemap, read_sitemap
from scraper.fetch import Fetcher
from scraper.urls import normalize_url

__all__ = [
    "Candidate", "Discovery", "Failure", "ListingPage", "ListingResume", "ListingWalk", "SitemapEntry",
    "SitemapRead", "discover", "is_release_url", "listing_language", "parse_listing", "parse_sitemap",
    "read_sitemap", "release_language", "walk_listing",
]

log = logging.getLogger("scraper.discover")


@dataclass(frozen=True)
class ListingResume:
    """A listing page that failed in an earlier run: walked again from there, with that run's ``since``."""

    url: str
    lang: str
    since: date | None


@dataclass
class Discovery:
    """What discovery found, and which parts of the site it could read."""

    candidates: list[Candidate] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)  # languages whose listing's first page was read
    disallowed: list[str] = field(default_factory=list)  # listings robots.txt does not let us read
    sitemaps_read: int = 0
    sitemap_listed: dict[str, date | None] = field(default_factory=dict)  # every release URL in it -> lastmod
    sitemap_complete: bool = False  # the whole sitemap was read: a URL it does not list has left it

    @property
    def read_anything(self) -> bool:
        return bool(self.listed or self.sitemaps_read)

    def unlisted(self, langs: Iterable[str]) -> list[str]:
        """The languages whose listing could not be read (their releases come from elsewhere)."""
        return [lang for lang in langs if lang not in self.listed]


def discover(
    fetcher: Fetcher,
    site: Site,
    since: date | None,
    langs: Iterable[str],
    known: Callable[[str], bool] | None = None,
    resume: Iterable[ListingResume] = (),
    is_new: Callable[[str], bool] | None = None,
) -> Discovery:
    """Every release URL of ``site`` in ``langs`` from listings and sitemap, each once.

    With ``known`` (incremental runs), a listing stops at the first page whose releases are all
    already archived. With ``is_new`` (a run without ``--since``), ``since`` bounds how far listings
    are walked but never leaves out a URL never seen before (see :func:`walk_listing`). ``resume`` are listing pages that failed in earlier runs, walked again from
    there. Nothing raises for a page that cannot be read: it is a :class:`Failure` in the result,
    and a language whose listing cannot be read at all still gets its releases from the sitemap
    (and, later, from the hreflang links of the other languages' pages: see ``Discovery.unlisted``).
    """
    langs = list(langs)
    result = Discovery()
    found: dict[str, Candidate] = {}
    resumed_pages: set[str] = set()  # listing pages read by resumed walks (they may meet each other)

    def walk(lang: str, walk_since: date | None, start: str | None = None, stop_at_known: bool = True) -> ListingWalk | None:
        """One language's listing walk; an unexpected error (a bug, a hostile page) fails that listing only."""
        try:
            return walk_listing(fetcher, site, lang, walk_since, known if stop_at_known else None, result.failures,
                                start=start, seen_pages=None if stop_at_known else resumed_pages, is_new=is_new)
        except Exception as exc:  # noqa: BLE001 (a bug or a hostile page: this listing only)
            log.exception("listing %s of %s", lang, site.key)
            record_failure(result.failures, start or site.language_root(lang) + site.news_path,
                           f"listing not read (unexpected {type(exc).__name__}: {exc})", "listing", lang,
                           since=walk_since)
            return None

    def add(listing: ListingWalk | None, source: str | None = None) -> None:
        for candidate in listing.candidates if listing else ():
            found.setdefault(candidate.url, replace(candidate, source=source) if source else candidate)

    resumes = [page for page in resume if page.lang in langs]
    for lang in langs:
        first = site.language_root(lang) + site.news_path
        again = [page for page in resumes if normalize_url(page.url) == normalize_url(first)]
        if again:  # its first page failed before: walk the whole listing as that run would have
            resumes = [page for page in resumes if page not in again]
            older = None if since is None or any(page.since is None for page in again) else \
                min([since, *(page.since for page in again)])
            log.info("%s: the %s listing failed in an earlier run; walking it since %s", site.key, lang, older or "the start")
            listing = walk(lang, older, stop_at_known=False)
            add(listing, "resumed")
        else:
            listing = walk(lang, since)
            add(listing)
        if listing is not None and listing.pages_read:
            result.listed.add(lang)
        if listing is not None and listing.disallowed:
            result.disallowed.append(first)
    for page in resumes:
        log.info("%s: resuming the %s listing at %s (it failed in an earlier run)", site.key, page.lang, page.url)
        add(walk(page.lang, page.since, start=page.url, stop_at_known=False), "resumed")
    if site.sitemap:
        try:
            sitemap = read_sitemap(fetcher, site, since, result.failures, is_new)
        except Exception as exc:  # noqa: BLE001
            log.exception("sitemap of %s", site.key)
            record_failure(result.failures, site.base_url + site.sitemap,
                           f"sitemap not read (unexpected {type(exc).__name__}: {exc})", "sitemap")
            sitemap = None
        if sitemap is not None:
            result.sitemaps_read = sitemap.sitemaps_read
            result.sitemap_listed = {url: lastmod for url, lastmod in sitemap.listed.items()
                                     if release_language(site, url) in langs}
            result.sitemap_complete = sitemap.complete and sitemap.sitemaps_read > 0
            for candidate in sitemap.candidates:
                if candidate.lang not in langs:
                    continue
                listed = found.get(candidate.url)
                found[candidate.url] = replace(listed, lastmod=candidate.lastmod) if listed else candidate
            unlisted = set(result.unlisted(langs))
            for candidate in sitemap.alternates:  # a language whose listing failed: its hreflang links
                if candidate.lang in unlisted:
                    found.setdefault(candidate.url, candidate)
    result.candidates = list(found.values())
    return result
