"""The run: config -> discover -> fetch -> extract -> clean -> store, for every site and language.

:func:`run` is what ``scrape run`` calls. It never raises for a bad page or an unreachable site:
each failure goes into the run's error log (table ``runs``) with its URL and cause, and the run
goes on. The returned :class:`RunReport` carries the counts and an overall status.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import httpx

from archive.lock import ArchiveLock
from archive.store import Archive, PageRecord, ReleaseRecord, utc_now
from scraper.config import Config, Site
from scraper.discover import Candidate, discover, is_release_url, release_language
from scraper.extract import Extracted, ExtractionError, extract
from scraper.fetch import FetchError, Fetcher, FetchSettings, Response, RobotsDisallowed
from scraper.text.language import identify
from scraper.extract.templates import MIN_PAGES, learned_template, page_block_keys
from scraper.urls import normalize_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    """What one run collects."""

    since: date | None = None
    sites: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()


@dataclass
class RunReport:
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            (
                "requests", "pages_fetched", "pages_not_modified", "pages_disallowed", "releases_new",
                "releases_updated", "releases_unchanged", "releases_skipped", "releases_removed",
                "releases_without_date",
            ),
            0,
        )
    )
    errors: list[dict[str, str]] = field(default_factory=list)
    unreachable_sites: list[str] = field(default_factory=list)
    sites_attempted: int = 0

    @property
    def status(self) -> str:
        if self.sites_attempted and len(self.unreachable_sites) == self.sites_attempted:
            return "failed"
        return "partial" if self.errors else "ok"

    def error(self, url: str, message: str) -> None:
        log.error("%s: %s", url, message)
        self.errors.append({"url": url, "error": message})


def fetch_settings(config: Config) -> FetchSettings:
    return FetchSettings(
        user_agent=config.user_agent,
        allowed_hosts=config.hosts,
        request_delay=config.request_delay,
        timeout=config.timeout,
        max_page_bytes=config.max_page_bytes,
        retries=config.retries,
        backoff=config.retry_backoff,
        max_connections=config.max_connections,
        obey_robots=config.obey_robots,
    )


def selected_sites(config: Config, options: RunOptions) -> list[Site]:
    return [config.site(key) for key in options.sites] if options.sites else list(config.sites)


def selected_langs(site: Site, langs: tuple[str, ...]) -> list[str]:
    """The site's languages, limited to ``langs`` (``--lang``) when given."""
    return [lang for lang in site.languages if not langs or lang in langs]


def site_templates(archive: Archive, site: Site, langs: list[str]) -> dict[str, frozenset[str]]:
    """The template learned so far for each language of ``site``."""
    return {lang: learned_template(archive.template_counts(site.key, lang, MIN_PAGES)) for lang in langs}


def run(
    config: Config,
    archive_path: str | Path,
    options: RunOptions,
    transport: httpx.BaseTransport | None = None,
) -> RunReport:
    """Collect every selected site into the archive at ``archive_path`` (one run at a time)."""
    sites = selected_sites(config, options)
    report = RunReport()
    with ArchiveLock(archive_path), Archive(archive_path) as archive, \
            Fetcher(fetch_settings(config), transport=transport) as fetcher:
        plan = plan_run(config, archive, options)
        run_id = archive.start_run(
            {"since": options.since, "since_used": plan.since, "incremental": plan.incremental,
             "sites": [s.key for s in sites], "langs": list(options.langs)}
        )
        status = "interrupted"
        try:
            for site in sites:
                collect_site(site, plan, fetcher, archive, report)
            status = report.status
        finally:
            report.counts["requests"] = fetcher.requests_made
            archive.finish_run(run_id, status, report.counts, report.errors)
    return report


@dataclass(frozen=True)
class RunPlan:
    """What a run does, decided once from the options and the archive's history."""

    since: date | None
    incremental: bool
    langs: tuple[str, ...]
    retry_urls: frozenset[str]
    revalidate_per_run: int


