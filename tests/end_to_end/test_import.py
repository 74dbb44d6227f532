"""``scrape import PATH...`` (issue 15, item 2): releases from WARC files, ours or anyone's, through the
same extraction, cleaning and dedupe as a run, each release, URL and version marked with where it
came from (``source = 'warc'``) and when it was captured."""

from __future__ import annotations

import io
import shutil

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from support.fixture_server import FixtureServer
from support.helpers import KAZAKHSTAN, expected_body, load_golden, query, scrape, write_config

GOLDEN = load_golden()["releases"]
BASE = "https://kazakhstan.iom.int"  # never contacted: an import makes no request
SINCE = "2023-01-01"
RECENT = [r for r in GOLDEN if str(r["date"]) >= SINCE]
EN = next(r for r in GOLDEN if r["lang"] == "en" and r["template"] == "current" and str(r["date"]) >= SINCE)
OTHER = next(r for r in GOLDEN if r["lang"] == "ru" and r["template"] == "classic")


def fixture_page(path: str, base: str = BASE) -> bytes:
    """The fixture site's page at ``path`` as the site serves it at ``base``."""
    name = path.strip("/") + ".html"
    return (KAZAKHSTAN / "site" / name).read_text(encoding="utf-8").replace("__BASE__", base).encode("utf-8")


def foreign_warc(path, records: list[tuple], gzipped: bool = True) -> list[int]:
    """A WARC file written by warcio directly, as another tool would: ``(url, status, headers, body, date)``
    response records; ``("revisit", url, date)`` for a revisit record. Returns each record's offset."""
    offsets = []
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=gzipped)
        for record in records:
            offsets.append(stream.tell())
            if record[0] == "revisit":
                _, url, date = record
                writer.write_record(writer.create_revisit_record(url, "sha1:AAAA", url, date))
                continue
            url, status, headers, body, date = record
            http = StatusAndHeaders(f"{status} {'OK' if status == 200 else 'Moved Permanently'}", headers,
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=http, warc_headers_dict={"WARC-Date": date}))
    return offsets


def html(body: bytes, **extra: str) -> list[tuple[str, str]]:
    return [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))), *extra.items()]


def config_for(tmp_path, base: str = BASE, **settings):
    return write_config(tmp_path, base, **settings)


def releases(db, columns: str = "url, title, body, published_date, source, captured_at") -> list[dict]:
    return [dict(row) for row in query(db, f"SELECT {columns} FROM releases ORDER BY url")]


def test_a_run_s_own_warc_files_rebuild_its_releases_in_another_archive(tmp_path):
    with FixtureServer(KAZAKHSTAN / "site") as site:
        live = tmp_path / "live"
        live.mkdir()
        assert scrape("run", "--config", str(write_config(live, site.base_url)), "--since", SINCE).exit_code == 0
        site.requests.clear()
        rebuilt = tmp_path / "rebuilt"
        rebuilt.mkdir()
        config = write_config(rebuilt, site.base_url)
        result = scrape("import", "--config", str(config), *map(str, sorted((live / "archive.warc").glob("*.gz"))))
        assert result.exit_code == 0, result.output
        assert site.requests == []  # no network
    fields = "url, title, body, published_date, lang, translation_group"
    assert releases(rebuilt / "archive.db", fields) == releases(live / "archive.db", fields)
    assert len(releases(rebuilt / "archive.db")) == len(RECENT)
    captured = {row["url"]: row["fetched_at"] for row in query(live / "archive.db", "SELECT url, fetched_at FROM pages")}
    for row in releases(rebuilt / "archive.db"):
        assert row["source"] == "warc"
        assert row["captured_at"][:16] == captured[row["url"]][:16]  # the capture's WARC-Date
    urls = query(rebuilt / "archive.db", "SELECT DISTINCT source FROM release_urls")
    assert [row[0] for row in urls] == ["warc"]
    versions = query(rebuilt / "archive.db", "SELECT DISTINCT source, captured_at IS NOT NULL FROM release_versions")
    assert [tuple(row) for row in versions] == [("warc", 1)]
    assert f"{len(RECENT)} new releases" in result.output


