"""What a run reports as it goes: typed events, and the report that counts them.

The pipeline emits one event per thing that happened (a request, a site started, a release
stored, a page that failed …) to :meth:`RunReport.emit`. The report counts them into
:class:`Counters` (the ``runs`` table's counter columns, :data:`archive.columns.RUN_COUNTERS`),
collects the errors, logs one line per event, and passes every event on to an optional
subscriber: the CLI's progress line (:mod:`scraper.cli.display`) draws from the same events, so
display and summary can never disagree with what was stored.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from archive.columns import RUN_COUNTERS

log = logging.getLogger("scraper.pipeline")


# --- events -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """Something that happened during a run."""


@dataclass(frozen=True)
class RequestMade(Event):
    url: str


@dataclass(frozen=True)
class SiteStarted(Event):
    site: str
    urls_to_check: int


@dataclass(frozen=True)
class SiteDiscovering(Event):
    """A site's worker began with it: reading its listings and sitemap."""

    site: str


@dataclass(frozen=True)
class UrlChecked(Event):
    """One of the release URLs a site had to check (:class:`SiteStarted`) is done with, however it went;
    ``left`` are still to check (the hreflang links of tonight's pages may add some)."""

    site: str
    left: int


@dataclass(frozen=True)
class SiteFinished(Event):
    site: str


@dataclass(frozen=True)
class SiteUnreachable(Event):
    site: str
    url: str
    cause: str


@dataclass(frozen=True)
class PageFetched(Event):
    url: str


@dataclass(frozen=True)
class PageNotModified(Event):
    """A conditional request answered 304: nothing downloaded."""

    url: str


@dataclass(frozen=True)
class PageDisallowed(Event):
    url: str
    reason: str


@dataclass(frozen=True)
class Failed(Event):
    """A URL (release page, listing page, sitemap) that could not be used; retried next run.

    ``kind`` is the unit that failed (:data:`FAILURE_KINDS`); ``site``, ``lang`` and ``since`` (the
    ``--since`` a listing page was walked with, so a retry walks it the same way; ``""`` for none)
    go into the run's error log with it when given.
    """

    url: str
    error: str
    kind: str | None = None
    site: str | None = None
    lang: str | None = None
    since: str | None = None


#: What a failure in ``runs.error_log`` is about (its ``kind``): a release page, a page of a news
#: listing, a sitemap, a whole site (nothing of it could be read), or the run's time limit.
FAILURE_KINDS = ("page", "listing", "sitemap", "site", "deadline")


@dataclass(frozen=True)
class DeadlineReached(Event):
    """The run reached ``max_run_minutes``: it stops before its next request; the next run carries on."""

    site: str
    url: str
    minutes: float
    unchecked: int  # release URLs of this site not checked


@dataclass(frozen=True)
class NotRevalidated(Event):
    """Archived releases on a host that is not the site's any more: kept, not requested (logged once)."""

    site: str
    host: str
    releases: int


@dataclass(frozen=True)
class ReleaseStored(Event):
    outcome: str  # 'new', 'updated' or 'unchanged'
    lang: str
    url: str
    dated: bool = True


@dataclass(frozen=True)
class ReleaseUnchanged(Event):
    """An archived release seen again unchanged: not requested (no sign of change), or a 304."""

    url: str


@dataclass(frozen=True)
class ReleaseSkipped(Event):
    """A new release published before the run's --since: not archived."""

    url: str
    published: str


@dataclass(frozen=True)
class ReleaseRemoved(Event):
    url: str
    status: int


# --- counting -----------------------------------------------------------------------------------

Counters = dataclasses.make_dataclass(
    "Counters", [(name, int, field(default=0)) for name in RUN_COUNTERS], slots=True,
)
Counters.__doc__ = "The run's counters, one attribute per counter column of ``runs`` (archive.columns.RUN_COUNTERS)."


def counters_dict(counters) -> dict[str, int]:
    return {name: getattr(counters, name) for name in RUN_COUNTERS}


