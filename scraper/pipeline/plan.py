"""What a run collects: the options a user gave, and the plan decided from them and the archive."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from archive.store import RETRY_RUNS, Archive
from scraper.config import Config, Site
from scraper.discover import ListingResume, listing_language


@dataclass(frozen=True)
class RunOptions:
    """What one run collects (``scrape run`` options)."""

    since: date | None = None
    sites: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunPlan:
    """What a run does, decided once from the options and the archive's history."""

    since: date | None
    incremental: bool
    langs: tuple[str, ...]
    retry_urls: frozenset[str]
    revalidate_per_run: int
    listing_retries: dict[str, tuple[ListingResume, ...]] = field(default_factory=dict)  # site key -> pages
    deadline: float | None = None  # time.monotonic() at which the run stops (max_run_minutes), else None
    max_run_minutes: float | None = None
    carries_on: bool = False  # the last run stopped at its time limit: this one uses its window
    # the user gave --since: new releases published before it are not archived. Without it, the
    # window only bounds how far listings are walked: a URL never seen before is always collected
    strict_since: bool = False
    attachments: bool = False  # download the PDF and Word files the run's releases link to (config attachments)

    def deadline_passed(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline


def selected_sites(config: Config, options: RunOptions) -> list[Site]:
    return [config.site(key) for key in options.sites] if options.sites else list(config.sites)


def selected_langs(site: Site, langs: tuple[str, ...]) -> list[str]:
    """The site's languages, limited to ``langs`` (``--lang``) when given."""
    return [lang for lang in site.languages if not langs or lang in langs]


def plan_run(config: Config, archive: Archive, options: RunOptions, started: float | None = None) -> RunPlan:
    """``--since`` as given; without it, since the last successful run minus ``overlap_days``.

    Without ``--since`` and with a successful run behind it, the run is incremental: listing pages
    stop at the first page that holds only archived releases. The very first run (or one after
    runs that never completed) reads everything. A run after one that stopped at its time limit
    (``max_run_minutes``) carries on with that run's window, not incrementally, so the releases it
    had found but not yet fetched are found again (the archived ones are not requested again).
    Only a ``--since`` the user gave leaves out new releases dated before it (``strict_since``);
    the window of a run without one never does (a release put online late is still collected).
    """
    since, incremental, carries_on = options.since, False, False
    if since is None:
        last = archive.last_successful_run()
        if last is not None and _stopped_at_deadline(last):
            used = json.loads(last["arguments"] or "{}").get("since_used")
            since, carries_on = (date.fromisoformat(used) if used else None), True
        elif last is not None:
            since = date.fromisoformat(last["started_at"][:10]) - timedelta(days=config.overlap_days)
            incremental = True
    started = time.monotonic() if started is None else started
    minutes = config.max_run_minutes
    return RunPlan(
        since=since,
        incremental=incremental,
        langs=options.langs,
        retry_urls=frozenset(archive.urls_to_retry()),
        revalidate_per_run=config.revalidate_per_run if revalidation_due(archive, config.revalidate_every_days) else 0,
        listing_retries=listing_retries(archive, config),
        deadline=started + minutes * 60 if minutes else None,
        max_run_minutes=minutes,
        carries_on=carries_on,
        strict_since=options.since is not None,
        attachments=config.attachments,
    )


def revalidation_due(archive: Archive, every_days: int, now: datetime | None = None) -> bool:
    """Whether this run takes the rolling revalidation sample: no successful run of the last
    ``every_days`` days took it (0: every run does). An hour of slack keeps a nightly run that
    starts a little earlier than the night before on schedule. Runs recorded before the sample
    was recorded count as having taken it."""
    if every_days <= 0:
        return True
    now = now or datetime.now(timezone.utc)
    horizon = (now - timedelta(days=every_days, hours=-1)).strftime("%Y-%m-%dT%H:%M:%S")
    rows = archive.db.execute(
        "SELECT arguments FROM runs WHERE status IN ('ok', 'partial') AND started_at > ? ORDER BY id DESC", [horizon]
    ).fetchall()
    return not any(json.loads(arguments or "{}").get("revalidated", True) for (arguments,) in rows)


def _stopped_at_deadline(run: dict) -> bool:
    return any(entry.get("kind") == "deadline" for entry in json.loads(run.get("error_log") or "[]"))


def listing_retries(archive: Archive, config: Config, runs: int = RETRY_RUNS) -> dict[str, tuple[ListingResume, ...]]:
    """Listing pages that failed in one of the last ``runs`` finished runs and have not been read since.

    A failed listing page is pending until a later run that covered its site and language (by its
    ``--site``/``--lang``, reaching the site, not stopped by its time limit) finished without
    failing it again: that run walked it and read it. Each pending page is walked again from there
    with the ``--since`` of the run it first failed in (kept in its error-log entry), so the
    releases behind it are collected as that run would have. Entries of runs made before listing
    failures had a ``kind`` are recognised by their URL (the site's news listing).
    """
    rows = archive.db.execute(
        "SELECT status, arguments, error_log FROM runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT ?", [runs]
    ).fetchall()
    newer: list[tuple[dict, list[dict]]] = []  # (arguments, error log) of the runs after the one looked at
    pending: dict[str, tuple[str, ListingResume]] = {}
    settled: set[str] = set()
    for status, arguments, log in rows:
        args = json.loads(arguments or "{}")
        entries = json.loads(log or "[]")
        for entry in entries:
            url = entry.get("url") or ""
            if url in pending or url in settled or entry.get("kind") not in ("listing", None):
                continue
            where = _listing_of(config, url)
            if where is None:
                continue
            site, lang = where
            if any(_covered(later_args, later_log, site, lang) for later_args, later_log in newer):
                settled.add(url)  # a later run read it
                continue
            since = entry["since"] if "since" in entry else args.get("since_used")  # "": the whole listing
            pending[url] = (site, ListingResume(url, lang, date.fromisoformat(since) if since else None))
        if status in ("ok", "partial"):
            newer.append((args, entries))
    found: dict[str, list[ListingResume]] = {}
    for site, resume in pending.values():
        found.setdefault(site, []).append(resume)
    return {site: tuple(pages) for site, pages in found.items()}


def _listing_of(config: Config, url: str) -> tuple[str, str] | None:
    for site in config.sites:
        lang = listing_language(site, url)
        if lang is not None:
            return site.key, lang
    return None


def _covered(arguments: dict, log: list[dict], site: str, lang: str) -> bool:
    """Whether a run with these arguments and error log walked the listings of ``site`` in ``lang``."""
    if arguments.get("sites") and site not in arguments["sites"]:
        return False
    if arguments.get("langs") and lang not in arguments["langs"]:
        return False
    for entry in log:
        if entry.get("kind") == "deadline" or (entry.get("kind") == "site" and entry.get("site") == site):
            return False
    return True
