"""The operator's scenario of issue 12: a first run with ``--since``, then plain nightly runs (no
``--since``, as cron runs them) on the next night's copy of two IOM sites."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml

from support.fixture_server import FixtureServer
from support.helpers import FIXTURES, KAZAKHSTAN, query, scrape, write_two_site_config

TOMORROW = yaml.safe_load((KAZAKHSTAN / "tomorrow.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nightly(tmp_path_factory):
    """Night 1 with ``--since``; night 2 and 3 plain, on tomorrow's Kazakhstan site.

    The fixture releases are dated 2025, long before the incremental window of a run made today
    (last run minus ``overlap_days``): every new release of tomorrow is "dated before the window"."""
    directory = tmp_path_factory.mktemp("nightly")
    with FixtureServer(KAZAKHSTAN / "site") as kz, FixtureServer(FIXTURES / "global" / "site") as gl:
        config = write_two_site_config(directory, kz.base_url, gl.base_url)
        runs = [scrape("run", "--config", str(config), "--since", "2021-01-01")]
        kz.root = KAZAKHSTAN / "tomorrow"
        runs.append(scrape("run", "--config", str(config)))
        runs.append(scrape("run", "--config", str(config)))
        base = kz.base_url
    return {"runs": runs, "db": directory / "archive.db", "kz": base}


def test_every_night_succeeds(nightly):
    for result in nightly["runs"]:
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("new", TOMORROW["new"], ids=lambda new: new["lang"])
def test_plain_nightly_run_collects_new_releases_dated_before_its_window(nightly, new):
    rows = query(nightly["db"], "SELECT title, status FROM releases WHERE url = ?", (nightly["kz"] + new["path"],))
    assert [tuple(row) for row in rows] == [(new["title"], "live")]


def test_no_new_release_is_skipped_as_older(nightly):
    assert [row[0] for row in query(nightly["db"], "SELECT releases_skipped FROM runs ORDER BY id")][1:] == [0, 0]


def test_an_explicit_since_still_leaves_out_new_releases_dated_before_it(tmp_path):
    with FixtureServer(KAZAKHSTAN / "site") as kz, FixtureServer(FIXTURES / "global" / "site") as gl:
        config = write_two_site_config(tmp_path, kz.base_url, gl.base_url)
        assert scrape("run", "--config", str(config), "--since", "2021-01-01").exit_code == 0
        kz.root = KAZAKHSTAN / "tomorrow"
        later = TOMORROW["changed"] + timedelta(days=1)
        assert scrape("run", "--config", str(config), "--since", later.isoformat()).exit_code == 0
        urls = [kz.base_url + new["path"] for new in TOMORROW["new"]]
    archived = query(tmp_path / "archive.db", f"SELECT url FROM releases WHERE url IN ({', '.join('?' for _ in urls)})",
                     tuple(urls))
    assert archived == []


def release(nightly, path: str) -> dict:
    rows = query(nightly["db"], "SELECT * FROM releases WHERE url = ?", (nightly["kz"] + path,))
    assert rows, f"{path} not archived"
    return dict(rows[0])


def test_no_revalidation_sample_within_a_day_of_the_last(nightly):
    """revalidate_every_days (default 1): nights 2 and 3 run minutes after night 1, so what they find
    changed comes from what the site publishes (sitemap <lastmod>, URLs gone from the sitemap)."""
    import json
    revalidated = [json.loads(row[0])["revalidated"] for row in query(nightly["db"], "SELECT arguments FROM runs ORDER BY id")]
    assert revalidated == [True, False, False]


def test_an_edit_signalled_by_the_sitemap_lastmod_becomes_a_version(nightly):
    row = release(nightly, TOMORROW["edited"]["path"])
    assert row["title"] == TOMORROW["edited"]["title"]
    versions = query(nightly["db"], "SELECT version, cause FROM release_versions WHERE release_id = ? ORDER BY version",
                     (row["id"],))
    assert [tuple(v) for v in versions] == [(1, "site"), (2, "site")]


def test_a_release_gone_from_the_sitemap_and_listings_is_checked_at_once_and_marked_removed(nightly):
    for path in TOMORROW["removed"]:
        row = release(nightly, path)
        assert (row["status"], bool(row["removed_on"]), bool(row["body"])) == ("removed", True, True)


def test_the_third_night_changes_no_release(nightly):
    counts = query(nightly["db"], "SELECT releases_new, releases_updated, releases_removed FROM runs ORDER BY id")
    assert tuple(counts[2]) == (0, 0, 0)
