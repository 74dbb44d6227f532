"""When a run takes the rolling revalidation sample (``revalidate_every_days``), and what the
sitemap's record of each archived URL says (changed ``<lastmod>``, URLs gone from the sitemap)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from archive.store import Archive
from scraper.pipeline.plan import revalidation_due


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive.db") as opened:
        yield opened


def run_at(archive: Archive, when: datetime, revalidated: bool | None, status: str = "ok") -> None:
    arguments = "{}" if revalidated is None else f'{{"revalidated": {str(revalidated).lower()}}}'
    archive.db.execute("INSERT INTO runs (started_at, finished_at, arguments, status) VALUES (?, ?, ?, ?)",
                       [when.isoformat(), when.isoformat(), arguments, status])


NOW = datetime(2026, 12, 2, 2, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("every, last_sample, expected", [
    (0, timedelta(minutes=1), True),        # every run
    (1, None, True),                        # never taken
    (1, timedelta(minutes=5), False),       # taken minutes ago
    (1, timedelta(hours=23, minutes=50), True),  # last night, started a little later: still due
    (7, timedelta(days=3), False),
    (7, timedelta(days=7), True),
])
def test_the_sample_is_taken_when_due(archive, every, last_sample, expected):
    if last_sample is not None:
        run_at(archive, NOW - last_sample, True)
    assert revalidation_due(archive, every, now=NOW) is expected


def test_runs_without_the_sample_or_failed_do_not_count(archive):
    run_at(archive, NOW - timedelta(hours=1), False)
    run_at(archive, NOW - timedelta(hours=2), True, status="failed")
    assert revalidation_due(archive, 1, now=NOW)


def test_runs_recorded_before_the_setting_count_as_having_taken_it(archive):
    run_at(archive, NOW - timedelta(hours=1), None)
    assert not revalidation_due(archive, 1, now=NOW)


def add_release_url(archive: Archive, url: str) -> None:
    archive.db.execute("INSERT INTO releases (id, site, lang, url, title, body, content_hash, status, first_seen, "
                       "last_seen) VALUES (NULL, 'kz', 'en', ?, 't', 'b', 'h', 'live', 'x', 'x')", [url])
    release_id = archive.db.execute("SELECT max(id) FROM releases").fetchone()[0]
    archive.add_urls(release_id, [url], "2026-12-01T02:30:00+00:00")


def test_a_different_lastmod_signals_a_change_and_a_first_one_does_not(archive):
    add_release_url(archive, "https://a/news/x")
    add_release_url(archive, "https://a/news/y")
    listed = {"https://a/news/x": date(2025, 1, 1), "https://a/news/y": None}
    assert archive.sitemap_changes("kz", listed) == []  # nothing recorded yet
    archive.record_sitemap(listed, "2026-12-01T02:30:00+00:00")
    assert archive.sitemap_changes("kz", listed) == []
    assert archive.sitemap_changes("kz", {"https://a/news/x": date(2025, 2, 1), "https://a/news/new": None}) == [
        "https://a/news/x"]


def test_a_url_that_leaves_the_sitemap_is_reported_once(archive):
    add_release_url(archive, "https://a/news/x")
    add_release_url(archive, "https://a/news/y")
    archive.record_sitemap({"https://a/news/x": None, "https://a/news/y": None}, "2026-12-01T02:30:00+00:00")
    gone = [row["url"] for row in archive.left_sitemap("kz", ["en"], {"https://a/news/x": None})]
    assert gone == ["https://a/news/y"]
    archive.record_sitemap({"https://a/news/x": None}, "2026-12-02T02:30:00+00:00", gone)
    assert archive.left_sitemap("kz", ["en"], {"https://a/news/x": None}) == []
