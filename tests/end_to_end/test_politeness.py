"""What a run costs the site: robots.txt, request spacing measured at the server, conditional
requests, and the handful of requests an incremental run makes on an unchanged site."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from support.archive_checks import consistency_problems, dump_archive, request_counts
from support.helpers import KAZAKHSTAN, expected_body, load_golden, query, scrape, write_config
from support.fixture_server import FixtureServer, Served
from scraper import pipeline

SITE = KAZAKHSTAN / "site"
GOLDEN = load_golden()["releases"]
BY_PATH = {r["path"]: r for r in GOLDEN}
LANGS = ("en", "ru", "kk")
TOLERANCE = 0.02  # seconds: the server timestamps arrivals, the client its departures
# a small run: the Russian listing and its releases of 2024 on (about six requests)
SMALL_RUN = ("--lang", "ru", "--since", "2024-01-01")
NO_SITEMAP = {"site": {"sitemap": None}}


@pytest.fixture
def site():
    with FixtureServer(SITE, validators=True) as server:
        yield server


def last_run(db):
    return query(db, "SELECT * FROM runs ORDER BY id DESC LIMIT 1")[0]


def robots(text: str) -> Served:
    return Served(200, "text/plain; charset=utf-8", text.encode())


def test_robots_txt_disallow_is_obeyed_for_our_user_agent(site, tmp_path):
    blocked = next(r["path"] for r in GOLDEN if r["lang"] == "en")
    wildcard = next(r["path"] for r in GOLDEN if r["lang"] == "kk" and r["path"].endswith("-astana"))
    # the `*` group shuts everyone out; our own group (matched on the product token) is the one to obey
    site.overrides["/robots.txt"] = robots(
        "User-agent: *\nDisallow: /\n\n"
        f"User-agent: iom-archive\nDisallow: {blocked}\nDisallow: /kk/news/*-astana$\nAllow: /\n"
    )
    db = tmp_path / "archive.db"
    result = scrape("run", "--config", str(write_config(tmp_path, site.base_url)))
    assert result.exit_code == 0, result.output
    requested = set(site.paths_requested())
    assert blocked not in requested and wildcard not in requested
    assert "disallowed by the site's robots.txt" in result.output
    assert last_run(db)["pages_disallowed"] == 2
    archived = {row["url"].removeprefix(site.base_url) for row in query(db, "SELECT url FROM releases")}
    assert archived == set(BY_PATH) - {blocked, wildcard}
    assert site.paths_requested().count("/robots.txt") == 1  # read once per run


def test_robots_txt_unreachable_means_nothing_is_fetched(site, tmp_path):
    site.fault("/robots.txt", "503", times=None)
    db = tmp_path / "archive.db"
    result = scrape("run", "--config", str(write_config(tmp_path, site.base_url, retries=1, retry_backoff=0.01)))
    assert result.exit_code == 4, result.output  # RFC 9309: a 5xx robots.txt disallows the whole site
    assert set(site.paths_requested()) == {"/robots.txt"}
    assert query(db, "SELECT count(*) FROM releases")[0][0] == 0


def test_crawl_delay_spaces_requests_at_the_server(site, tmp_path):
    site.overrides["/robots.txt"] = robots("User-agent: iom-archive\nCrawl-delay: 0.3\nAllow: /\n")
    config = write_config(tmp_path, site.base_url, request_delay=0, **NO_SITEMAP)
    result = scrape("run", "--config", str(config), *SMALL_RUN)
    assert result.exit_code == 0, result.output
    gaps = site.gaps()
    assert len(gaps) >= 4
    assert min(gaps) >= 0.3 - TOLERANCE, gaps


def test_request_delay_spaces_requests_and_retries_at_the_server(site, tmp_path):
    retried = next(r["path"] for r in GOLDEN if r["lang"] == "ru" and str(r["date"]) >= "2024-01-01")
    site.fault(retried, "503", times=1)
    config = write_config(tmp_path, site.base_url, request_delay=0.2, retries=1, retry_backoff=0, **NO_SITEMAP)
    result = scrape("run", "--config", str(config), *SMALL_RUN)
    assert result.exit_code == 0, result.output
    assert site.paths_requested().count(retried) == 2  # the retry too waited its turn
    gaps = site.gaps()
    assert len(gaps) >= 5
    assert min(gaps) >= 0.2 - TOLERANCE, gaps
    assert site.max_open_connections <= 2  # max_connections (default 2)


@pytest.mark.parametrize("validators", ["etag", "last-modified"])
def test_revalidation_gets_304s_and_reextracts_nothing(tmp_path, validators, monkeypatch):
    with FixtureServer(SITE, validators=validators) as site:
        config = write_config(tmp_path, site.base_url, revalidate_per_run=100)
        db = tmp_path / "archive.db"
        assert scrape("run", "--config", str(config)).exit_code == 0
        column = "etag" if validators == "etag" else "last_modified"
        assert query(db, f"SELECT count(*) FROM pages WHERE {column} IS NOT NULL")[0][0] == len(GOLDEN)
        before = dump_archive(db, site.base_url)
        extracted = []
        monkeypatch.setattr(pipeline.collect, "extract", lambda *args, **kwargs: extracted.append(args) or 1 / 0)
        site.reset()
        result = scrape("run", "--config", str(config))  # incremental, every release revalidated
        assert result.exit_code == 0, result.output
        header = "If-None-Match" if validators == "etag" else "If-Modified-Since"
        releases = [r for r in site.requests if r.path in BY_PATH]
        assert len(releases) == len(GOLDEN)
        assert all(r.status == 304 and header in r.headers for r in releases)
        run = last_run(db)
        assert (run["pages_not_modified"], run["releases_unchanged"]) == (len(GOLDEN), len(GOLDEN))
        assert (run["pages_fetched"], run["releases_new"], run["releases_updated"], run["errors"]) == (0, 0, 0, 0)
        assert extracted == []
        assert dump_archive(db, site.base_url) == before


def test_revalidation_records_edits_and_removals_of_old_releases(site, tmp_path):
    config = write_config(tmp_path, site.base_url, revalidate_per_run=100)
    db = tmp_path / "archive.db"
    assert scrape("run", "--config", str(config)).exit_code == 0
    oldest = sorted(GOLDEN, key=lambda r: str(r["date"]))
    edited, removed, gone = oldest[1], oldest[0], oldest[2]  # all years older than an incremental window
    assert edited["template"] == "current"
    html = (SITE / (edited["path"].strip("/") + ".html")).read_text(encoding="utf-8").replace("__BASE__", site.base_url)
    end = html.index("</p>", html.index("field--name-body"))  # the end of the body's first paragraph
    site.overrides[edited["path"]] = Served(200, "text/html; charset=utf-8",
                                            (html[:end] + " This paragraph was corrected." + html[end:]).encode())
    site.overrides[removed["path"]] = Served(410, "text/html; charset=utf-8", b"<html><body>Gone</body></html>")
    site.overrides[gone["path"]] = Served(404, "text/html; charset=utf-8", b"<html><body>Not found</body></html>")
    result = scrape("run", "--config", str(config))  # incremental
    assert result.exit_code == 0, result.output
    run = last_run(db)
    assert json.loads(run["arguments"])["incremental"] is True
    assert (run["releases_updated"], run["releases_removed"], run["releases_skipped"]) == (1, 2, 0)
    assert run["pages_not_modified"] == len(GOLDEN) - 3
    url = site.base_url + edited["path"]
    versions = query(db, "SELECT v.version, v.body FROM release_versions v JOIN releases r ON r.id = v.release_id "
                         "WHERE r.url = ? ORDER BY v.version", (url,))
    body = expected_body(edited["body"])
    assert [v["version"] for v in versions] == [1, 2] and versions[0]["body"] == body
    assert versions[1]["body"].count(" This paragraph was corrected.") == 1
    assert versions[1]["body"].replace(" This paragraph was corrected.", "") == body
    for release in (removed, gone):
        row = query(db, "SELECT status, removed_on, body FROM releases WHERE url = ?", (site.base_url + release["path"],))[0]
        assert row["status"] == "removed" and row["removed_on"] and row["body"] == expected_body(release["body"])
    assert query(db, "SELECT count(*) FROM releases WHERE status = 'live'")[0][0] == len(GOLDEN) - 2
    assert consistency_problems(db) == []


@pytest.mark.parametrize("overlap_days", [7, 3650], ids=["window-7-days", "window-10-years"])
def test_an_incremental_run_on_an_unchanged_site_makes_a_handful_of_requests(site, tmp_path, overlap_days):
    """With the default window every fixture release is older than it (the listings stop on dates);
    with a ten-year window they stop because the first page shows only archived releases.
    benchmarks/request_counts.py prints the counts."""
    config = write_config(tmp_path, site.base_url, overlap_days=overlap_days)  # revalidate_per_run: 5 (default)
    db = tmp_path / "archive.db"
    assert scrape("run", "--config", str(config)).exit_code == 0
    first = request_counts(site.requests)
    site.reset()
    result = scrape("run", "--config", str(config))
    assert result.exit_code == 0, result.output
    second = request_counts(site.requests)
    assert first["release"] == len(GOLDEN) and first["listing"] == 7
    # robots.txt, the first listing page of each language (only archived releases there), the
    # sitemap, and the five releases due for revalidation, each a 304
    assert second == {"robots": 1, "listing": len(LANGS), "sitemap": 1, "304": 5}
    assert sum(second.values()) <= 4 * len(LANGS)
    assert {r.path for r in site.requests if r.path.endswith(("news", "news?page=0"))} == {"/news", "/ru/news", "/kk/news"}
    run = last_run(db)
    arguments = json.loads(run["arguments"])
    started = date.fromisoformat(query(db, "SELECT started_at FROM runs WHERE id = 1")[0][0][:10])
    assert arguments["incremental"] is True
    assert arguments["since_used"] == (started - timedelta(days=overlap_days)).isoformat()
    assert (run["requests"], run["pages_fetched"], run["releases_new"]) == (sum(second.values()), 0, 0)