def plan_run(config: Config, archive: Archive, options: RunOptions) -> RunPlan:
    """``--since`` as given; without it, since the last successful run minus ``overlap_days``.

    Without ``--since`` and with a successful run behind it, the run is incremental: listing pages
    stop at the first page that holds only archived releases. The very first run (or one after
    runs that never completed) reads everything.
    """
    since, incremental = options.since, False
    if since is None:
        last = archive.last_successful_run()
        if last is not None:
            since = date.fromisoformat(last["started_at"][:10]) - timedelta(days=config.overlap_days)
            incremental = True
    return RunPlan(
        since=since,
        incremental=incremental,
        langs=options.langs,
        retry_urls=frozenset(archive.urls_to_retry()),
        revalidate_per_run=config.revalidate_per_run,
    )


def collect_site(site: Site, plan: RunPlan, fetcher: Fetcher, archive: Archive, report: RunReport) -> None:
    """Discover, then fetch every release page that may be new or changed, then extract them all.

    Extraction comes after fetching so that template blocks learned from tonight's pages already
    clean tonight's releases (a new theme is clean on the first night it appears).
    """
    langs = selected_langs(site, plan.langs)
    if not langs:
        return
    report.sites_attempted += 1
    failures: list[tuple[str, str]] = []
    try:
        candidates = discover(fetcher, site, plan.since, langs, archive.is_archived if plan.incremental else None,
                              failures)
    except FetchError as exc:
        report.unreachable_sites.append(site.key)
        report.error(exc.url, f"site {site.key} unreachable: {exc.cause}")
        return
    for url, cause in failures:  # a listing page or sitemap that failed: the run is partial, and says so
        report.error(url, cause)
    candidates = add_followups(site, langs, candidates, plan, archive)
    log.info("%s: %d release URLs to check", site.key, len(candidates))
    template_before = site_templates(archive, site, langs)
    aliases: dict[str, list[str]] = {}
    retried: set[str] = set()
    for candidate in candidates:
        page_url = check_release(site, candidate, fetcher, archive, report)
        if page_url:
            aliases.setdefault(page_url, []).append(candidate.url)
            if candidate.source == "retry" and plan.incremental:
                retried.add(page_url)  # last run's failure: its window, not tonight's, decides
    templates = site_templates(archive, site, langs)  # learned from tonight's pages too
    extract_pages(site, templates, archive, report, since=plan.since, aliases=aliases, exempt=retried)
    reclean_with_new_template(site, templates, template_before, archive, report, done=set(aliases))


def add_followups(
    site: Site, langs: list[str], candidates: list[Candidate], plan: RunPlan, archive: Archive
) -> list[Candidate]:
    """Discovered URLs, plus last run's failures (retried) and the releases due for revalidation."""
    found = {candidate.url: candidate for candidate in candidates}
    for url in sorted(plan.retry_urls):
        lang = release_language(site, url)
        if lang in langs and is_release_url(site, url) and url not in found:
            found[url] = Candidate(url=url, lang=lang, source="retry")
    for row in archive.due_for_revalidation(site.key, langs, plan.revalidate_per_run):
        if row["url"] in found:
            found[row["url"]] = replace(found[row["url"]], source="revalidate")
        else:
            found[row["url"]] = Candidate(url=row["url"], lang=row["lang"], source="revalidate")
    return list(found.values())


def needs_fetch(candidate: Candidate, state: dict | None) -> bool:
    """Whether a URL must be requested: new, failed before, due for revalidation, or changed per sitemap."""
    if state is None or state["release_id"] is None or candidate.source in ("retry", "revalidate"):
        return True
    checked = state["fetched_at"]
    return bool(candidate.lastmod and (checked is None or candidate.lastmod.isoformat() > checked[:10]))


