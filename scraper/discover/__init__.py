"""Stage 2, discover: find release URLs on a site, from its news listing pages and its sitemap.

- :mod:`scraper.discover.rules`: which URLs are releases, and in which language (pure);
- :mod:`scraper.discover.listings`: listing pages, newest first, following the Drupal pager;
- :mod:`scraper.discover.sitemaps`: the sitemap and sitemap indexes.

:func:`discover` puts them together: every release URL of the selected languages, each once,
with the date its teaser showed and its sitemap ``<lastmod>``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Callable, Iterable

from scraper.config import Site
from scraper.discover.listings import ListingPage, parse_listing, walk_listing
from scraper.discover.rules import Candidate, is_release_url, release_language
from scraper.discover.sitemaps import SitemapEntry, parse_sitemap, read_sitemap
from scraper.fetch import Fetcher

__all__ = [
    "Candidate", "ListingPage", "SitemapEntry", "discover", "is_release_url", "parse_listing", "parse_sitemap",
    "read_sitemap", "release_language", "walk_listing",
]


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
