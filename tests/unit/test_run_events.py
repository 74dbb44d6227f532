"""Typed run events: the report's counters, the runs table and the progress line agree by construction."""

from __future__ import annotations

import dataclasses

import sqlite_utils

from archive import columns, schema
from scraper.cli.display import Progress
from scraper.pipeline import events
from scraper.pipeline.events import Counters, RunReport


def test_counters_are_the_runs_tables_counter_columns():
    assert [f.name for f in dataclasses.fields(Counters)] == list(columns.RUN_COUNTERS)
    db = sqlite_utils.Database(memory=True)
    schema.migrate(db)
    assert set(columns.RUN_COUNTERS) <= set(db["runs"].columns_dict)


RUN = [
    events.RequestMade("https://kz/robots.txt"),
    events.RequestMade("https://kz/news"),
    events.SiteStarted("kz", 3),
    events.RequestMade("https://kz/news/a"),
    events.PageFetched("https://kz/news/a"),
    events.ReleaseStored("new", "en", "https://kz/news/a", dated=False),
    events.RequestMade("https://kz/news/b"),
    events.PageNotModified("https://kz/news/b"),
    events.ReleaseUnchanged("https://kz/news/b"),
    events.RequestMade("https://kz/news/c"),
    events.Failed("https://kz/news/c", "HTTP 500"),
    events.ReleaseSkipped("https://kz/news/d", "2019-01-01"),
    events.ReleaseRemoved("https://kz/news/e", 404),
]


def test_report_counts_events_and_passes_them_on():
    seen = []
    report = RunReport(subscriber=seen.append)
    for event in RUN:
        report.emit(event)
    assert seen == RUN
    assert report.counts == {
        "requests": 5, "pages_fetched": 1, "pages_not_modified": 1, "pages_disallowed": 0, "releases_new": 1,
        "releases_updated": 0, "releases_unchanged": 1, "releases_skipped": 1, "releases_removed": 1,
        "releases_without_date": 1,
    }
    assert report.errors == [{"url": "https://kz/news/c", "error": "HTTP 500"}]
    assert report.status == "partial"


def test_progress_line_follows_the_same_events():
    progress = Progress(clock=lambda: 0.0)
    for event in RUN:
        progress.observe(event)
    line = progress.line()
    assert line.startswith("kz: 0 of 3 URLs to check · 5 requests · ")
    assert "1 new" in line and "1 skipped" in line and "1 removed" in line and "1 failed" in line


def test_unreachable_site_fails_the_run_when_it_was_the_only_one():
    report = RunReport()
    report.sites_attempted = 1
    report.emit(events.SiteUnreachable("kz", "https://kz/robots.txt", "connection refused"))
    assert report.status == "failed" and report.unreachable_sites == ["kz"]
    assert report.errors[0]["error"] == "site kz unreachable: connection refused"


def test_progress_line_shows_each_site_with_n_of_m_and_an_estimate():
    now = [0.0]
    progress = Progress(clock=lambda: now[0])
    for event in (events.SiteDiscovering("kz"), events.SiteDiscovering("md"), events.SiteDiscovering("ua"),
                  events.SiteStarted("kz", 10)):
        progress.observe(event)
    now[0] = 4.0
    progress.observe(events.UrlChecked("kz", left=9))
    progress.observe(events.UrlChecked("kz", left=8))  # 2 done in 4 s: 8 left take about 16 s
    progress.observe(events.SiteUnreachable("ua", "https://ua/robots.txt", "connection refused"))
    progress.observe(events.SiteFinished("ua"))
    line = progress.line()
    assert line.startswith("3 sites: 2 running, 0 done, 1 unreachable · kz: 2 of 10 URLs to check, ~16 s left · "
                           "md: discovering · "), line
    progress.observe(events.UrlChecked("kz", left=10))  # hreflang links added work: M grows
    assert "kz: 3 of 13 URLs to check" in progress.line()
    progress.observe(events.SiteFinished("kz"))
    assert progress.line().startswith("3 sites: 1 running, 1 done, 1 unreachable · md: discovering · ")


def test_each_sites_own_outcome():
    report = RunReport(sites=["kz", "md", "ua"])
    report.sites_attempted = 3
    report.emit(events.Failed("https://md/news/a", "HTTP 500", kind="page", site="md"))
    report.emit(events.SiteUnreachable("ua", "https://ua/robots.txt", "connection refused"))
    assert report.site_statuses(report.sites) == {"kz": "ok", "md": "partial", "ua": "failed"}
    assert report.status == "partial"
