"""The run: config -> discover -> fetch -> extract -> clean -> dedupe -> store, for every site and language.

:func:`run` is what ``scrape run`` calls, :func:`reextract` what ``scrape reextract`` calls. Neither
raises for a bad page or an unreachable site: each failure becomes an event
(:mod:`scraper.pipeline.events`) that the :class:`RunReport` logs and counts, goes into the run's
error log (table ``runs``) with its URL and cause, and the run goes on.

- :mod:`scraper.pipeline.plan`: what a run collects (options, since, incremental, retries);
- :mod:`scraper.pipeline.collect`: one site, stage after stage;
- :mod:`scraper.pipeline.records`: an extracted page -> the record the archive stores;
- :mod:`scraper.pipeline.events`: typed events, counters, the report;
- :mod:`scraper.pipeline.imports`: ``scrape import``, releases from WARC files;
- :mod:`scraper.pipeline.recover`: ``scrape recover``, releases from a web archive (CDX API);
- :mod:`scraper.pipeline.resources`: the fetcher's settings and the WARC files, from the config.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from collections.abc import Callable
from pathlib import Path

import httpx

from archive.lock import ArchiveLock
from archive.store import Archive
from scraper.config import Config
from scraper.dedupe.identity import Deduplicator
from scraper.extract.bounds import check_bounds
from scraper.extract.templates import page_block_keys
from scraper.fetch import Fetcher, Kept, RunDeadlineReached, decode_body
from scraper.fetch.warc import exchange_recorder
from scraper.pipeline import events
from scraper.pipeline.collect import Extraction, Pass, SiteCollection, is_fatal
from scraper.pipeline.events import Event, RunReport
from scraper.pipeline.imports import import_warcs
from scraper.pipeline.parallel import collect_all
from scraper.pipeline.plan import RunOptions, RunPlan, plan_run, selected_langs, selected_sites
from scraper.pipeline.recover import recover
from scraper.pipeline.resources import fetch_settings, warc_recorder

__all__ = ["Event", "RunOptions", "RunPlan", "RunReport", "fetch_settings", "import_warcs", "recover", "reextract", "run"]


def run(
    config: Config,
    archive_path: str | Path,
    options: RunOptions,
    transport: httpx.BaseTransport | None = None,
    on_event: Callable[[Event], None] | None = None,
) -> RunReport:
    """Collect every selected site into the archive at ``archive_path`` (one run at a time).

    ``on_event`` receives every event of the run as it happens (the CLI's progress line). Each site
    is collected on its own: an unexpected error in one (a bug, something nobody foresaw) is logged
    with its cause and counted, and the next site goes on. With ``max_run_minutes``, the run stops
    before the first request after its time limit, extracts what it fetched, and is ``partial``.
    """
    started = time.monotonic()
    sites = selected_sites(config, options)
    report = RunReport(subscriber=on_event, sites=[site.key for site in sites])
    on_request = lambda url: report.emit(events.RequestMade(url))  # noqa: E731
    with ArchiveLock(archive_path), Archive(archive_path, decode=decode_body) as archive:
        dedupe = Deduplicator(archive)
        plan = plan_run(config, archive, options, started=started)
        run_id = archive.start_run(
            {"since": options.since, "since_used": plan.since, "incremental": plan.incremental,
             "sites": [s.key for s in sites], "langs": list(options.langs),
             "revalidated": plan.revalidate_per_run > 0}
        )
        if plan.carries_on:
            events.log.info("the last run stopped at its time limit: this one carries on since %s",
                            plan.since or "the start")
        status = "interrupted"
        left: set[str] = set()  # sites not collected: the run reached its time limit first
        try:
            kept = {url: Kept(**row) for url, row in archive.kept_responses().items()}
            with warc_recorder(config, archive_path, f"run {run_id}") as recorder, \
                    Fetcher(fetch_settings(config), transport=transport, on_request=on_request, deadline=plan.deadline,
                            kept=kept, on_exchange=exchange_recorder(recorder) if recorder else None) as fetcher:
                collect_all(sites, lambda site, view: _collect_site(site, plan, view, archive, dedupe, report, left),
                            fetcher, max_hosts=config.max_connections_total)
                # what was downloaded anew is asked for conditionally next run
                archive.keep_responses({url: asdict(copy) for url, copy in fetcher.kept_updates.items()})
            if left:
                events.log.warning("time limit (max_run_minutes: %g) reached; sites not collected: %s",
                                   plan.max_run_minutes, ", ".join(s.key for s in sites if s.key in left))
            status = report.status
        finally:
            archive.finish_run(run_id, status, report.counts, report.errors)
    return report


def _collect_site(site, plan: RunPlan, fetcher, archive: Archive, dedupe: Deduplicator, report: RunReport,
                  left: set[str]) -> None:
    """One site of a run, on its host's worker (:mod:`scraper.pipeline.parallel`, holding the archive
    turn). An unexpected error (a bug, something nobody foresaw) is logged with its cause and
    counted, and fails this site only; at the run's time limit the site's fetched pages are
    extracted and the sites not started yet are left for the next run."""
    if left or (plan.deadline is not None and time.monotonic() >= plan.deadline):
        left.add(site.key)
        return
    try:
        SiteCollection(site, plan, fetcher, Extraction(site, archive, dedupe, report)).collect()
    except RunDeadlineReached:
        left.add("")  # marks the limit as reached: this worker's next sites are not started
    except Exception as exc:  # noqa: BLE001 (the last line of defence: this site only)
        if is_fatal(exc):
            raise
        events.log.exception("%s: unexpected error", site.key)
        report.emit(events.Failed(site.base_url, f"unexpected {type(exc).__name__}: {exc}; the "
                                                 "rest of this site was skipped"[:500], kind="site", site=site.key))


def reextract(config: Config, archive_path: str | Path, options: RunOptions) -> RunReport:
    """Re-run extraction over every stored page, without the network.

    The pages' text blocks are counted again with the current structural rules first, so the
    learned templates are those the current extractor would learn; a release gets a new version
    only where its text really changed; pages that failed before are tried again.
    """
    report = RunReport()
    with ArchiveLock(archive_path), Archive(archive_path, decode=decode_body) as archive:
        dedupe = Deduplicator(archive)
        for site in selected_sites(config, options):
            langs = selected_langs(site, options.langs)
            report.sites_attempted += 1
            for page in archive.pages_to_extract(site.key, langs, ("pending", "release", "error", "skipped")):
                archive.recount_blocks(page["url"], _block_keys(archive.page_html(page["url"])))
            extraction = Extraction(site, archive, dedupe, report)
            extraction.run(extraction.templates(langs),
                           Pass(outcomes=("pending", "release", "error"), seen_online=False))
    return report


def _block_keys(html: str) -> set[str]:
    """The page's text block keys, or none for a page outside the extraction bounds (or one the
    block reader fails on: its extraction then says why)."""
    try:
        check_bounds(html)
        return page_block_keys(html)
    except Exception as exc:  # noqa: BLE001 (one page: its extraction reports it)
        if is_fatal(exc):
            raise
        return set()