def test_a_warc_written_by_another_tool_is_imported_with_its_capture_time(tmp_path):
    en_page = fixture_page(EN["path"])
    warc = tmp_path / "crawl.warc.gz"
    foreign_warc(warc, [
        (BASE + "/node/" + str(EN["node"]), 301, [("Location", EN["path"]), ("Content-Length", "0")], b"",
         "2019-05-01T10:00:00Z"),
        (BASE + EN["path"], 200, html(en_page, ETag='"abc"'), en_page, "2019-05-01T10:00:05Z"),
        (BASE + OTHER["path"], 200, html(fixture_page(OTHER["path"])), fixture_page(OTHER["path"]),
         "2019-05-02T08:30:00.123456Z"),
        ("https://www.example.org/news/elsewhere", 200, html(b"<p>x</p>"), b"<p>x</p>", "2019-05-02T09:00:00Z"),
        ("revisit", BASE + EN["path"], "2019-06-01T00:00:00Z"),
        (BASE + "/news", 200, html(fixture_page("/news")), fixture_page("/news"), "2019-05-01T09:59:00Z"),
    ])
    result = scrape("import", "--config", str(config_for(tmp_path)), str(warc))
    assert result.exit_code == 0, result.output
    db = tmp_path / "archive.db"
    stored = {row["url"]: row for row in releases(db)}
    assert set(stored) == {BASE + EN["path"], BASE + OTHER["path"]}  # the listing page is not a release
    assert stored[BASE + EN["path"]]["body"] == expected_body(EN["body"])
    assert stored[BASE + EN["path"]]["captured_at"] == "2019-05-01T10:00:05+00:00"
    assert stored[BASE + OTHER["path"]]["captured_at"] == "2019-05-02T08:30:00+00:00"
    assert {row["source"] for row in stored.values()} == {"warc"}
    urls = {row["url"]: dict(row) for row in query(db, "SELECT url, source, captured_at, release_id FROM release_urls")}
    old = urls[BASE + "/node/" + str(EN["node"])]  # the redirect captured in the file leads to the release
    assert old["source"] == "warc" and old["release_id"] == urls[BASE + EN["path"]]["release_id"]
    assert "www.example.org (1 records)" in result.output
    # the captures are kept as pages, so re-extraction reads them again and the provenance stays
    assert scrape("reextract", "--config", str(config_for(tmp_path))).exit_code == 0
    assert releases(db) == sorted(stored.values(), key=lambda row: row["url"])


@pytest.fixture
def live_archive(tmp_path):
    """A live run of the fixture site served at BASE's path layout on 127.0.0.1, and its config."""
    with FixtureServer(KAZAKHSTAN / "site") as site:
        config = write_config(tmp_path, site.base_url)
        assert scrape("run", "--config", str(config), "--since", SINCE).exit_code == 0
        yield site, config, tmp_path / "archive.db"


EARLIER = "An earlier wording of the release, as the site had it then, with enough words in it to read as a paragraph."


def edited_capture(site, path: str, date: str, tmp_path, name: str) -> str:
    """A capture of the live page at ``path`` whose body opens with another paragraph."""
    page = fixture_page(path, site.base_url)
    opening = b"<p><strong>Almaty</strong>"
    assert page.count(opening) == 1
    edited = page.replace(opening, f"<p>{EARLIER}</p>".encode() + opening)
    warc = tmp_path / name
    foreign_warc(warc, [(site.base_url + path, 200, html(edited), edited, date)], gzipped=False)
    return str(warc)