def check_release(
    site: Site, candidate: Candidate, fetcher: Fetcher, archive: Archive, report: RunReport
) -> str | None:
    """Bring one release URL up to date; returns the URL of a page stored for extraction, if any.

    An archived release with no sign of change is not requested (its ``last_seen`` moves); one
    that is requested carries its ETag/Last-Modified, and a 304 costs no download. A 404 or 410 for
    an archived release marks it removed; it is never deleted.
    """
    state = archive.url_state(candidate.url)
    now = utc_now()
    if not needs_fetch(candidate, state):
        archive.touch(state["release_id"], None, now)
        report.counts["releases_unchanged"] += 1
        return None
    try:
        response = fetcher.get(candidate.url, etag=state and state["etag"], last_modified=state and state["last_modified"])
    except RobotsDisallowed as exc:
        report.counts["pages_disallowed"] += 1
        log.warning("%s", exc)
        return None
    except FetchError as exc:
        report.error(exc.url, exc.cause)
        return None
    known = state is not None and state["release_id"] is not None
    if response.status == 304 and state is not None:
        archive.touch(state["release_id"], state["page_url"], now)
        report.counts["pages_not_modified"] += 1
        report.counts["releases_unchanged"] += known
        return None
    if response.status in (404, 410) and known:
        if archive.mark_removed(state["release_id"], state["page_url"], response.status, now):
            report.counts["releases_removed"] += 1
            log.info("removed (HTTP %s): %s", response.status, candidate.url)
        return None
    return store_page(site, candidate, response, archive, report)


def store_page(site: Site, candidate: Candidate, response: Response, archive: Archive, report: RunReport) -> str | None:
    """Store a downloaded release page raw (outcome 'pending'); None when it is not a usable page."""
    report.counts["pages_fetched"] += 1
    problem = response_problem(response)
    if problem:
        report.error(candidate.url, problem)
        return None
    html = response.text
    page = PageRecord(
        url=normalize_url(response.url), site=site.key, lang=candidate.lang, fetched_at=response.fetched_at,
        status=response.status, content_type=response.content_type, html=html,
        etag=response.etag, last_modified=response.last_modified,
    )
    archive.save_fetched_page(page, page_block_keys(html))
    return page.url


def reclean_with_new_template(
    site: Site,
    templates: dict[str, frozenset[str]],
    template_before: dict[str, frozenset[str]],
    archive: Archive,
    report: RunReport,
    done: set[str],
) -> None:
    """Re-extract archived releases whose pages show blocks that became template during this run.

    Releases archived before their site's template was learned (the first pages of a new theme)
    are cleaned as soon as enough pages show the same blocks; their text gets a new version.
    """
    for lang, template in templates.items():
        new_keys = template - template_before[lang]
        if not new_keys:
            continue
        for page in archive.pages_with_blocks(site.key, lang, new_keys):
            if page["url"] in done:
                continue
            extract_page(site, page, [], template, archive, report, since=None, seen_online=False)


