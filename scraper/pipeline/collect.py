"""Orchestration of one site: discover -> fetch -> extract -> (records) -> dedupe -> store.

:class:`SiteCollection` reads one site for a run; :class:`Extraction` turns stored pages into
releases and is shared by a run and by ``scrape reextract``. Neither decides what a release is
(:mod:`scraper.dedupe.identity`) nor how a row is written (:mod:`archive.store`); both report what
happens as events (:mod:`scraper.pipeline.events`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from archive.store import Archive, PageRecord, utc_now
from scraper.config import Site
from scraper.dedupe.identity import Deduplicator
from scraper.discover import Candidate, discover, is_release_url, release_language
from scraper.extract import ExtractionError, extract
from scraper.extract.templates import MIN_PAGES, learned_template, page_block_keys
from scraper.fetch import FetchError, Fetcher, Response, RobotsDisallowed
from scraper.pipeline import events
from scraper.pipeline.events import RunReport
from scraper.pipeline.plan import RunPlan, selected_langs
from scraper.pipeline.records import release_record
from scraper.urls import normalize_url


@dataclass(frozen=True)
class Pass:
    """Which stored pages one extraction pass takes, and how it treats them."""

    outcomes: tuple[str, ...] = ("pending",)
    since: date | None = None  # new releases published before it are skipped ("older than --since")
    aliases: Mapping[str, list[str]] = field(default_factory=dict)  # page URL -> the URLs that led to it
    exempt: frozenset[str] = frozenset()  # page URLs never skipped by ``since`` (last run's failures)
    seen_online: bool = True  # False for re-extraction: ``last_seen`` stays


@dataclass
class Extraction:
    """Stored pages of one site -> releases, with the site's learned templates."""

    site: Site
    archive: Archive
    dedupe: Deduplicator
    report: RunReport

    def templates(self, langs: list[str]) -> dict[str, frozenset[str]]:
        """The template learned so far for each language."""
        return {lang: learned_template(self.archive.template_counts(self.site.key, lang, MIN_PAGES)) for lang in langs}

    def run(self, templates: dict[str, frozenset[str]], work: Pass) -> None:
        """Extract every stored page in ``work.outcomes`` whose language is in ``templates``.

        ``work.since`` skips new releases published before it; pages of releases already archived
        (revalidated, or re-fetched after a sitemap ``lastmod``) and the pages in ``work.exempt``
        are always extracted, so an edit to an old release is never dropped as "older than --since".
        """
        for page in self.archive.pages_to_extract(self.site.key, list(templates), work.outcomes):
            exempt = page.get("release_id") is not None or page["url"] in work.exempt
            self.page(page, work.aliases.get(page["url"], []), templates[page["lang"]],
                      since=None if exempt else work.since, seen_online=work.seen_online)

    def page(self, page: dict, aliases: list[str], template: frozenset[str], since: date | None,
             seen_online: bool) -> None:
        url, lang = page["url"], page["lang"]
        try:
            extracted = extract(self.archive.page_html(url), url, lang_hint=lang, hints=self.site.hints,
                                template=template)
        except ExtractionError as exc:
            self.archive.mark_page(url, "error", str(exc))
            self.report.emit(events.Failed(url, f"could not extract a release ({exc}); raw page kept for re-extraction"))
            return
        if since and extracted.published_date and extracted.published_date < since:
            self.archive.mark_page(url, "skipped")
            self.report.emit(events.ReleaseSkipped(url, extracted.published_date.isoformat()))
            return
        record = release_record(self.site, lang, [url, *aliases], extracted)
        if extracted.needs_review:
            events.log.warning("%s: %s; stored and flagged for review (releases.needs_review), raw page kept",
                               url, extracted.review)
        if record.lang != lang:
            events.log.info("%s serves the %s release %s (no %s translation)", url, record.lang, record.url, lang)
        outcome = self.dedupe.save(record, url, seen_online=seen_online)
        self.report.emit(events.ReleaseStored(outcome, record.lang, record.url, dated=extracted.published_date is not None))

    def reclean(self, templates: dict[str, frozenset[str]], before: dict[str, frozenset[str]], done: set[str]) -> None:
        """Re-extract archived releases whose pages show blocks that became template during this run.

        Releases archived before their site's template was learned (the first pages of a new theme)
        are cleaned as soon as enough pages show the same blocks; their text gets a new version.
        """
        for lang, template in templates.items():
            new_keys = template - before[lang]
            if not new_keys:
                continue
            for page in self.archive.pages_with_blocks(self.site.key, lang, new_keys):
                if page["url"] not in done:
                    self.page(page, [], template, since=None, seen_online=False)


