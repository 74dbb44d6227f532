"""``scrape recover --site KEY [--from DATE]``: releases the live site lost, from a web archive.

IOM sites lose releases in every migration (the Drupal 7 era is partly gone) but public web
archives kept them. For each selected site, the web archive's CDX API (``cdx_api``, the Wayback
Machine's by default) is asked once for every capture under the site's host that was a ``200``
HTML page (identical successive captures collapsed), from ``--from`` on
(:mod:`scraper.discover.cdx`). The captures of the site's release URLs (its own rules: language
prefix, ``release_pattern``) are read as archived (``capture_url``, ``…id_/…``: the original bytes)
with the project's polite fetcher (robots.txt, one request at a time with ``request_delay``,
timeouts, the size cap; only the CDX and capture hosts are allowed; every exchange into the
archive's WARC files, the pages pointing at their records, as in a run), then go through the same
stages as ``scrape import`` (:mod:`scraper.pipeline.imports`): pages first, for the templates, then
extraction, cleaning and :meth:`~scraper.dedupe.identity.Deduplicator.save_capture`, marked
``source = 'recovered'`` with the capture's timestamp. So a release the archive lacks is added; an
archived release gains the capture as an earlier version only when its text differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from archive.errors import ExitCode, IomArchiveError
from archive.lock import ArchiveLock
from archive.store import Archive
from scraper.config import Config, Site
from scraper.dedupe.identity import Deduplicator
from scraper.discover import is_release_url, release_language
from scraper.discover.cdx import (
    CdxCapture,
    CdxError,
    capture_address,
    cdx_query,
    parse_cdx,
)
from scraper.fetch import Fetcher, FetchError, Response, decode_body
from scraper.fetch.warc import exchange_recorder
from scraper.pipeline import events
from scraper.pipeline.collect import Extraction, response_problem
from scraper.pipeline.events import RunReport
from scraper.pipeline.imports import Found, ImportReport, extract_capture, store_capture
from scraper.pipeline.plan import RunOptions, selected_langs, selected_sites
from scraper.pipeline.resources import fetch_settings, warc_recorder
from scraper.urls import normalize_url

SOURCE = "recovered"
MAX_CDX_BYTES = 50_000_000


class WebArchiveUnreachable(IomArchiveError):
    """The web archive's CDX API could not be asked, or did not answer as one."""

    exit_code = ExitCode.UNREACHABLE


def archive_fetcher(config: Config, recorder=None) -> Fetcher:
    """The run's politeness, towards the web archive's hosts only (the CDX API and the captures);
    with a WARC ``recorder``, every exchange goes into the archive's WARC files, as a run's do."""
    hosts = {urlsplit(config.cdx_api).netloc.lower(), urlsplit(config.capture_url.split("{")[0]).netloc.lower()}
    return Fetcher(replace(fetch_settings(config), allowed_hosts=frozenset(hosts)),
                   on_exchange=exchange_recorder(recorder) if recorder else None)


def recover(config: Config, archive_path: str | Path, options: RunOptions, since: date | None = None) -> ImportReport:
    """Archive the selected sites' releases found in the web archive (one writer at a time)."""
    sites = selected_sites(config, options)
    result = ImportReport(report=RunReport(sites=[site.key for site in sites]))
    with ArchiveLock(archive_path), Archive(archive_path, decode=decode_body) as archive, \
            warc_recorder(config, archive_path, "scrape recover") as recorder, \
            archive_fetcher(config, recorder) as client:
        dedupe = Deduplicator(archive)
        for site in sites:
            _recover_site(config, site, selected_langs(site, options.langs), since, client, archive, dedupe, result)
    return result


def _recover_site(config: Config, site: Site, langs: list[str], since: date | None, client: Fetcher,
                  archive: Archive, dedupe: Deduplicator, result: ImportReport) -> None:
    captures = _listed(config, site, since, client)
    result.records += len(captures)
    read: list[tuple[Found, Response]] = []
    stored: dict[str, Found] = {}
    for capture, url, lang in chosen_captures(captures, site, langs, lambda url: _first_seen(archive, url),
                                              config.recover_max_captures):
        address = capture_address(config.capture_url, capture)
        try:
            response = client.get(address)
        except FetchError as exc:
            result.report.emit(events.Failed(url, f"its capture of {capture.timestamp} could not be read: {exc.cause}",
                                             kind="page", site=site.key, lang=lang))
            continue
        problem = response_problem(response)
        if problem:
            result.report.emit(events.Failed(url, f"its capture of {capture.timestamp} ({address}): {problem}",
                                             kind="page", site=site.key, lang=lang))
            continue
        item = Found(address, 0, site, lang, url, capture.captured_at, SOURCE)
        read.append((item, response))
        result.captures += 1
        if url in stored or archive.page_fetched_at(url) is None:  # sorted by time: the newest capture stays
            stored[url] = item
            store_capture(archive, item, response)
    result.pages_stored += len(stored)
    extraction = Extraction(site, archive, dedupe, result.report)
    templates = extraction.templates(langs)
    for item, response in read:
        extract_capture(extraction, item, response, [], templates[item.lang], stored.get(item.url) == item, result)


def chosen_captures(captures: list[CdxCapture], site: Site, langs: list[str],
                    first_seen: Callable[[str], str | None], limit: int) -> list[tuple[CdxCapture, str, str]]:
    """The captures worth reading, oldest first, as ``(capture, release URL, language)``: of each of
    the site's release URLs in ``langs``, its ``limit`` newest distinct texts (CDX digests), each at
    its first capture (when the text was first seen); for a URL the archive has, only captures from
    before the archive first saw it (since then the runs have read it). A web archive holding years
    of captures of a release is then asked for a few pages, not for every one of them."""
    by_url: dict[str, tuple[str, list[CdxCapture]]] = {}
    for capture in captures:
        url = normalize_url(capture.url)
        lang = release_language(site, url)
        if lang in langs and is_release_url(site, url):
            by_url.setdefault(url, (lang, []))[1].append(capture)
    chosen = []
    for url, (lang, found) in by_url.items():
        seen = first_seen(url)
        texts: dict[str, CdxCapture] = {}
        for capture in sorted(found, key=lambda c: c.timestamp):
            if seen is None or capture.captured_at < seen:
                texts.setdefault(capture.digest, capture)  # the first capture of each text
        newest = sorted(texts.values(), key=lambda c: c.timestamp, reverse=True)[:limit]
        chosen += [(capture, url, lang) for capture in newest]
    return sorted(chosen, key=lambda item: (item[0].timestamp, item[1]))


def _first_seen(archive: Archive, url: str) -> str | None:
    release_id = archive.release_id_for_urls([url])
    return archive.release_field(release_id, "first_seen") if release_id is not None else None


def _listed(config: Config, site: Site, since: date | None, client: Fetcher) -> list:
    """Every capture the CDX API lists under the site's host."""
    query = cdx_query(config.cdx_api, site.host + "/", since)
    try:
        response = client.get(query, max_bytes=MAX_CDX_BYTES)
    except FetchError as exc:
        raise WebArchiveUnreachable(f"cannot ask the web archive for {site.key}'s captures ({query}): {exc.cause}; "
                                    "nothing was changed") from None
    if response.status != 200:
        raise WebArchiveUnreachable(f"the web archive's CDX API answered HTTP {response.status} for {site.key} "
                                    f"({query}); nothing of this site was changed")
    try:
        return parse_cdx(response.text)
    except CdxError as exc:
        raise WebArchiveUnreachable(f"{query}: {exc}; nothing of this site was changed") from None
