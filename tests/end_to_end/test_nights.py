"""Five nights of two IOM sites (issue 12), as cron runs them (``scrape run``, no ``--since`` after
the first), with validators (ETag/Last-Modified, real 304s) and the revalidation sample taken on
the first night only (``revalidate_every_days: 7``), so every change is found from what the site
publishes (listings, sitemap ``<lastmod>``, URLs leaving the sitemap):

1. today's Kazakhstan site and the global site;
2. an outage: every Kazakhstan URL but robots.txt answers 503 (listings, sitemap, releases);
3. tomorrow's Kazakhstan site (``kazakhstan/tomorrow/``: two new releases, an edit, a release gone
   with a 404, a markup-only change, a ``/node/N`` alias and a tracking link), and three releases
   that leave its sitemap: one answers 410, one redirects to the news listing, one moved to a new
   address (its old URL redirects there, the sitemap lists the new one);
4. the same again: nothing changed;
5. the 410 release is back (in the sitemap and online).

The whole scenario runs twice, with the two sites in either order in the config: the archives
must tell the same story.
"""

from __future__ import annotations

import re
import sqlite3
import time

import pytest
from support.fixture_server import FIXTURES, FixtureServer, Served
from support.helpers import KAZAKHSTAN, query, scrape, write_two_site_config

TOMORROW = KAZAKHSTAN / "tomorrow"
GONE_410 = "/news/forum-adoption-separate-law-combating-human-trafficking-republic-kazakhstan-was-held-astana"  # 101
TO_LISTING = "/news/iom-trains-judges-and-prosecutors-victim-centred-approach-human-trafficking-cases"  # 103
MOVED = "/news/stranded-migrants-uzbekistan-and-tajikistan-receive-humanitarian-assistance-kazakhstan"  # 104
MOVED_TO = "/news/2021/stranded-migrants-receive-humanitarian-assistance-kazakhstan"
GONE_404 = "/news/iom-supports-reintegration-kazakhstani-citizens-returning-abroad"  # 108, absent from tomorrow
EDITED = "/news/police-officers-southern-kazakhstan-trained-identify-victims-human-trafficking"  # 107
NEW = ["/news/iom-hands-over-equipment-border-crossing-points-kazakhstan-kyrgyzstan-border",
       "/ru/news/v-kostanae-proshel-trening-dlya-sotsialnykh-rabotnikov-po-pomoshchi-postradavshim-ot-torgovli-lyudmi"]


def fixture_text(name: str, base: str) -> str:
    """A file of tomorrow's site as served (``news/….html``, ``sitemap.xml``)."""
    return (TOMORROW / name).read_text(encoding="utf-8").replace("__BASE__", base)


def sitemap(base: str, gone: list[str], added: list[str]) -> Served:
    """Tomorrow's sitemap without the ``<url>`` entries (and hreflang links) of ``gone``, with entries
    for ``added`` (``<lastmod>`` tomorrow's date)."""
    text = fixture_text("sitemap.xml", base)
    for path in gone:
        url = re.escape(base + path)
        text, count = re.subn(rf"\s*<url>\s*<loc>{url}</loc>.*?</url>", "", text, flags=re.DOTALL)
        assert count == 1, path
        text = re.sub(rf'\s*<xhtml:link [^>]*href="{url}"/>', "", text)
    entries = "".join(f"  <url>\n    <loc>{base + path}</loc>\n    <lastmod>2025-11-21</lastmod>\n  </url>\n"
                      for path in added)
    return Served(200, "application/xml", text.replace("</urlset>", entries + "</urlset>").encode("utf-8"))


def night_3(kz: FixtureServer, back: bool = False) -> None:
    """Tomorrow's site with a 410, a redirect to the listing and a moved release (``back``: the 410
    release is online and in the sitemap again)."""
    base = kz.base_url
    moved_page = fixture_text(MOVED.lstrip("/") + ".html", base).replace(base + MOVED + '"', base + MOVED_TO + '"')
    kz.overrides.clear()
    kz.overrides.update({
        "/sitemap.xml": sitemap(base, [TO_LISTING, MOVED] + ([] if back else [GONE_410]), [MOVED_TO]),
        TO_LISTING: Served(301, "text/html", b"", {"Location": f"{base}/news"}),
        MOVED: Served(301, "text/html", b"", {"Location": base + MOVED_TO}),
        MOVED_TO: Served(200, "text/html; charset=utf-8", moved_page.encode("utf-8")),
    })
    if not back:
        kz.overrides[GONE_410] = Served(410, "text/html", b"<html><body><h1>Gone</h1></body></html>")


def dump(db) -> dict[str, list[tuple]]:
    """Every table of the archive but ``runs``, row by row (full-text and dedup tables included)."""
    conn = sqlite3.connect(db)
    try:
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('runs', 'sqlite_sequence') "
            "ORDER BY name")]
        return {name: conn.execute(f"SELECT * FROM [{name}] ORDER BY 1").fetchall() for name in names}
    finally:
        conn.close()


