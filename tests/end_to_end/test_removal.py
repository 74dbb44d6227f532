"""Removal (issue 12): 404, 410 and a redirect to a listing or home page mark a release removed,
keeping its text and versions; it is live again when it comes back; an outage removes nothing."""

from __future__ import annotations

import pytest

from support.fixture_server import FixtureServer, Served
from support.helpers import KAZAKHSTAN, load_golden, query, scrape, write_config

RELEASES = [r for r in load_golden()["releases"] if r["lang"] == "en"]
GONE_410, TO_LISTING, TO_HOME = (r["path"] for r in RELEASES[:3])


def state(db, base: str, path: str) -> tuple:
    row = query(db, "SELECT status, removed_on IS NOT NULL, length(body) > 0, "
                    "(SELECT count(*) FROM release_versions v WHERE v.release_id = releases.id) "
                    "FROM releases WHERE url = ?", (base + path,))
    return tuple(row[0])


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    directory = tmp_path_factory.mktemp("removal")
    with FixtureServer(KAZAKHSTAN / "site") as site:
        config = write_config(directory, site.base_url, revalidate_per_run=100)
        runs = [scrape("run", "--config", str(config), "--since", "2021-01-01")]
        db, base = directory / "archive.db", site.base_url
        for path in (r["path"] for r in RELEASES):  # night 2: a site-wide outage on every release page
            site.fault(path, "503", times=None)
        runs.append(scrape("run", "--config", str(config)))
        outage = {path: state(db, base, path) for path in (GONE_410, TO_LISTING, TO_HOME)}
        site.clear_faults()
        site.overrides[GONE_410] = Served(410, "text/html", b"<html><body>Gone</body></html>")
        site.overrides[TO_LISTING] = Served(301, "text/html", b"", {"Location": f"{base}/news"})
        site.overrides[TO_HOME] = Served(302, "text/html", b"", {"Location": "/"})
        runs.append(scrape("run", "--config", str(config)))
        removed = {path: state(db, base, path) for path in (GONE_410, TO_LISTING, TO_HOME)}
        site.overrides.clear()  # night 4: they are back
        runs.append(scrape("run", "--config", str(config)))
        back = {path: state(db, base, path) for path in (GONE_410, TO_LISTING, TO_HOME)}
    return {"runs": runs, "outage": outage, "removed": removed, "back": back, "db": db}


def test_the_outage_night_fails_and_removes_nothing(nights):
    assert nights["runs"][1].exit_code == 3
    assert set(nights["outage"].values()) == {("live", 0, 1, 1)}


@pytest.mark.parametrize("path", [GONE_410, TO_LISTING, TO_HOME], ids=["410", "to-listing", "to-home"])
def test_gone_or_redirected_to_an_index_page_is_removed_with_its_text(nights, path):
    assert nights["runs"][2].exit_code == 0, nights["runs"][2].output
    assert nights["removed"][path] == ("removed", 1, 1, 1)


@pytest.mark.parametrize("path", [GONE_410, TO_LISTING, TO_HOME], ids=["410", "to-listing", "to-home"])
def test_a_removed_release_that_comes_back_is_live_with_its_history(nights, path):
    assert nights["back"][path] == ("live", 0, 1, 1)


def test_status_counts_the_removals(nights):
    assert [row[0] for row in query(nights["db"], "SELECT releases_removed FROM runs ORDER BY id")] == [0, 0, 3, 0]