@dataclass
class SiteCollection:
    """One site in one run."""

    site: Site
    plan: RunPlan
    fetcher: Fetcher
    extraction: Extraction

    @property
    def archive(self) -> Archive:
        return self.extraction.archive

    @property
    def report(self) -> RunReport:
        return self.extraction.report

    def collect(self) -> None:
        """Discover, then fetch every release page that may be new or changed, then extract them all.

        Extraction comes after fetching so that template blocks learned from tonight's pages already
        clean tonight's releases (a new theme is clean on the first night it appears).
        """
        langs = selected_langs(self.site, self.plan.langs)
        if not langs:
            return
        self.report.sites_attempted += 1
        failures: list[tuple[str, str]] = []
        try:
            candidates = discover(self.fetcher, self.site, self.plan.since, langs,
                                  self.archive.is_archived if self.plan.incremental else None, failures)
        except FetchError as exc:
            self.report.emit(events.SiteUnreachable(self.site.key, exc.url, exc.cause))
            return
        for url, cause in failures:  # a listing page or sitemap that failed: the run is partial, and says so
            self.report.emit(events.Failed(url, cause))
        candidates = self.followups(langs, candidates)
        self.report.emit(events.SiteStarted(self.site.key, len(candidates)))
        template_before = self.extraction.templates(langs)
        aliases: dict[str, list[str]] = {}
        retried: set[str] = set()
        for candidate in candidates:
            page_url = self.check(candidate)
            if page_url:
                aliases.setdefault(page_url, []).append(candidate.url)
                if candidate.source == "retry" and self.plan.incremental:
                    retried.add(page_url)  # last run's failure: its window, not tonight's, decides
        templates = self.extraction.templates(langs)  # learned from tonight's pages too
        self.extraction.run(templates, Pass(since=self.plan.since, aliases=aliases, exempt=frozenset(retried)))
        self.extraction.reclean(templates, template_before, done=set(aliases))

    def followups(self, langs: list[str], candidates: list[Candidate]) -> list[Candidate]:
        """Discovered URLs, plus last run's failures (retried) and the releases due for revalidation."""
        found = {candidate.url: candidate for candidate in candidates}
        for url in sorted(self.plan.retry_urls):
            lang = release_language(self.site, url)
            if lang in langs and is_release_url(self.site, url) and url not in found:
                found[url] = Candidate(url=url, lang=lang, source="retry")
        for row in self.archive.due_for_revalidation(self.site.key, langs, self.plan.revalidate_per_run):
            if row["url"] in found:
                found[row["url"]] = replace(found[row["url"]], source="revalidate")
            else:
                found[row["url"]] = Candidate(url=row["url"], lang=row["lang"], source="revalidate")
        return list(found.values())

    def check(self, candidate: Candidate) -> str | None:
        """Bring one release URL up to date; returns the URL of a page stored for extraction, if any.

        An archived release with no sign of change is not requested (its ``last_seen`` moves); one
        that is requested carries its ETag/Last-Modified, and a 304 costs no download. A 404 or 410 for
        an archived release marks it removed; it is never deleted.
        """
        state = self.archive.url_state(candidate.url)
        now = utc_now()
        if not needs_fetch(candidate, state):
            self.archive.touch(state["release_id"], None, now)
            self.report.emit(events.ReleaseUnchanged(candidate.url))
            return None
        try:
            response = self.fetcher.get(candidate.url, etag=state and state["etag"],
                                        last_modified=state and state["last_modified"])
        except RobotsDisallowed as exc:
            self.report.emit(events.PageDisallowed(candidate.url, str(exc)))
            return None
        except FetchError as exc:
            self.report.emit(events.Failed(exc.url, exc.cause))
            return None
        known = state is not None and state["release_id"] is not None
        if response.status == 304 and state is not None:
            self.archive.touch(state["release_id"], state["page_url"], now)
            self.report.emit(events.PageNotModified(candidate.url))
            if known:
                self.report.emit(events.ReleaseUnchanged(candidate.url))
            return None
        if response.status in (404, 410) and known:
            if self.archive.mark_removed(state["release_id"], state["page_url"], response.status, now):
                self.report.emit(events.ReleaseRemoved(candidate.url, response.status))
            return None
        return self.store_page(candidate, response)

    def store_page(self, candidate: Candidate, response: Response) -> str | None:
        """Store a downloaded release page raw (outcome 'pending'); None when it is not a usable page."""
        self.report.emit(events.PageFetched(candidate.url))
        problem = response_problem(response)
        if problem:
            self.report.emit(events.Failed(candidate.url, problem))
            return None
        html = response.text
        page = PageRecord(
            url=normalize_url(response.url), site=self.site.key, lang=candidate.lang, fetched_at=response.fetched_at,
            status=response.status, content_type=response.content_type, html=html,
            etag=response.etag, last_modified=response.last_modified,
        )
        self.archive.save_fetched_page(page, page_block_keys(html))
        return page.url


def needs_fetch(candidate: Candidate, state: dict | None) -> bool:
    """Whether a URL must be requested: new, failed before, due for revalidation, or changed per sitemap."""
    if state is None or state["release_id"] is None or candidate.source in ("retry", "revalidate"):
        return True
    checked = state["fetched_at"]
    return bool(candidate.lastmod and (checked is None or candidate.lastmod.isoformat() > checked[:10]))


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
