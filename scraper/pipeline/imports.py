"""``scrape import PATH...``: releases from WARC files, through the same pipeline as a run.

Any WARC file will do: ours (``<archive>.warc/``), Webrecorder's, a crawler's. Each record is read
as a response captured at its ``WARC-Date`` (:func:`scraper.fetch.warc.read_captures`); the site's
rules decide which captures are release pages (:mod:`scraper.discover.rules`: a configured host,
a language prefix, the release pattern; a 200 HTML response), and redirects captured in the files
give the URLs that led to them. Then, as in a run:

1. **Pages first.** Every release capture's text blocks are counted for the site templates, and
   the capture is stored in ``pages`` (``raw_html``, ``fetched_at`` = the capture's time) when the
   archive has no page of that URL yet (a page fetched from the live site is never replaced by a
   capture; of several captures of one URL the newest is stored). So a theme seen only in the
   WARC is learned before its releases are extracted, and ``scrape reextract`` can read them again.
2. **Extraction, cleaning, dedupe.** Each capture is extracted with the learned templates and
   saved by :meth:`~scraper.dedupe.identity.Deduplicator.save_capture`, with its provenance
   (``source = 'warc'``, ``captured_at``) on the release, its URLs and its versions.

Every file is read twice (pages, then releases) rather than kept in memory, so any size of file
works, gzip per record or not. A file that cannot be read on (not a WARC, damaged, cut short) is
an error of that file: what it held before the damage is imported, the other files go on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from archive.errors import UsageError
from archive.lock import ArchiveLock
from archive.store import Archive, Capture, PageRecord
from scraper.config import Config, Site
from scraper.dedupe.identity import Deduplicator
from scraper.discover import is_release_url, release_language
from scraper.extract import ExtractionError, extract
from scraper.extract.bounds import parse_within_bounds
from scraper.extract.templates import page_block_keys
from scraper.fetch import Response, decode_body
from scraper.fetch.warc import Captured, WarcFileError, read_captures
from scraper.pipeline import events
from scraper.pipeline.collect import Extraction, is_fatal, response_problem
from scraper.pipeline.events import RunReport
from scraper.pipeline.plan import RunOptions, selected_langs, selected_sites
from scraper.pipeline.records import release_record
from scraper.urls import normalize_url

SOURCE = "warc"
MAX_REDIRECT_HOPS = 5


@dataclass
class ImportReport:
    """What an import did: the run-like report (releases counted, errors), plus what the files held."""

    report: RunReport = field(default_factory=RunReport)
    records: int = 0  # records read, of every kind
    captures: int = 0  # release pages found (200 HTML captures of configured sites' release URLs)
    earlier: int = 0  # captures that became an earlier version of an archived release
    pages_stored: int = 0  # captures stored in ``pages`` (no page of that URL before)
    other_hosts: Counter = field(default_factory=Counter)  # records of hosts no selected site has

    @property
    def errors(self) -> list[dict[str, str]]:
        return self.report.errors


@dataclass(frozen=True)
class Found:
    """A release capture: where it is (a WARC file and its record's index, or a web archive's capture
    URL), which site and language, when it was captured and where it comes from (``source``)."""

    path: Path | str
    index: int
    site: Site
    lang: str
    url: str
    captured_at: str
    source: str = SOURCE

    @property
    def origin(self) -> str:
        return self.path.name if isinstance(self.path, Path) else self.path


def import_warcs(config: Config, archive_path: str | Path, paths: Iterable[str | Path],
                 options: RunOptions = RunOptions()) -> ImportReport:
    """Import the release captures of the WARC files at ``paths`` into the archive (one writer at a time)."""
    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.is_file():
            raise UsageError(f"{path}: no such file (give WARC files: .warc, .warc.gz)")
    sites = selected_sites(config, options)
    result = ImportReport(report=RunReport(sites=[site.key for site in sites]))
    with ArchiveLock(archive_path), Archive(archive_path, decode=decode_body) as archive:
        dedupe = Deduplicator(archive)
        found, redirects, stored = _store_pages(config, archive, sites, options, paths, result)
        aliases = _aliases(redirects)
        extractions = {site.key: Extraction(site, archive, dedupe, result.report) for site in sites}
        templates = {site.key: extractions[site.key].templates(selected_langs(site, options.langs)) for site in sites}
        by_file: dict[Path, dict[int, Found]] = {}
        for item in found:
            by_file.setdefault(item.path, {})[item.index] = item
        for path, wanted in by_file.items():
            try:
                for captured in read_captures(path, config.max_page_bytes):
                    item = wanted.get(captured.index)
                    if item is None or captured.response is None:
                        continue
                    extract_capture(extractions[item.site.key], item, captured.response, aliases.get(item.url, []),
                              templates[item.site.key][item.lang], stored.get(item.url) == item, result)
            except WarcFileError:
                pass  # reported by the first pass; what it read before the damage is imported
    return result


def _store_pages(config: Config, archive: Archive, sites: list[Site], options: RunOptions, paths: list[Path],
                 result: ImportReport) -> tuple[list[Found], dict[str, str], dict[str, Found]]:
    """The first pass: every file's release captures found, their blocks counted and their pages stored."""
    langs = {site.key: set(selected_langs(site, options.langs)) for site in sites}
    found: list[Found] = []
    redirects: dict[str, str] = {}
    stored: dict[str, tuple[Found, Response]] = {}
    for path in paths:
        try:
            for captured in read_captures(path, config.max_page_bytes):
                result.records += 1
                item = _release_capture(captured, path, sites, langs, redirects, result)
                if item is None:
                    continue
                found.append(item)
                result.captures += 1
                newest = stored.get(item.url)
                if (newest is None or item.captured_at > newest[0].captured_at) and \
                        (newest is not None or archive.page_fetched_at(item.url) is None):
                    stored[item.url] = (item, captured.response)
                    store_capture(archive, item, captured.response)
        except WarcFileError as exc:
            result.report.emit(events.Failed(str(path), f"{exc}; the records before it were imported", kind="warc"))
    result.pages_stored = len(stored)
    return found, redirects, {url: item for url, (item, _) in stored.items()}