def test_an_older_capture_of_an_archived_release_is_an_earlier_version_only_when_its_text_differs(live_archive,
                                                                                                tmp_path):
    site, config, db = live_archive
    url = site.base_url + EN["path"]
    before = releases(db)
    (release_id,) = query(db, "SELECT id FROM releases WHERE url = ?", (url,))[0]
    page_before = query(db, "SELECT fetched_at, warc_file FROM pages WHERE url = ?", (url,))[0]
    same = tmp_path / "same.warc"
    foreign_warc(same, [(url, 200, html(fixture_page(EN["path"], site.base_url)),
                         fixture_page(EN["path"], site.base_url), "2019-01-01T00:00:00Z")], gzipped=False)
    older = edited_capture(site, EN["path"], "2019-03-01T12:00:00Z", tmp_path, "older.warc")
    result = scrape("import", "--config", str(config), str(same), older)
    assert result.exit_code == 0, result.output
    assert "1 earlier versions" in result.output and "1 unchanged" in result.output
    assert releases(db) == before  # the current texts stay those of the live site
    versions = [dict(row) for row in query(db, "SELECT version, body, seen_at, source, captured_at, changed "
                                               "FROM release_versions "
                                               "WHERE release_id = ? ORDER BY version", (release_id,))]
    assert [v["source"] for v in versions] == ["warc", "live"]
    assert [v["changed"] for v in versions] == [None, "body"]  # the live text now follows the capture
    assert versions[0]["seen_at"] == versions[0]["captured_at"] == "2019-03-01T12:00:00+00:00"
    assert versions[0]["body"].startswith(EARLIER)
    assert versions[1]["body"] == before[[r["url"] for r in before].index(url)]["body"]
    # the live page stays the stored page (a capture never replaces it)
    assert dict(query(db, "SELECT fetched_at, warc_file FROM pages WHERE url = ?", (url,))[0]) == dict(page_before)
    # importing the same files again adds nothing
    again = scrape("import", "--config", str(config), str(same), older)
    assert again.exit_code == 0 and "0 earlier versions" in again.output
    assert query(db, "SELECT count(*) FROM release_versions WHERE release_id = ?", (release_id,))[0][0] == 2


def test_a_capture_newer_than_the_live_text_becomes_the_current_text(live_archive, tmp_path):
    site, config, db = live_archive
    url = site.base_url + EN["path"]
    newer = edited_capture(site, EN["path"], "2099-01-01T00:00:00Z", tmp_path, "newer.warc")
    result = scrape("import", "--config", str(config), newer)
    assert result.exit_code == 0, result.output
    row = releases(db)[[r["url"] for r in releases(db)].index(url)]
    assert row["body"].startswith(EARLIER) and row["source"] == "warc"
    assert row["captured_at"] == "2099-01-01T00:00:00+00:00"
    last = query(db, "SELECT source FROM release_versions WHERE release_id = (SELECT id FROM releases WHERE url = ?) "
                     "ORDER BY version DESC LIMIT 1", (url,))[0][0]
    assert last == "warc"


def test_a_missing_file_is_a_usage_error_and_nothing_is_touched(tmp_path):
    result = scrape("import", "--config", str(config_for(tmp_path)), str(tmp_path / "nowhere.warc.gz"))
    assert result.exit_code == 2
    assert "nowhere.warc.gz: no such file" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "archive.db").exists()


def test_a_damaged_file_is_reported_and_what_it_held_before_the_damage_is_imported(tmp_path):
    whole = tmp_path / "whole.warc.gz"
    en_page, other_page = fixture_page(EN["path"]), fixture_page(OTHER["path"])
    _, second = foreign_warc(whole, [(BASE + EN["path"], 200, html(en_page), en_page, "2019-05-01T10:00:00Z"),
                                     (BASE + OTHER["path"], 200, html(other_page), other_page, "2019-05-01T10:01:00Z")])
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(whole.read_bytes()[:second] + b"this is not gzip at all" * 40)
    garbage = tmp_path / "notes.txt"
    garbage.write_text("not a WARC file\n", encoding="utf-8")
    result = scrape("import", "--config", str(config_for(tmp_path)), str(damaged), str(garbage))
    assert result.exit_code == 3, result.output
    assert "damaged.warc.gz: not a readable WARC file after record" in result.output
    assert "notes.txt: not a readable WARC file at its first record" in result.output
    assert "Traceback" not in result.output
    assert [row["url"] for row in releases(tmp_path / "archive.db")] == [BASE + EN["path"]]
    shutil.copy(whole, tmp_path / "again.warc.gz")  # the whole file later: the rest comes in, nothing doubled
    assert scrape("import", "--config", str(config_for(tmp_path)), str(tmp_path / "again.warc.gz")).exit_code == 0
    assert len(releases(tmp_path / "archive.db")) == 2
