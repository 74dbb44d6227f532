"""Which URLs of a site are releases, and in which language: pure functions of the config."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from scraper.config import Site


@dataclass(frozen=True)
class Candidate:
    """A release URL found by discovery, with what the listing or sitemap said of it."""

    url: str
    lang: str
    listed_date: date | None = None
    source: str = "listing"
    lastmod: date | None = None


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


def listing_language(site: Site, url: str) -> str | None:
    """The language whose news listing ``url`` is a page of (``/ru/news``, ``/ru/news?page=3``), else None."""
    parts = urlsplit(url)
    if parts.netloc.lower() != site.host:
        return None
    path = parts.path.rstrip("/")
    for lang, prefix in site.languages.items():
        if path == (prefix + site.news_path).rstrip("/"):
            return lang
    return None


@dataclass(frozen=True)
class Failure:
    """A listing page or sitemap that could not be read: ``kind`` is ``listing`` or ``sitemap``.

    ``cause`` is the whole message logged; ``reason`` only why the request failed ("HTTP 503");
    ``since`` the ``--since`` a listing page was walked with (a retry walks it the same way)."""

    url: str
    cause: str
    kind: str
    lang: str | None = None
    reason: str | None = None
    since: date | None = None


def record_failure(failures: list[Failure] | None, url: str, cause: str, kind: str, lang: str | None = None,
                   reason: str | None = None, since: date | None = None) -> None:
    if failures is not None:
        failures.append(Failure(url, cause, kind, lang, reason or cause, since))
