"""Conditional requests for discovery (issue 12): robots.txt, the listing pages and the sitemap are
kept with their validators (``kept_responses``) and asked for with If-None-Match /
If-Modified-Since; the fixture server answers 304 for real. An unchanged night then costs at most
2 requests per site-language plus one robots.txt per host, 304s included, when the revalidation
sample is not due; a changed listing is downloaded again and its new releases are found."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from archive import schema
from archive.store import Archive
from support.archive_checks import request_kind
from support.fixture_server import FixtureServer
from support.helpers import KAZAKHSTAN, query, scrape, write_config

LANGS = 3


def discovery(requests) -> list[tuple[str, int | None, bool]]:
    """(kind, status, conditional) of every robots.txt, listing and sitemap request."""
    return [(request_kind(r.path, r.status, r.fault), r.status,
             "if-none-match" in {k.lower() for k in r.headers} or "if-modified-since" in {k.lower() for k in r.headers})
            for r in requests if request_kind(r.path, r.status, r.fault) in ("robots", "listing", "sitemap")]


def tables(db) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return {name: conn.execute(f"SELECT * FROM [{name}]").fetchall()
                for name in ("releases", "release_urls", "release_versions", "kept_responses")}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    directory = tmp_path_factory.mktemp("conditional")
    with FixtureServer(KAZAKHSTAN / "site", validators=True) as site:
        config = write_config(directory, site.base_url, revalidate_every_days=7)
        db = directory / "archive.db"
        first = scrape("run", "--config", str(config))
        first_requests = list(site.requests)
        before = tables(db)
        site.reset()
        unchanged = scrape("run", "--config", str(config))  # the sample ran last night: not due
        unchanged_requests = list(site.requests)
        after = tables(db)
        site.reset()
        site.root = KAZAKHSTAN / "tomorrow"  # the next day: the listings and the sitemap changed
        changed = scrape("run", "--config", str(config))
        changed_requests = list(site.requests)
        new = query(db, "SELECT count(*) FROM releases")[0][0] - len(before["releases"])
    return {"runs": [first, unchanged, changed], "first": first_requests, "unchanged": unchanged_requests,
            "changed": changed_requests, "before": before, "after": after, "new": new, "db": db}


def test_every_night_succeeds(nights):
    assert [r.exit_code for r in nights["runs"]] == [0, 0, 0], [r.output for r in nights["runs"]]


def test_the_first_night_keeps_robots_listings_and_sitemap_with_their_validators(nights):
    kept = nights["before"]["kept_responses"]
    assert {request_kind("/" + url.split("/", 3)[3], 200) for url, *_ in kept} == {"robots", "listing", "sitemap"}
    assert all(etag and modified for _, etag, modified, *_ in kept)
    assert not any(conditional for *_, conditional in discovery(nights["first"]))


def test_an_unchanged_night_asks_conditionally_and_gets_304s(nights):
    asked = discovery(nights["unchanged"])
    assert asked and all(status == 304 and conditional for _, status, conditional in asked)


def test_an_unchanged_night_costs_at_most_two_requests_per_site_language_plus_robots(nights):
    assert len(nights["unchanged"]) <= 2 * LANGS + 1
    assert [r.path for r in nights["unchanged"]].count("/robots.txt") == 1


def test_an_unchanged_night_changes_no_archive_table(nights):
    assert nights["after"] == nights["before"]


def test_a_changed_listing_is_downloaded_and_its_new_releases_found(nights):
    statuses = {(kind, status) for kind, status, _ in discovery(nights["changed"])}
    assert ("listing", 200) in statuses and ("sitemap", 200) in statuses
    assert nights["new"] == 2  # the two new releases of tomorrow's site


def test_migration_5_adds_kept_responses_to_a_version_4_archive_losing_nothing(tmp_path, monkeypatch):
    path = tmp_path / "v4.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:4])
    with Archive(path) as old, old.transaction():
        old.db.execute("""INSERT INTO releases (site, lang, url, title, body, content_hash, first_seen, last_seen)
                          VALUES ('kz', 'en', 'https://example.org/news/a', 'T', 'B', 'h', 'then', 'then')""")
    monkeypatch.undo()
    with Archive(path) as upgraded:
        assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS) >= 5
        assert upgraded.db.execute("SELECT url, title, body FROM releases").fetchall() == [
            ("https://example.org/news/a", "T", "B")]
        assert upgraded.kept_responses() == {}
    fresh = sqlite_utils.Database(tmp_path / "fresh.db")
    schema.migrate(fresh)
    assert [c.name for c in fresh["kept_responses"].columns] == [
        c.name for c in sqlite_utils.Database(path)["kept_responses"].columns]
