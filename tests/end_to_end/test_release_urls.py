"""Every URL that ever served a release is in ``release_urls``, with the first and the last night
it was seen (issue 12): each hop of a redirect chain (a release moved to a new address through an
intermediate redirect), a Drupal ``/node/N`` link, a link with tracking parameters (recorded under
its normalised form, the release's own URL), and, in tests/end_to_end/test_languages.py, the
untranslated-fallback URL."""

from __future__ import annotations

import time

import pytest
import yaml

from support.fixture_server import FixtureServer, Served, file_for
from support.helpers import KAZAKHSTAN, load_golden, query, scrape, write_config

TOMORROW = yaml.safe_load((KAZAKHSTAN / "tomorrow.yaml").read_text(encoding="utf-8"))
TOUCHED = {TOMORROW["alias"]["path"], TOMORROW["tracking"]["path"], TOMORROW["edited"]["path"],
           *TOMORROW["markup_only"], *TOMORROW["removed"]}
MOVED = next(r["path"] for r in load_golden()["releases"] if r["lang"] == "en" and r["path"] not in TOUCHED)
HOP = "/news/old-alias-of-a-moved-release"
NEW_HOME = MOVED + "-new-address"


def urls_of(db, release_id: int) -> dict[str, tuple[str, str]]:
    rows = query(db, "SELECT url, first_seen, last_seen FROM release_urls WHERE release_id = ?", (release_id,))
    return {row["url"]: (row["first_seen"], row["last_seen"]) for row in rows}


def run_of(db) -> list[str]:
    return [row[0] for row in query(db, "SELECT started_at FROM runs ORDER BY id")]


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    directory = tmp_path_factory.mktemp("release-urls")
    with FixtureServer(KAZAKHSTAN / "site") as site:
        base = site.base_url
        config = write_config(directory, base, revalidate_per_run=100)
        db = directory / "archive.db"
        runs = [scrape("run", "--config", str(config), "--since", "2021-01-01")]
        release_id = query(db, "SELECT id FROM releases WHERE url = ?", (base + MOVED,))[0][0]
        after = [urls_of(db, release_id)]
        # night 2: the next day's site; the release moved: its old URL redirects through an old
        # alias to its new address, which names itself canonical
        time.sleep(1.1)  # the archive's times are to the second: each night in a second of its own
        site.root = KAZAKHSTAN / "tomorrow"
        page = file_for(site.root, MOVED).read_bytes().replace(MOVED.encode(), NEW_HOME.encode())
        site.overrides[MOVED] = Served(301, "text/html", b"", {"Location": base + HOP})
        site.overrides[HOP] = Served(302, "text/html", b"", {"Location": NEW_HOME})
        site.overrides[NEW_HOME] = Served(200, "text/html; charset=utf-8", page.replace(b"__BASE__", base.encode()))
        # (--since: the listing walk reaches the older page whose teaser links to /node/N)
        runs.append(scrape("run", "--config", str(config), "--since", "2021-01-01"))
        after.append(urls_of(db, release_id))
        time.sleep(1.1)
        runs.append(scrape("run", "--config", str(config), "--since", "2021-01-01"))  # night 3: the same again
        after.append(urls_of(db, release_id))
    return {"runs": runs, "db": db, "base": base, "id": release_id, "after": after}


def test_every_night_succeeds(nights):
    assert [r.exit_code for r in nights["runs"]] == [0, 0, 0], [r.output for r in nights["runs"]]


def test_each_hop_of_a_redirect_chain_serves_the_moved_release(nights):
    base, night1, night2, night3 = nights["base"], *nights["after"]
    assert set(night1) >= {base + MOVED}
    assert set(night2) >= {base + MOVED, base + HOP, base + NEW_HOME}
    assert night2[base + MOVED][0] == night1[base + MOVED][0]  # first seen on night 1, kept
    for url in (base + HOP, base + NEW_HOME):
        assert night1.get(url) is None
        assert night2[url][0] == night2[url][1]  # first seen on night 2
        assert night3[url][0] == night2[url][0] and night3[url][1] > night2[url][1]  # seen again on night 3
    rows = query(nights["db"], "SELECT count(*), min(status), max(body <> '') FROM releases WHERE url IN (?, ?)",
                 (base + MOVED, base + NEW_HOME))
    assert tuple(rows[0]) == (1, "live", 1)  # one release, not a new one at the new address


def test_a_node_link_is_recorded_with_first_and_last_seen(nights):
    db, base = nights["db"], nights["base"]
    alias = TOMORROW["alias"]
    row = query(db, "SELECT r.url, u.first_seen, u.last_seen FROM release_urls u JOIN releases r ON r.id = u.release_id "
                    "WHERE u.url = ?", (base + alias["url"],))
    assert row and row[0]["url"] == base + alias["path"]
    assert row[0]["first_seen"] >= run_of(db)[1] and row[0]["last_seen"] >= row[0]["first_seen"]


def test_a_tracking_link_is_recorded_under_the_release_url(nights):
    db, base = nights["db"], nights["base"]
    tracking = TOMORROW["tracking"]
    assert not query(db, "SELECT url FROM release_urls WHERE url LIKE '%utm_%'")
    rows = query(db, "SELECT r.url FROM release_urls u JOIN releases r ON r.id = u.release_id WHERE u.url = ?",
                 (base + tracking["path"],))
    assert [row[0] for row in rows] == [base + tracking["path"]]
