"""``scrape recover --site KEY [--from DATE]`` (issue 15, item 3) against a local web archive
(tests/support/cdx_server.py: a CDX API and ``id_`` raw captures, as the Wayback Machine answers):
releases the live site lost are archived as ``recovered`` with the capture's timestamp; an archived
release gains a capture as an earlier version only when its text differs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from support.cdx_server import Capture, CdxServer
from support.fixture_server import FixtureServer
from support.helpers import KAZAKHSTAN, expected_body, load_golden, query, scrape, write_config

GOLDEN = load_golden()["releases"]
BASE = "https://kazakhstan.iom.int"  # the live site is never asked: only the web archive is
EN = next(r for r in GOLDEN if r["lang"] == "en" and r["template"] == "current" and str(r["date"]) >= "2023-01-01")
RU = next(r for r in GOLDEN if r["lang"] == "ru" and r["template"] == "classic")
EARLIER = "An earlier wording of the release, as the site had it then, with enough words in it to read as a paragraph."


def page(path: str, base: str = BASE) -> bytes:
    return (KAZAKHSTAN / "site" / (path.strip("/") + ".html")).read_text(encoding="utf-8").replace(
        "__BASE__", base).encode("utf-8")


def edited(path: str, base: str) -> bytes:
    opening = b"<p><strong>Almaty</strong>"
    body = page(path, base)
    assert body.count(opening) == 1
    return body.replace(opening, f"<p>{EARLIER}</p>".encode() + opening)


def config_for(tmp_path, base: str, archive: CdxServer, **settings):
    return write_config(tmp_path, base, cdx_api=archive.cdx_api, capture_url=archive.capture_url, **settings)


def releases(db) -> dict[str, dict]:
    return {row["url"]: dict(row) for row in query(db, "SELECT url, title, body, source, captured_at FROM releases")}


def test_releases_the_live_site_lost_are_recovered_with_their_capture_time(tmp_path):
    captures = [
        Capture("20190501100000", BASE + EN["path"], page(EN["path"])),
        Capture("20190601100000", BASE + EN["path"], page(EN["path"])),  # the same bytes: collapsed by digest
        Capture("20180302081500", BASE + RU["path"], page(RU["path"])),
        Capture("20190501095900", BASE + "/news", page("/news")),  # a listing page: not a release
        Capture("20190701000000", BASE + "/news/gone-for-good", b"<p>Not found</p>", status=404),
    ]
    with CdxServer(captures) as archive:
        result = scrape("recover", "--config", str(config_for(tmp_path, BASE, archive)), "--site", "kazakhstan")
    assert result.exit_code == 0, result.output
    stored = releases(tmp_path / "archive.db")
    assert set(stored) == {BASE + EN["path"], BASE + RU["path"]}
    assert stored[BASE + EN["path"]]["body"] == expected_body(EN["body"])
    assert stored[BASE + EN["path"]]["source"] == "recovered"
    assert stored[BASE + EN["path"]]["captured_at"] == "2019-05-01T10:00:00+00:00"  # the first of the two
    assert stored[BASE + RU["path"]]["captured_at"] == "2018-03-02T08:15:00+00:00"
    urls = query(tmp_path / "archive.db", "SELECT DISTINCT source FROM release_urls")
    assert [row[0] for row in urls] == ["recovered"]
    # one CDX query in the real API's form, then each capture read raw (id_), politely (robots.txt first)
    cdx = [urlsplit(path) for path in archive.requests if path.startswith("/cdx/")]
    assert len(cdx) == 1
    asked = parse_qs(cdx[0].query)
    assert asked["url"] == ["kazakhstan.iom.int/"] and asked["matchType"] == ["prefix"]
    assert asked["output"] == ["json"] and asked["collapse"] == ["digest"]
    assert set(asked["filter"]) == {"statuscode:200", "mimetype:text/html"}
    read = [path for path in archive.requests if path.startswith("/web/")]
    assert sorted(read) == sorted([f"/web/20190501100000id_/{BASE}{EN['path']}",
                                   f"/web/20180302081500id_/{BASE}{RU['path']}"])
    assert archive.requests[0] == "/robots.txt"
    # every exchange is in the archive's WARC files; the recovered pages point at their capture's record
    pages = query(tmp_path / "archive.db", "SELECT url, raw_html, warc_file, fetched_at FROM pages ORDER BY url")
    assert [p["url"] for p in pages] == sorted(stored) and all(p["warc_file"] and p["raw_html"] is None for p in pages)
    assert {p["fetched_at"] for p in pages} == {"2019-05-01T10:00:00+00:00", "2018-03-02T08:15:00+00:00"}
    uris = set()
    for path in (tmp_path / "archive.warc").glob("*.warc.gz"):
        with open(path, "rb") as stream:
            uris |= {r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream)
                     if r.rec_type == "response"}
    assert archive.base_url + f"/web/20190501100000id_/{BASE}{EN['path']}" in uris
    assert any("/cdx/search/cdx?" in uri for uri in uris)
    assert scrape("reextract", "--config", str(config_for(tmp_path, BASE, archive))).exit_code == 0
    assert releases(tmp_path / "archive.db") == stored  # re-read from the WARC, the provenance kept
    assert "2 of release pages read: 2 new releases" in result.output


@pytest.fixture
def live(tmp_path):
    with FixtureServer(KAZAKHSTAN / "site") as site:
        assert scrape("run", "--config", str(write_config(tmp_path, site.base_url)), "--since", "2023-01-01").exit_code == 0
        yield site


def test_an_archived_release_gains_a_capture_as_an_earlier_version_only_when_its_text_differs(live, tmp_path):
    url = live.base_url + EN["path"]
    db = tmp_path / "archive.db"
    before = releases(db)
    captures = [Capture("20230601000000", url, edited(EN["path"], live.base_url)),
                Capture("20230701000000", url, page(EN["path"], live.base_url)),  # what the archive has
                Capture("20230101000000", live.base_url + RU["path"], page(RU["path"], live.base_url))]
    with CdxServer(captures) as archive:
        config = config_for(tmp_path, live.base_url, archive)
        result = scrape("recover", "--config", str(config), "--site", "kazakhstan")
        assert result.exit_code == 0, result.output
        assert releases(db) == {**before, **{u: r for u, r in releases(db).items() if u not in before}}
        versions = [dict(row) for row in query(db, "SELECT version, body, source, captured_at FROM release_versions "
                                                   "WHERE release_id = (SELECT id FROM releases WHERE url = ?) "
                                                   "ORDER BY version", (url,))]
        assert [(v["source"], v["captured_at"]) for v in versions] == [
            ("recovered", "2023-06-01T00:00:00+00:00"), ("live", None)]
        assert versions[0]["body"].startswith(EARLIER)
        assert "1 earlier versions" in result.output
        # recovering again adds nothing; --from leaves the older captures unread
        archive.requests.clear()
        again = scrape("recover", "--config", str(config), "--site", "kazakhstan", "--from", "2023-06-15")
        assert again.exit_code == 0, again.output
        assert [p for p in archive.requests if p.startswith("/web/")] == [f"/web/20230701000000id_/{url}"]
    assert query(db, "SELECT count(*) FROM release_versions WHERE release_id = (SELECT id FROM releases WHERE url = ?)",
                 (url,))[0][0] == 2


def test_a_web_archive_that_cannot_be_asked_is_a_clear_error_and_nothing_changes(tmp_path):
    with CdxServer([Capture("20190501100000", BASE + EN["path"], page(EN["path"]))]) as archive:
        archive.down = True
        result = scrape("recover", "--config", str(config_for(tmp_path, BASE, archive, retries=0)), "--site",
                        "kazakhstan")
    assert result.exit_code == 4, result.output
    assert "cannot ask the web archive" in result.output or "answered HTTP 503" in result.output
    assert "Traceback" not in result.output
    assert query(tmp_path / "archive.db", "SELECT count(*) FROM releases")[0][0] == 0


def test_recover_needs_a_site(tmp_path):
    with CdxServer([]) as archive:
        result = scrape("recover", "--config", str(config_for(tmp_path, BASE, archive)))
    assert result.exit_code == 2 and "--site" in result.output