def story(db, bases: dict[str, str]) -> dict[str, tuple]:
    """What the archive says of each release, by address (ids and timestamps depend on the order)."""
    def path(url: str | None) -> str | None:
        for key, base in bases.items():
            if url and url.startswith(base):
                return key + url[len(base):]
        return url
    rows = query(db, """SELECT r.url, r.status, r.removed_on IS NOT NULL AS removed, r.title, r.published_date,
                               (SELECT url FROM releases o WHERE o.id = r.duplicate_of) AS original,
                               (SELECT group_concat(coalesce(v.changed, 'new') || ':' || v.cause, ' ') FROM
                                  (SELECT * FROM release_versions WHERE release_id = r.id ORDER BY version) v) AS versions,
                               (SELECT group_concat(u.url, ' ') FROM
                                  (SELECT url FROM release_urls WHERE release_id = r.id ORDER BY url) u) AS urls
                        FROM releases r""")
    return {path(row["url"]): (row["status"], row["removed"], row["title"], row["published_date"],
                               path(row["original"]), row["versions"],
                               " ".join(sorted(path(u) for u in row["urls"].split()))) for row in rows}


def five_nights(directory, reverse: bool) -> dict:
    with FixtureServer(KAZAKHSTAN / "site", validators=True) as kz, \
            FixtureServer(FIXTURES / "global" / "site", validators=True) as gl:
        config = str(write_two_site_config(directory, kz.base_url, gl.base_url, reverse, revalidate_every_days=7))
        db = directory / "archive.db"
        runs, dumps, statuses = [], [], []

        def night(second_apart: bool = False) -> None:
            if second_apart:
                time.sleep(1.05)  # timestamps have a resolution of a second: this night gets its own
            kz.reset()
            runs.append(scrape("run", "--config", config, *(["--since", "2021-01-01"] if not runs else [])))
            dumps.append(dump(db))
            statuses.append({r.path: r.status for r in kz.requests})

        night()
        kz.inject(rate=1.0, kinds=("503",), max_per_url=10**6, exclude={"/robots.txt"})
        night()
        kz.clear_faults()
        kz.root = TOMORROW
        night_3(kz)
        night()
        night(second_apart=True)  # unchanged: anything it wrote would show as another timestamp
        night_3(kz, back=True)
        night()
        bases = {"kz": kz.base_url, "global": gl.base_url}
    return {"runs": runs, "dumps": dumps, "statuses": statuses, "db": db, "bases": bases,
            "story": story(db, bases)}


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    return five_nights(tmp_path_factory.mktemp("nights"), reverse=False)


def state(nights, path: str) -> tuple:
    return nights["story"]["kz" + path][:2]


def test_every_night_but_the_outage_succeeds(nights):
    assert [run.exit_code for run in nights["runs"]] == [0, 3, 0, 0, 0], [run.output for run in nights["runs"]]


def test_the_outage_night_changes_nothing_but_its_run(nights):
    statuses = nights["statuses"][1]
    assert statuses.pop("/robots.txt") == 304 and set(statuses.values()) == {503}
    assert {"/news", "/ru/news", "/kk/news", "/sitemap.xml"} <= set(statuses)
    assert nights["dumps"][1] == nights["dumps"][0]


def test_new_releases_of_the_next_night_are_archived(nights):
    for path in NEW:
        assert nights["story"]["kz" + path][0] == "live"
        assert nights["story"]["kz" + path][5] == "new:site"


def test_the_edit_is_a_version_saying_what_changed(nights):
    assert nights["story"]["kz" + EDITED][5] == "new:site title,body:site"


@pytest.mark.parametrize("path", [GONE_404, GONE_410, TO_LISTING], ids=["404", "410", "redirect-to-listing"])
def test_removals_keep_the_release_with_its_text(nights, path):
    removed = [row for row in nights["dumps"][2]["releases"] if row[3] == nights["bases"]["kz"] + path]
    assert removed and removed[0][4] and removed[0][7]  # title and body kept
    if path != GONE_410:  # the 410 release is back on night 5
        assert state(nights, path) == ("removed", 1)


def test_a_removed_release_that_comes_back_is_live_with_its_history(nights):
    assert state(nights, GONE_410) == ("live", 0)
    assert nights["story"]["kz" + GONE_410][5] == "new:site"
    assert nights["statuses"][4].get(GONE_410) == 200


def test_a_moved_release_is_one_release_under_both_addresses(nights):
    moved = nights["story"]["kz" + MOVED]
    assert moved[:2] == ("live", 0) and moved[5] == "new:site"
    assert {"kz" + MOVED, "kz" + MOVED_TO} <= set(moved[6].split())
    assert "kz" + MOVED_TO not in nights["story"]  # not a release of its own


def test_the_unchanged_night_leaves_every_table_but_runs_byte_for_byte_identical(nights):
    third, fourth = nights["dumps"][2], nights["dumps"][3]
    assert third.keys() == fourth.keys()
    assert {name for name in third if third[name] != fourth[name]} == set()


def test_the_unchanged_night_requests_no_release_page(nights):
    assert not [path for path in nights["statuses"][3] if "/news/" in path]


def test_the_unchanged_night_costs_at_most_two_requests_per_site_language_plus_robots(nights):
    requests = [row[0] for row in query(nights["db"], "SELECT requests FROM runs ORDER BY id")]
    assert requests[3] <= 2 * 4 + 2  # kazakhstan en/ru/kk and global en; two hosts


def test_the_story_is_the_same_whichever_site_is_read_first(nights, tmp_path):
    reversed_order = five_nights(tmp_path, reverse=True)
    assert [run.exit_code for run in reversed_order["runs"]] == [0, 3, 0, 0, 0]
    assert reversed_order["story"] == nights["story"]
