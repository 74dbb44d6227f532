"""Deduplication and history end to end: two IOM sites, the Kazakhstan site "today" then
"tomorrow" (new, edited, removed, alias, tracking link, markup-only change), then an identical run."""

from __future__ import annotations

import sqlite3

import pytest
import yaml

from support.helpers import FIXTURES, KAZAKHSTAN, expected_body, load_golden, query, scrape, write_two_site_config

from support.fixture_server import FixtureServer

TODAY = load_golden()["releases"]
TOMORROW = yaml.safe_load((KAZAKHSTAN / "tomorrow.yaml").read_text(encoding="utf-8"))
GLOBAL = yaml.safe_load((FIXTURES / "global" / "releases.yaml").read_text(encoding="utf-8"))


def dump(db) -> dict[str, list[tuple]]:
    """The archive's content, without the times that every run moves (last_seen, fetched_at)."""
    conn = sqlite3.connect(db)
    try:
        return {
            "releases": conn.execute(
                "SELECT id, site, lang, url, title, published_date, dateline, body, content_hash, translation_group, "
                "duplicate_of, status, removed_on, first_seen, updated_at FROM releases ORDER BY id").fetchall(),
            "release_urls": conn.execute("SELECT url, release_id, first_seen FROM release_urls ORDER BY url").fetchall(),
            "release_versions": conn.execute("SELECT * FROM release_versions ORDER BY id").fetchall(),
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    directory = tmp_path_factory.mktemp("history")
    with FixtureServer(KAZAKHSTAN / "site") as kz, FixtureServer(FIXTURES / "global" / "site") as gl:
        config = write_two_site_config(directory, kz.base_url, gl.base_url,  # re-check every archived release each run
                                       revalidate_per_run=100, revalidate_every_days=0)
        runs = [scrape("run", "--config", str(config), "--since", "2021-01-01")]
        after_today = dump(directory / "archive.db")
        kz.root = KAZAKHSTAN / "tomorrow"
        runs.append(scrape("run", "--config", str(config), "--since", "2021-01-01"))
        after_tomorrow = dump(directory / "archive.db")
        runs.append(scrape("run", "--config", str(config), "--since", "2021-01-01"))
        after_third = dump(directory / "archive.db")
        kz_base, gl_base = kz.base_url, gl.base_url
    return {"runs": runs, "db": directory / "archive.db", "kz": kz_base, "global": gl_base,
            "today": after_today, "tomorrow": after_tomorrow, "third": after_third}


def release(history, site_base: str, path: str) -> dict:
    rows = query(history["db"], "SELECT * FROM releases WHERE url = ?", (site_base + path,))
    assert rows, f"{path} not archived"
    return dict(rows[0])


def test_all_three_runs_succeed(history):
    for result in history["runs"]:
        assert result.exit_code == 0, result.output


def test_today_every_release_once(history):
    assert len(history["today"]["releases"]) == len(TODAY) + len(GLOBAL["releases"])


def test_tomorrow_adds_only_the_new_releases(history):
    assert len(history["tomorrow"]["releases"]) == len(history["today"]["releases"]) + len(TOMORROW["new"])
    for new in TOMORROW["new"]:
        row = release(history, history["kz"], new["path"])
        assert row["title"] == new["title"] and row["body"] == expected_body(new["body"])
    assert "2 new" in history["runs"][1].output


def test_edited_release_has_two_versions_and_the_new_text_is_current(history):
    edited = TOMORROW["edited"]
    row = release(history, history["kz"], edited["path"])
    assert row["title"] == edited["title"] and row["body"] == expected_body(edited["body"])
    versions = query(history["db"], "SELECT version, title, body FROM release_versions WHERE release_id = ? "
                                    "ORDER BY version", (row["id"],))
    original = next(r for r in TODAY if r["path"] == edited["path"])
    assert [(v["title"], v["body"]) for v in versions] == [
        (original["title"], expected_body(original["body"])), (edited["title"], expected_body(edited["body"]))]


def test_markup_only_change_is_not_a_version(history):
    for path in TOMORROW["markup_only"]:
        row = release(history, history["kz"], path)
        assert query(history["db"], "SELECT count(*) FROM release_versions WHERE release_id = ?", (row["id"],))[0][0] == 1


def test_removed_release_is_kept_with_the_date_it_went_away(history):
    for path in TOMORROW["removed"]:
        row = release(history, history["kz"], path)
        assert row["status"] == "removed" and row["removed_on"] is not None
        assert row["body"]  # nothing lost
    assert query(history["db"], "SELECT releases_removed FROM runs ORDER BY id")[1][0] == len(TOMORROW["removed"])


def test_alias_and_tracking_urls_are_the_same_release(history):
    alias = TOMORROW["alias"]
    row = release(history, history["kz"], alias["path"])
    urls = {r["url"] for r in query(history["db"], "SELECT url FROM release_urls WHERE release_id = ?", (row["id"],))}
    assert history["kz"] + alias["url"] in urls
    tracking = TOMORROW["tracking"]
    tracked = release(history, history["kz"], tracking["path"])
    assert not query(history["db"], "SELECT url FROM release_urls WHERE url LIKE '%utm_%'")
    assert query(history["db"], "SELECT count(*) FROM releases WHERE url LIKE ?",
                 (history["kz"] + tracking["path"] + "%",))[0][0] == 1 and tracked["status"] == "live"


@pytest.mark.parametrize("cross_post", [r for r in GLOBAL["releases"] if r.get("cross_post_of")], ids=lambda r: r["path"])
def test_cross_posts_point_to_the_earliest_release(history, cross_post):
    copy = release(history, history["global"], cross_post["path"])
    original = release(history, history["kz"], cross_post["cross_post_of"]["path"])
    assert copy["duplicate_of"] == original["id"]
    assert original["duplicate_of"] is None


def test_releases_sharing_iom_boilerplate_are_not_duplicates(history):
    unrelated = [r["path"] for r in GLOBAL["releases"] if not r.get("cross_post_of")]
    for path in unrelated:
        assert release(history, history["global"], path)["duplicate_of"] is None
    assert query(history["db"], "SELECT count(*) FROM releases WHERE duplicate_of IS NOT NULL")[0][0] == 2


def test_translations_are_never_duplicates(history):
    rows = query(history["db"], "SELECT r.lang, d.lang AS original_lang FROM releases r JOIN releases d "
                                "ON d.id = r.duplicate_of")
    assert rows and all(row["lang"] == row["original_lang"] for row in rows)


def test_releases_unique_view_leaves_out_cross_posts(history):
    total = query(history["db"], "SELECT count(*) FROM releases")[0][0]
    assert query(history["db"], "SELECT count(*) FROM releases_unique")[0][0] == total - 2


def test_third_identical_run_changes_nothing(history):
    assert history["third"] == history["tomorrow"]
    assert "0 new, 0 updated" in history["runs"][2].output