@dataclass
class RunReport:
    """What a run did: its counters, its errors, the sites it could not reach."""

    counters: object = field(default_factory=Counters)
    errors: list[dict[str, str]] = field(default_factory=list)
    unreachable_sites: list[str] = field(default_factory=list)
    sites_attempted: int = 0
    sites: list[str] = field(default_factory=list)  # the run's sites, in config order
    subscriber: Callable[[Event], None] | None = None
    # a run's site workers report at the same time (requests are made outside the archive turn)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        """The counters as ``{column: value}``, as the ``runs`` table stores them."""
        return counters_dict(self.counters)

    @property
    def status(self) -> str:
        if self.sites_attempted and len(self.unreachable_sites) == self.sites_attempted:
            return "failed"
        return "partial" if self.errors else "ok"

    def emit(self, event: Event) -> None:
        """Count and log one event, then hand it to the subscriber (one event at a time)."""
        with self._lock:
            self._emit(event)

    def _emit(self, event: Event) -> None:
        c = self.counters
        match event:
            case RequestMade():
                c.requests += 1
            case SiteStarted(site=site, urls_to_check=n):
                log.info("%s: %d release URLs to check", site, n)
            case SiteUnreachable(site=site, url=url, cause=cause):
                self.unreachable_sites.append(site)
                self._error(url, f"site {site} unreachable: {cause}", kind="site", site=site)
            case PageFetched():
                c.pages_fetched += 1
            case PageNotModified():
                c.pages_not_modified += 1
            case PageDisallowed(reason=reason):
                c.pages_disallowed += 1
                log.warning("%s", reason)
            case Failed(url=url, error=error, kind=kind, site=site, lang=lang, since=since):
                self._error(url, error, kind=kind, site=site, lang=lang, since=since)
            case DeadlineReached(site=site, url=url, minutes=minutes, unchecked=unchecked):
                self._error(url, f"run stopped at its time limit (max_run_minutes: {minutes:g}) before this "
                                 f"request; {unchecked} release URLs of {site} not checked; the next run carries on",
                            kind="deadline", site=site)
            case NotRevalidated(site=site, host=host, releases=releases):
                log.warning("%s: %d archived releases are on %s, which is not the site's host any more "
                            "(base_url); they are kept as they are and not revalidated", site, releases, host)
            case ReleaseStored(outcome=outcome, lang=lang, url=url, dated=dated):
                setattr(c, f"releases_{outcome}", getattr(c, f"releases_{outcome}") + 1)
                if outcome == "new" and not dated:
                    c.releases_without_date += 1
                    log.warning("%s: no publication date found; left empty", url)
                log.info("%s %s: %s", outcome, lang, url)
            case ReleaseUnchanged():
                c.releases_unchanged += 1
            case ReleaseSkipped(url=url, published=published):
                c.releases_skipped += 1
                log.info("%s: published %s, before --since; not archived", url, published)
            case ReleaseRemoved(url=url, status=status):
                c.releases_removed += 1
                log.info("removed (HTTP %s): %s", status, url)
        if self.subscriber is not None:
            self.subscriber(event)

    def _error(self, url: str, message: str, **fields: str | None) -> None:
        log.error("%s: %s", url, message)
        self.errors.append({"url": url, "error": message, **{k: v for k, v in fields.items() if v is not None}})

    def site_statuses(self, sites: list[str]) -> dict[str, str]:
        """Each site's own outcome: ``ok``, ``partial`` (something of it failed) or ``failed`` (unreachable)."""
        failed = {error.get("site") for error in self.errors}
        return {site: "failed" if site in self.unreachable_sites else "partial" if site in failed else "ok"
                for site in sites}

    def errors_by_kind(self) -> dict[str, int]:
        """How many failures of each kind (``page``, ``listing`` …) the run had."""
        counts: dict[str, int] = {}
        for error in self.errors:
            kind = error.get("kind", "page")
            counts[kind] = counts.get(kind, 0) + 1
        return counts
