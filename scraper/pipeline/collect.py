"""Orchestration of one site: discover -> fetch -> extract -> (records) -> dedupe -> store.

:class:`SiteCollection` reads one site for a run; :class:`Extraction` turns stored pages into
releases and is shared by a run and by ``scrape reextract``. Neither decides what a release is
(:mod:`scraper.dedupe.identity`) nor how a row is written (:mod:`archive.store`); both report what
happens as events (:mod:`scraper.pipeline.events`).
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlsplit

from archive.store import Archive, PageRecord, utc_now
from scraper.config import Site
from scraper.dedupe.identity import Deduplicator
from scraper.discover import Candidate, discover, is_release_url, listing_language, release_language
from scraper.extract import ExtractionError, alternates, extract
from scraper.extract.bounds import parse_within_bounds
from scraper.extract.metadata import modified_time
from scraper.extract.templates import MIN_PAGES, learned_template, page_block_keys
from scraper.fetch import (
    FetchError,
    Fetcher,
    OffSiteRedirect,
    Response,
    RobotsDisallowed,
    RobotsUnreachable,
    RunDeadlineReached,
)
from scraper.pipeline import events
from scraper.pipeline.attachments import collect_attachments
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
            with self.isolated(page["url"]):
                self.page(page, work.aliases.get(page["url"], []), templates[page["lang"]],
                          since=None if exempt else work.since, seen_online=work.seen_online)

    @contextmanager
    def isolated(self, url: str) -> Iterator[None]:
        """The last line of defence around one page: an unexpected error (a bug, a page nobody
        foresaw) is logged with its URL and cause, the page is marked ``error`` (its raw HTML stays
        for ``scrape reextract``) and counted, and the run goes on with the next page."""
        try:
            yield
        except Exception as exc:  # noqa: BLE001
            if is_fatal(exc):
                raise
            events.log.exception("%s: unexpected error while extracting", url)
            cause = f"unexpected {type(exc).__name__}: {exc}"[:500]
            self.archive.mark_page(url, "error", cause)
            self.report.emit(events.Failed(url, f"could not extract a release ({cause}); raw page kept for "
                                                "re-extraction", kind="page", site=self.site.key))

    def page(self, page: dict, aliases: list[str], template: frozenset[str], since: date | None,
             seen_online: bool) -> None:
        url, lang = page["url"], page["lang"]
        try:
            extracted = extract(self.archive.page_html(url), url, lang_hint=lang, hints=self.site.hints,
                                template=template)
        except ExtractionError as exc:
            self.archive.mark_page(url, "error", str(exc))
            self.report.emit(events.Failed(url, f"could not extract a release ({exc}); raw page kept for re-extraction",
                                           kind="page", site=self.site.key, lang=lang))
            return
        if since and extracted.published_date and extracted.published_date < since:
            self.archive.mark_page(url, "skipped")
            self.report.emit(events.ReleaseSkipped(url, extracted.published_date.isoformat()))
            return
        record = release_record(self.site, lang, [url, *aliases], extracted, page.get("modified_time"))
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
                    with self.isolated(page["url"]):
                        self.page(page, [], template, since=None, seen_online=False)


@dataclass
class SiteCollection:
    """One site in one run.

    Every listing page, sitemap and release page is its own unit of failure: one that fails is
    logged with its URL and cause, counted (``runs.errors``, ``runs.error_log`` with its ``kind``)
    and retried by later runs, and the others go on. A language whose listing cannot be read gets
    its releases from the sitemap and from the hreflang links of the other languages' pages. The
    site is unreachable (one error, exit 4 if no other site was read) only when nothing of it could
    be read: no listing page, no sitemap, no release page.
    """

    site: Site
    plan: RunPlan
    fetcher: Fetcher
    extraction: Extraction
    # failures (with why the request failed) held until the site has answered anything; None once it has
    _held: list[tuple[events.Failed, str]] | None = field(default=None, init=False, repr=False)
    _unlisted: set[str] = field(default_factory=set, init=False, repr=False)  # languages without a listing
    _failed: set[str] = field(default_factory=set, init=False, repr=False)  # URLs that failed tonight
    _checking: str | None = field(default=None, init=False, repr=False)  # the candidate URL being checked
    _alternates: dict[str, list[Candidate]] = field(default_factory=dict, init=False, repr=False)  # page -> hreflang
    _langs: list[str] = field(default_factory=list, init=False, repr=False)  # the languages read tonight
    _done: set[str] = field(default_factory=set, init=False, repr=False)  # candidate URLs checked tonight
    _passed: set[str] = field(default_factory=set, init=False, repr=False)  # ... of which not requested
    _hinted: set[str] = field(default_factory=set, init=False, repr=False)  # queued URLs to request whatever
    _redirects: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)  # page -> hops to it

    @property
    def archive(self) -> Archive:
        return self.extraction.archive

    @property
    def report(self) -> RunReport:
        return self.extraction.report

    def collect(self) -> None:
        """Discover, then fetch every release page that may be new or changed, then extract them all.

        Extraction comes after fetching so that template blocks learned from tonight's pages already
        clean tonight's releases (a new theme is clean on the first night it appears). When the run
        reaches its time limit, the pages fetched so far are still extracted, then the run stops.
        """
        langs = selected_langs(self.site, self.plan.langs)
        if not langs:
            return
        self.report.sites_attempted += 1
        self.report.emit(events.SiteDiscovering(self.site.key))
        try:
            self._collect(langs)
        finally:
            self.report.emit(events.SiteFinished(self.site.key))

    def _collect(self, langs: list[str]) -> None:
        self._held = []
        self._langs = langs
        stopped: RunDeadlineReached | None = None
        aliases: dict[str, list[str]] = {}
        retried: set[str] = set()
        queue: deque[Candidate] = deque()
        discovery = None
        signals: dict[str, str] = {}
        template_before = self.extraction.templates(langs)
        try:
            discovery = discover(self.fetcher, self.site, self.plan.since, langs,
                                 self.archive.is_archived if self.plan.incremental else None,
                                 resume=self.plan.listing_retries.get(self.site.key, ()),
                                 is_new=None if self.plan.strict_since else self._is_new)
            if discovery.read_anything:
                self._reached()
            for failure in discovery.failures:  # a listing page or sitemap that failed: the run is partial
                self._fail(events.Failed(failure.url, failure.cause, kind=failure.kind, site=self.site.key,
                                         lang=failure.lang, since=_since_text(failure)),
                           failure.reason)
            self._unlisted = set(discovery.unlisted(langs))
            if self._unlisted:
                events.log.warning("%s: no listing read for %s; their releases come from the sitemap and the "
                                   "hreflang links of the other languages' pages", self.site.key,
                                   ", ".join(sorted(self._unlisted)))
            signals = self.change_signals(langs, discovery)
            queue.extend(self.followups(langs, discovery.candidates, signals))
            self.report.emit(events.SiteStarted(self.site.key, len(queue)))
            seen = {candidate.url for candidate in queue}
            while queue:
                candidate = queue.popleft()
                if self._checking is not None:
                    self.report.emit(events.UrlChecked(self.site.key, left=len(queue) + 1))
                self._checking = candidate.url
                self._done.add(candidate.url)
                try:
                    page_url = self.check(candidate)
                except RunDeadlineReached:
                    queue.appendleft(candidate)
                    raise
                except Exception as exc:  # noqa: BLE001 (the last line of defence: this URL only)
                    if is_fatal(exc):
                        raise
                    events.log.exception("%s: unexpected error", candidate.url)
                    self._fail(events.Failed(candidate.url, f"unexpected {type(exc).__name__}: {exc}"[:500],
                                             kind="page", site=self.site.key, lang=candidate.lang))
                    continue
                if page_url:  # every URL that led to the page: the one asked for, each redirect hop
                    aliases.setdefault(page_url, []).extend([candidate.url, *self._redirects.pop(page_url, ())])
                    if candidate.source in ("retry", "resumed") and self.plan.incremental:
                        retried.add(page_url)  # last run's failure: its window, not tonight's, decides
                    for other in self._alternates.pop(page_url, ()):
                        if other.url not in seen:
                            seen.add(other.url)
                            queue.append(other)
                        elif other.source == "sibling" and other.url in self._passed:
                            self._passed.discard(other.url)  # passed over as unchanged: check it after all
                            queue.append(other)
                        elif other.source == "sibling" and other.url not in self._done:
                            self._hinted.add(other.url)  # still queued: requested when its turn comes
        except RunDeadlineReached as exc:
            stopped = exc
            self.report.emit(events.DeadlineReached(self.site.key, exc.url, self.plan.max_run_minutes or 0, len(queue)))
            self._reached()
        finally:
            self._alternates.clear()
            self._redirects.clear()
        if self._checking is not None and stopped is None:
            self.report.emit(events.UrlChecked(self.site.key, left=len(queue)))
        if self._held is not None:  # nothing of the site could be read
            self._unreachable()
        templates = self.extraction.templates(langs)  # learned from tonight's pages too
        since = self.plan.since if self.plan.strict_since else None  # no --since: no new release is skipped
        self.extraction.run(templates, Pass(since=since, aliases=aliases, exempt=frozenset(retried)))
        self.extraction.reclean(templates, template_before, done=set(aliases))
        if stopped is None and self.plan.attachments:
            collect_attachments(self.site, self.fetcher, self.archive)
        if discovery is not None and discovery.sitemaps_read:  # after extraction: tonight's new URLs too
            self.remember_sitemap(discovery, signals, unchecked={candidate.url for candidate in queue})
        if stopped is not None:
            raise stopped

    def _is_new(self, url: str) -> bool:
        return not self.archive.is_archived(url)

    # --- failures: held until the site has answered, so that an unreachable site is one error ---

    def _fail(self, event: events.Failed, reason: str | None = None) -> None:
        self._failed.update((event.url, self._checking) if self._checking else (event.url,))
        if self._held is None:
            self.report.emit(event)
        else:
            self._held.append((event, reason or event.error))

    def _reached(self) -> None:
        """The site answered: failures held so far are failures of their own URLs."""
        held, self._held = self._held or [], None
        for event, _reason in held:
            self.report.emit(event)

    def _unreachable(self) -> None:
        held, self._held = self._held or [], None
        if held:
            (first, cause), others = held[0], held[1:]
            for event, _reason in others:
                events.log.warning("%s: %s", event.url, event.error)
            also = f" ({len(others)} other URLs of the site failed too)" if others else ""
            self.report.emit(events.SiteUnreachable(self.site.key, first.url, cause + also))
        else:  # nothing failed, nothing was read: robots.txt shuts us out, or there was nothing to ask
            url = self.site.language_root(selected_langs(self.site, self.plan.langs)[0]) + self.site.news_path
            self.report.emit(events.SiteUnreachable(
                self.site.key, url, "robots.txt disallows its news listings and nothing else could be read"))

    def change_signals(self, langs: list[str], discovery) -> dict[str, str]:
        """Archived release URLs to check again tonight because of what the site published: ``changed``
        (the sitemap gives another ``<lastmod>`` than last time), ``returned`` (a release marked removed
        that the listings or the sitemap show again) and ``vanished`` (the sitemap, read whole, listed
        it before and does not now, and no listing page read tonight links to it)."""
        signals: dict[str, str] = {}
        for url in self.archive.sitemap_changes(self.site.key, discovery.sitemap_listed):
            signals[url] = "changed"
        listed = {candidate.url for candidate in discovery.candidates}
        for url in self.archive.removed_among(self.site.key, listed | set(discovery.sitemap_listed)):
            signals[url] = "returned"  # a removed release listed again: is it back?
        if discovery.sitemap_complete:
            for row in self.archive.left_sitemap(self.site.key, langs, discovery.sitemap_listed):
                if row["url"] not in listed and urlsplit(row["url"]).netloc.lower() == self.site.host:
                    signals[row["url"]] = "vanished"
        return signals

    def remember_sitemap(self, discovery, signals: dict[str, str], unchecked: set[str]) -> None:
        """Keep what the sitemap said tonight of each archived URL, except for URLs whose check failed
        or did not happen (time limit): their signal stays, so the next night checks them again."""
        pending = self._failed | unchecked
        listed = {url: lastmod for url, lastmod in discovery.sitemap_listed.items() if url not in pending}
        gone = [url for url, signal in signals.items() if signal == "vanished" and url not in pending]
        self.archive.record_sitemap(listed, utc_now(), gone)

    def followups(self, langs: list[str], candidates: list[Candidate],
                  signals: Mapping[str, str] | None = None) -> list[Candidate]:
        """Discovered URLs, plus the archived releases the site signals as changed or gone (see
        :meth:`change_signals`), last run's failures (retried) and the releases due for revalidation.

        Archived releases on a host that is not the site's any more (its ``base_url`` changed) are
        kept as they are and not revalidated: logged once per run with their number, never failing
        the same revalidations every night; the site's own releases take their turn instead.
        """
        found = {candidate.url: candidate for candidate in candidates}
        for url, signal in sorted((signals or {}).items()):
            lang = release_language(self.site, url)
            if lang in langs:
                listed = found.pop(url, None)
                found[url] = replace(listed, source=signal) if listed else Candidate(url=url, lang=lang, source=signal)
        for url in sorted(self.plan.retry_urls):
            lang = release_language(self.site, url)
            if lang in langs and is_release_url(self.site, url) and url not in found:
                found[url] = Candidate(url=url, lang=lang, source="retry")
        due, elsewhere = self._due_for_revalidation(langs)
        for host, count in sorted(elsewhere.items()):
            self.report.emit(events.NotRevalidated(self.site.key, host, count))
        for row in due:  # last: a run cut short by its time limit has collected the new releases first
            listed = found.pop(row["url"], None)
            found[row["url"]] = replace(listed, source="revalidate") if listed else \
                Candidate(url=row["url"], lang=row["lang"], source="revalidate")
        return list(found.values())

    def _due_for_revalidation(self, langs: list[str]) -> tuple[list[dict], dict[str, int]]:
        """The site's releases checked longest ago (on its own host), and how many were passed over per host."""
        wanted = self.plan.revalidate_per_run
        limit = wanted
        while True:
            rows = self.archive.due_for_revalidation(self.site.key, langs, limit)
            due = [row for row in rows if urlsplit(row["url"]).netloc.lower() == self.site.host]
            if len(due) >= wanted or len(rows) < limit:
                break
            limit *= 4  # releases on a former host sort first (never checked again): look further
        elsewhere: dict[str, int] = {}
        for row in rows:
            host = urlsplit(row["url"]).netloc.lower()
            if host != self.site.host:
                elsewhere[host] = elsewhere.get(host, 0) + 1
        return due[:wanted], elsewhere

    def check(self, candidate: Candidate) -> str | None:
        """Bring one release URL up to date; returns the URL of a page stored for extraction, if any.

        An archived release with no sign of change is not requested (its ``last_seen`` moves); one
        that is requested carries its ETag/Last-Modified, and a 304 costs no download. A 404 or 410 for
        an archived release marks it removed; it is never deleted.
        """
        state = self.archive.url_state(candidate.url)
        now = utc_now()
        if candidate.url not in self._hinted and not needs_fetch(candidate, state):
            self._passed.add(candidate.url)
            self.archive.touch(state["release_id"], None, now)
            self.report.emit(events.ReleaseUnchanged(candidate.url))
            return None
        try:
            response = self.fetcher.get(candidate.url, etag=state and state["etag"],
                                        last_modified=state and state["last_modified"])
        except RobotsUnreachable as exc:
            self._fail(events.Failed(exc.url, exc.cause, kind="page", site=self.site.key, lang=candidate.lang),
                       exc.cause)
            return None
        except RobotsDisallowed as exc:
            self.report.emit(events.PageDisallowed(candidate.url, str(exc)))
            return None
        except OffSiteRedirect as exc:
            if state is None or state["release_id"] is None:  # a new URL leading off the site: a failure
                self._fail(events.Failed(exc.url, exc.cause, kind="page", site=self.site.key, lang=candidate.lang),
                           f"{exc.url}: {exc.cause}")
                return None
            # an archived release moved off the configured sites: kept as it is, and its turn to be
            # revalidated comes again only after the others' (not the same failure every night)
            self._reached()
            events.log.warning("%s: the archived release now redirects to %s, outside the configured sites; "
                               "kept as archived, revalidated again after the others", candidate.url, exc.target)
            self.archive.touch(None, state["page_url"], now)
            return None
        except FetchError as exc:
            self._fail(events.Failed(exc.url, exc.cause, kind="page", site=self.site.key, lang=candidate.lang),
                       f"{exc.url}: {exc.cause}")
            return None
        known = state is not None and state["release_id"] is not None
        if response.status == 304 and state is not None:
            self._reached()
            self.archive.touch(state["release_id"], state["page_url"], now)
            self.report.emit(events.PageNotModified(candidate.url))
            if known:
                self.report.emit(events.ReleaseUnchanged(candidate.url))
            return None
        if response.status in (404, 410) and known:
            self._reached()
            if self.archive.mark_removed(state["release_id"], state["page_url"], response.status, now):
                self.report.emit(events.ReleaseRemoved(candidate.url, response.status))
            return None
        if known and response.status == 200 and self.is_index_page(response.url):
            # Drupal's "redirect deleted content to the listing/home page": the release is gone
            self._reached()
            events.log.info("%s now redirects to %s (a listing or home page): the release was removed",
                            candidate.url, response.url)
            if self.archive.mark_removed(state["release_id"], state["page_url"], response.status, now):
                self.report.emit(events.ReleaseRemoved(candidate.url, response.status))
            return None
        page_url = self.store_page(candidate, response, archived_modified=state and state["modified_time"])
        if page_url and response.redirects:
            self._redirects[page_url] = [normalize_url(hop) for hop in response.redirects]
        return page_url

    def is_index_page(self, url: str) -> bool:
        """Whether ``url`` is one of the site's home pages or news listing pages (never a release)."""
        url = normalize_url(url)
        if listing_language(self.site, url) is not None:
            return True
        roots = {normalize_url(self.site.language_root(lang) + "/") for lang in self.site.languages}
        return url in roots or normalize_url(urlsplit(url)._replace(query="").geturl()) in roots

    def store_page(self, candidate: Candidate, response: Response, archived_modified: str | None = None) -> str | None:
        """Store a downloaded release page raw (outcome 'pending'); None when it is not a usable page.

        A page of an archived release that says it was edited after the time archived with it
        (``archived_modified``, see :func:`edited_since`) has its language versions checked tonight too
        (a hint, never trusted alone: they are asked for conditionally and compared like any other).

        A page outside the extraction bounds (:mod:`scraper.extract.bounds`: too large, nested too
        deeply) is stored all the same, without text block keys; its extraction then fails with the
        bound it broke, for this page only, and the raw page stays for ``scrape reextract``.
        """
        self.report.emit(events.PageFetched(candidate.url))
        problem = response_problem(response)
        if problem:
            self._fail(events.Failed(candidate.url, problem, kind="page", site=self.site.key, lang=candidate.lang),
                       f"{candidate.url}: {problem}")
            return None
        self._reached()
        html = response.text
        page = PageRecord(
            url=normalize_url(response.url), site=self.site.key, lang=candidate.lang, fetched_at=response.fetched_at,
            status=response.status, content_type=response.content_type, html=html,
            etag=response.etag, last_modified=response.last_modified, warc=response.warc,
        )
        try:
            tree = parse_within_bounds(html)
            keys = page_block_keys(html)
            page = replace(page, modified_time=modified_time(tree))
        except Exception as exc:  # noqa: BLE001 (outside the bounds, or a bug: the page is kept all the same)
            if is_fatal(exc):
                raise
            events.log.warning("%s: %s; stored raw, not read for template blocks", page.url, exc)
            self.archive.save_fetched_page(page, set())
            return page.url
        self.archive.save_fetched_page(page, keys)
        if self._unlisted:
            self._follow_alternates(page.url, tree, self._unlisted, "alternate")
        if edited_since(page.modified_time, archived_modified):
            events.log.info("%s says it was edited at %s (archived: %s): its language versions are checked too",
                            page.url, page.modified_time, archived_modified)
            self._follow_alternates(page.url, tree, set(self._langs), "sibling", archived_only=True)
        return page.url

    def _follow_alternates(self, page_url: str, tree, langs: set[str], source: str, archived_only: bool = False) -> None:
        """The hreflang links of a page in ``langs`` (the languages whose listing could not be read, or
        the language versions of an edited release: ``archived_only``), queued after it as ``source``."""
        for url in alternates(tree, page_url).values():
            lang = release_language(self.site, url)
            if lang in langs and url != page_url and is_release_url(self.site, url) and \
                    (not archived_only or self.archive.is_archived(url)):
                self._alternates.setdefault(page_url, []).append(Candidate(url=url, lang=lang, source=source))


def _since_text(failure) -> str | None:
    """The ``since`` a listing page was walked with, for its error-log entry ("" for none: the whole listing)."""
    if failure.kind != "listing":
        return None
    return failure.since.isoformat() if failure.since else ""


def is_fatal(exc: BaseException) -> bool:
    """An error no page causes: the archive itself failing (disk full, I/O error, locked, corrupt).
    Such errors end the run (it is recorded ``interrupted``); everything else fails one unit only."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def edited_since(modified: str | None, archived: str | None) -> bool:
    """Whether a page's last-edited time (``article:modified_time`` …) is later than the one archived
    with its release; False when either is unknown (a first sighting says nothing of an edit)."""
    return bool(modified and archived and modified > archived)


def needs_fetch(candidate: Candidate, state: dict | None) -> bool:
    """Whether a URL must be requested: new, failed before, due for revalidation, signalled by the site
    (another sitemap ``<lastmod>`` than last time, gone from the sitemap, back in it, a language version
    that says it was edited: ``sibling``), or with a sitemap
    ``<lastmod>`` after its last check."""
    if state is None or state["release_id"] is None or candidate.source in ("retry", "revalidate", "changed", "vanished",
                                                                                       "returned", "sibling"):
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
