"""``scrape sites check KEY``: a handful of releases per language, read and extracted, nothing stored.

For judging a new site in a minute: the first releases of each language's news listing, each with
what the extractor makes of it (title, date, dateline, language detected, body length, first words).
"""

from __future__ import annotations

from dataclasses import dataclass

from scraper.config import Site
from scraper.discover.listings import parse_listing
from scraper.extract import ExtractionError, extract
from scraper.fetch import FetchError, Fetcher


@dataclass(frozen=True)
class Checked:
    lang: str
    url: str
    title: str = ""
    date: str = ""
    dateline: str = ""
    detected: str = ""
    body_chars: int = 0
    first_words: str = ""
    error: str = ""


def check_site(fetcher: Fetcher, site: Site, per_language: int = 3, words: int = 12) -> list[Checked]:
    """The first ``per_language`` releases of each language's listing, extracted (no archive)."""
    results: list[Checked] = []
    for lang in site.languages:
        listing_url = site.language_root(lang) + site.news_path
        try:
            response = fetcher.get(listing_url)
        except FetchError as exc:
            results.append(Checked(lang, listing_url, error=f"listing: {exc.cause}"))
            continue
        if response.status != 200:
            results.append(Checked(lang, listing_url, error=f"listing: HTTP {response.status}"))
            continue
        items = parse_listing(response.text, response.url, site, lang).items[:per_language]
        if not items:
            results.append(Checked(lang, listing_url, error="listing: no links matching release_pattern"))
        for item in items:
            results.append(_check_release(fetcher, site, lang, item.url, words))
    return results


def _check_release(fetcher: Fetcher, site: Site, lang: str, url: str, words: int) -> Checked:
    try:
        response = fetcher.get(url)
    except FetchError as exc:
        return Checked(lang, url, error=exc.cause)
    if response.status != 200:
        return Checked(lang, url, error=f"HTTP {response.status}")
    try:
        page = extract(response.text, response.url, lang_hint=lang, hints=site.hints)
    except ExtractionError as exc:
        return Checked(lang, url, error=str(exc))
    return Checked(lang, url, title=page.title, date=page.published_date.isoformat() if page.published_date else "",
                   dateline=page.dateline or "", detected=page.lang or "", body_chars=len(page.body),
                   first_words=" ".join(page.body.split()[:words]))