def _release_capture(captured: Captured, path: Path, sites: list[Site], langs: dict[str, set[str]],
                     redirects: dict[str, str], result: ImportReport) -> Found | None:
    """The release capture a record is, else None (a redirect is remembered on the way)."""
    response = captured.response
    if response is None or not captured.url or not captured.url.startswith(("http://", "https://")):
        return None
    url = normalize_url(captured.url)
    site = next((s for s in sites if release_language(s, url) is not None), None)
    if site is None:
        host = url.split("/")[2] if url.count("/") >= 2 else url
        result.other_hosts[host] += 1
        return None
    if response.status in (301, 302, 303, 307, 308) and captured.location:
        redirects[url] = normalize_url(urljoin(captured.url, captured.location))
        return None
    lang = release_language(site, url)
    if lang not in langs[site.key] or not is_release_url(site, url) or response_problem(response):
        return None
    return Found(path, captured.index, site, lang, url, response.fetched_at)


def store_capture(archive: Archive, item: Found, response: Response) -> None:
    """A release capture into ``pages`` (raw, pending), its text blocks counted for the templates
    (the caller checks that the archive has no page of that URL: a live page is never replaced). A
    capture read over HTTP (``scrape recover``) points at its record in the archive's WARC files."""
    html = response.text
    page = PageRecord(url=item.url, site=item.site.key, lang=item.lang, fetched_at=item.captured_at,
                      status=response.status, content_type=response.content_type, html=html,
                      etag=response.etag, last_modified=response.last_modified, warc=response.warc)
    try:
        parse_within_bounds(html)
        keys = page_block_keys(html)
    except Exception as exc:  # noqa: BLE001 (outside the bounds, or a bug: the page is kept all the same)
        if is_fatal(exc):
            raise
        keys = set()
    archive.save_fetched_page(page, keys)


def _aliases(redirects: dict[str, str]) -> dict[str, list[str]]:
    """Page URL -> every captured URL whose redirects (at most five hops) end there."""
    aliases: dict[str, list[str]] = {}
    for start in redirects:
        current, hops = start, 0
        while current in redirects and hops < MAX_REDIRECT_HOPS:
            current, hops = redirects[current], hops + 1
        aliases.setdefault(current, []).append(start)
    return aliases


def extract_capture(extraction: Extraction, item: Found, response: Response, aliases: list[str],
                    template: frozenset[str], page_stored: bool, result: ImportReport) -> None:
    """One capture extracted, cleaned and saved with its provenance (:func:`_release`); an unexpected
    error fails that capture only (its page, when
    the import stored it, is marked ``error``; a page fetched from the live site is left as it is)."""
    if page_stored:
        with extraction.isolated(item.url):
            _release(extraction, item, response, aliases, template, page_stored, result)
        return
    try:
        _release(extraction, item, response, aliases, template, page_stored, result)
    except Exception as exc:  # noqa: BLE001 (the last line of defence: this capture only)
        if is_fatal(exc):
            raise
        events.log.exception("%s: unexpected error while extracting its capture", item.url)
        extraction.report.emit(events.Failed(item.url, f"unexpected {type(exc).__name__}: {exc}"[:500], kind="page",
                                             site=item.site.key, lang=item.lang))


def _release(extraction: Extraction, item: Found, response: Response, aliases: list[str],
             template: frozenset[str], page_stored: bool, result: ImportReport) -> None:
    """One release capture extracted, cleaned and saved with its provenance."""
    report = extraction.report
    try:
        extracted = extract(response.text, item.url, lang_hint=item.lang, hints=item.site.hints, template=template)
    except ExtractionError as exc:
        if page_stored:
            extraction.archive.mark_page(item.url, "error", str(exc))
        report.emit(events.Failed(item.url, f"could not extract a release from the capture of {item.captured_at} in "
                                            f"{item.origin} ({exc})", kind="page", site=item.site.key,
                                  lang=item.lang))
        return
    record = release_record(item.site, item.lang, [item.url, *aliases], extracted)
    outcome = extraction.dedupe.save_capture(record, item.url if page_stored else None,
                                             Capture(item.source, item.captured_at))
    if outcome == "earlier":
        result.earlier += 1
        events.log.info("earlier version %s: %s (captured %s)", record.lang, record.url, item.captured_at)
        return
    report.emit(events.ReleaseStored(outcome, record.lang, record.url, dated=extracted.published_date is not None))
