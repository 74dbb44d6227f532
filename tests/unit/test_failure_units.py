"""Failures are counted by unit (page, listing page, sitemap, site, time limit): in runs.error_log and in the summary."""

from __future__ import annotations

from scraper.cli.display import summary_text
from scraper.pipeline import events
from scraper.pipeline.events import RunReport

COUNTS = {"releases_new": 1, "releases_updated": 0, "releases_unchanged": 0, "releases_skipped": 0,
          "releases_removed": 0, "pages_fetched": 2, "requests": 5}


def test_each_failure_is_logged_with_its_kind_site_and_language():
    report = RunReport()
    report.emit(events.Failed("https://kz/news/a", "HTTP 500", kind="page", site="kz", lang="en"))
    report.emit(events.Failed("https://kz/kk/news", "listing page not read (HTTP 404)", kind="listing", site="kz",
                              lang="kk", since=""))
    report.emit(events.Failed("https://kz/sitemap.xml", "sitemap not read (HTTP 503)", kind="sitemap", site="kz"))
    report.emit(events.DeadlineReached("kz", "https://kz/news/b", 30, 12))
    assert [e["kind"] for e in report.errors] == ["page", "listing", "sitemap", "deadline"]
    assert report.errors[1] == {"url": "https://kz/kk/news", "error": "listing page not read (HTTP 404)",
                                "kind": "listing", "site": "kz", "lang": "kk", "since": ""}
    assert "12 release URLs of kz not checked" in report.errors[3]["error"]
    assert report.errors_by_kind() == {"page": 1, "listing": 1, "sitemap": 1, "deadline": 1}
    assert report.status == "partial"


def test_the_summary_says_what_failed():
    text = summary_text("archive.db", COUNTS, 4, 1.0, {"page": 2, "listing": 1, "deadline": 1})
    assert "4 errors (2 pages, 1 listing page, 1 time limit)" in text
    assert summary_text("archive.db", COUNTS, 0, 1.0, {}).endswith("0 errors, 1.0 s")


def test_releases_on_a_former_host_are_a_warning_not_an_error(caplog):
    report = RunReport()
    report.emit(events.NotRevalidated("kz", "old.example", 120))
    assert report.errors == [] and report.status == "ok"
    assert "120 archived releases are on old.example" in caplog.text