def extract_pages(
    site: Site,
    templates: dict[str, frozenset[str]],
    archive: Archive,
    report: RunReport,
    since: date | None = None,
    aliases: dict[str, list[str]] | None = None,
    outcomes: tuple[str, ...] = ("pending",),
    seen_online: bool = True,
    exempt: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Extract and store every stored page of ``site`` in ``outcomes`` whose language is in
    ``templates``, with that language's learned template.

    ``since`` skips new releases published before it; pages of releases already archived
    (revalidated, or re-fetched after a sitemap ``lastmod``) and the pages in ``exempt`` are
    always extracted, so an edit to an old release is never dropped as "older than --since".
    """
    for page in archive.pages_to_extract(site.key, list(templates), outcomes):
        urls = (aliases or {}).get(page["url"], [])
        page_since = None if page.get("release_id") is not None or page["url"] in exempt else since
        extract_page(site, page, urls, templates[page["lang"]], archive, report, page_since, seen_online)


def extract_page(
    site: Site,
    page: dict,
    aliases: list[str],
    template: frozenset[str],
    archive: Archive,
    report: RunReport,
    since: date | None,
    seen_online: bool,
) -> None:
    url, lang = page["url"], page["lang"]
    try:
        extracted = extract(archive.page_html(url), url, lang_hint=lang, hints=site.hints, template=template)
    except ExtractionError as exc:
        archive.mark_page(url, "error", str(exc))
        report.error(url, f"could not extract a release ({exc}); raw page kept for re-extraction")
        return
    if since and extracted.published_date and extracted.published_date < since:
        archive.mark_page(url, "skipped")
        report.counts["releases_skipped"] += 1
        log.info("%s: published %s, before --since; not archived", url, extracted.published_date)
        return
    record = release_record(site, lang, [url, *aliases], extracted)
    if record.lang != lang:
        log.info("%s serves the %s release %s (no %s translation)", url, record.lang, record.url, lang)
    outcome = archive.save_release(record, url, seen_online=seen_online)
    report.counts[f"releases_{outcome}"] += 1
    if extracted.published_date is None and outcome == "new":
        report.counts["releases_without_date"] += 1
        log.warning("%s: no publication date found; left empty", url)
    log.info("%s %s: %s", outcome, record.lang, record.url)


def response_problem(response: Response) -> str | None:
    """Why a response is not a release page we can read, or None when it is."""
    if response.status == 403:
        return (
            "HTTP 403 Forbidden: the site's firewall or CDN refused the request; "
            "IOM sites block browser-like and default user agents, check user_agent in the config"
        )
    if response.status != 200:
        return f"HTTP {response.status}"
    if not response.is_html:
        return f"expected an HTML page, got {response.content_type or 'no content type'}"
    if not response.content.strip():
        return "empty response body"
    return None


def text_language(site: Site, page_lang: str, extracted: Extracted) -> str:
    """The language the release is written in: identified from its text, the page's language as prior."""
    prior = extracted.lang if extracted.lang in site.languages else page_lang
    try:
        guess = identify(f"{extracted.title}\n{extracted.body}", list(site.languages), prior=prior)
    except ValueError:  # a configured language the identifier does not know
        return prior
    return guess.lang if guess.lang in site.languages else prior


def release_record(site: Site, page_lang: str, urls: list[str], extracted: Extracted) -> ReleaseRecord:
    """The release as archived. A page under one language's prefix that serves another language's
    text (Drupal's untranslated fallback) is that other release, seen under one more URL."""
    lang = text_language(site, page_lang, extracted)
    url = extracted.url
    if lang != page_lang and extracted.alternates.get(lang):
        url = extracted.alternates[lang]
    return ReleaseRecord(
        site=site.key,
        lang=lang,
        url=url,
        title=extracted.title,
        body=extracted.body,
        word_count=extracted.word_count,
        published_date=extracted.published_date.isoformat() if extracted.published_date else None,
        dateline=extracted.dateline,
        tags=extracted.tags,
        images=extracted.images,
        attachments=extracted.attachments,
        alternates=extracted.alternates,
        translation_group=translation_group(site, url, extracted),
        node_id=extracted.node_id,
        urls=[url, extracted.url, *(normalize_url(u) for u in urls)],
    )


def translation_group(site: Site, url: str, extracted: Extracted) -> str:
    """One key shared by the language versions of a release: the Drupal node, else its hreflang set."""
    if extracted.node_id:
        return f"{site.key}/node/{extracted.node_id}"
    if extracted.alternates:
        return min(extracted.alternates.values())
    return url


def reextract(config: Config, archive_path: str | Path, options: RunOptions) -> RunReport:
    """Re-run extraction over every stored page, without the network.

    The pages' text blocks are counted again with the current structural rules first, so the
    learned templates are those the current extractor would learn; a release gets a new version
    only where its text really changed; pages that failed before are tried again.
    """
    report = RunReport()
    with ArchiveLock(archive_path), Archive(archive_path) as archive:
        for site in selected_sites(config, options):
            langs = selected_langs(site, options.langs)
            report.sites_attempted += 1
            for page in archive.pages_to_extract(site.key, langs, ("pending", "release", "error", "skipped")):
                archive.recount_blocks(page["url"], page_block_keys(archive.page_html(page["url"])))
            extract_pages(site, site_templates(archive, site, langs), archive, report,
                          outcomes=("pending", "release", "error"), seen_online=False)
    return report
