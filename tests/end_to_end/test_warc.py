"""WARC capture (issue 15, item 1): every HTTP exchange of a run in gzip WARC files beside the archive,
``pages`` pointing at the response records, re-extraction reading them, old archives migrating."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator

from support.archive_checks import request_kind
from support.fixture_server import FixtureServer, Served
from support.helpers import KAZAKHSTAN, downgrade, load_golden, query, scrape, stored_page, write_config

GOLDEN = load_golden()["releases"]
RECENT = [r for r in GOLDEN if str(r["date"]) >= "2023-01-01"]
SINCE = "2023-01-01"


@pytest.fixture
def site():
    with FixtureServer(KAZAKHSTAN / "site", validators=True) as server:
        yield server


def records(directory: Path) -> list[tuple[str, dict]]:
    """``(file name, facts)`` of every record of every WARC file in ``directory``, in order."""
    found = []
    for path in sorted(directory.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                facts = {"type": record.rec_type, "uri": record.rec_headers.get_header("WARC-Target-URI"),
                         "id": record.rec_headers.get_header("WARC-Record-ID"),
                         "to": record.rec_headers.get_header("WARC-Concurrent-To"),
                         "status": int(record.http_headers.get_statuscode()) if record.rec_type == "response" else None,
                         "body": record.content_stream().read(),
                         "line": f"{record.http_headers.protocol} {record.http_headers.statusline}"
                                 if record.http_headers else None}
                facts["offset"] = iterator.get_record_offset()
                found.append((path.name, facts))
    return found


def test_every_exchange_of_a_run_is_in_the_warc_redirects_and_304s_included(site, tmp_path):
    site.overrides["/robots.txt"] = Served(301, "text/html", b"", {"Location": "/robots-moved.txt"})
    site.overrides["/robots-moved.txt"] = Served(200, "text/plain", b"User-agent: *\nAllow: /\n")
    config = write_config(tmp_path, site.base_url)
    for _night in range(2):  # the second run's conditional requests are answered 304
        result = scrape("run", "--config", str(config), "--since", SINCE)
        assert result.exit_code == 0, result.output
    answered = [r for r in site.requests if r.status is not None]
    warcs = tmp_path / "archive.warc"
    found = records(warcs)
    runs = {name.rsplit("-", 1)[0] for name, _ in found}
    assert len(runs) == 2  # one set of files per run …
    infos = [facts for _, facts in found if facts["type"] == "warcinfo"]
    assert len(infos) == len({name for name, _ in found})  # … each file opening with its warcinfo record
    assert all(b"iom-archive" in info["body"] and b"isPartOf: archive.db run" in info["body"] for info in infos)
    responses = [facts for _, facts in found if facts["type"] == "response"]
    requests = {facts["to"]: facts for _, facts in found if facts["type"] == "request"}
    assert len(responses) == len(answered) == len(requests)
    assert sorted(r["uri"].removeprefix(site.base_url) for r in responses) == sorted(r.path for r in answered)
    assert all(requests[r["id"]]["uri"] == r["uri"] for r in responses)  # each response with its request
    statuses = [r["status"] for r in responses]
    assert sorted(statuses) == sorted(r.status for r in answered)
    assert statuses.count(301) == 2 and statuses.count(304) > 0
    moved = next(r for r in responses if r["uri"].endswith("/robots-moved.txt"))
    assert requests[moved["id"]]["line"] == "GET /robots-moved.txt HTTP/1.1"
    assert moved["body"] == b"User-agent: *\nAllow: /\n"
    # pages point at their response record instead of holding the page a second time
    by_place = {(name, facts["offset"]): facts for name, facts in found}
    pages = query(tmp_path / "archive.db", "SELECT url, raw_html, warc_file, warc_offset FROM pages")
    assert len(pages) == len(RECENT)
    for page in pages:
        assert page["raw_html"] is None
        record = by_place[(page["warc_file"], page["warc_offset"])]
        assert record["type"] == "response" and record["status"] == 200
        assert record["body"].decode("utf-8") == stored_page(tmp_path / "archive.db", page["url"])


def test_reextract_reads_the_warc_and_a_lost_warc_file_is_a_clear_error(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    assert scrape("run", "--config", str(config), "--since", SINCE).exit_code == 0
    db = tmp_path / "archive.db"
    before = query(db, "SELECT url, title, body FROM releases ORDER BY url")
    site.requests.clear()
    result = scrape("reextract", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert site.requests == []  # no network: the pages came from the WARC
    assert query(db, "SELECT url, title, body FROM releases ORDER BY url") == before
    for path in (tmp_path / "archive.warc").glob("*.warc.gz"):
        path.unlink()
    result = scrape("reextract", "--config", str(config))
    assert result.exit_code != 0
    assert "cannot be read back" in result.output and "archive.warc" in result.output
    assert "Traceback" not in result.output
    assert query(db, "SELECT url, title, body FROM releases ORDER BY url") == before  # nothing archived lost


def test_warc_capture_can_be_turned_off(site, tmp_path):
    config = write_config(tmp_path, site.base_url, warc=False)
    assert scrape("run", "--config", str(config), "--since", SINCE).exit_code == 0
    assert not (tmp_path / "archive.warc").exists()
    pages = query(tmp_path / "archive.db", "SELECT raw_html, warc_file FROM pages")
    assert len(pages) == len(RECENT) and all(p["raw_html"] and p["warc_file"] is None for p in pages)


def test_an_archive_from_before_warc_capture_migrates_without_loss(site, tmp_path):
    config = write_config(tmp_path, site.base_url, warc=False)
    assert scrape("run", "--config", str(config), "--since", SINCE).exit_code == 0
    db = tmp_path / "archive.db"
    downgrade(db, 5)  # back to schema 5, as iom-archive wrote it before issue 15
    raw = {row["url"]: zlib.decompress(row["raw_html"]).decode() for row in query(db, "SELECT url, raw_html FROM pages")}
    releases = query(db, "SELECT url, title, body FROM releases ORDER BY url")
    result = scrape("reextract", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert query(db, "PRAGMA user_version")[0][0] >= 6
    assert query(db, "SELECT url, title, body FROM releases ORDER BY url") == releases
    assert {url: stored_page(db, url) for url in raw} == raw  # the old pages are still there, in raw_html
    # the next run (WARC on) keeps what it fetches in the WARC; unchanged pages stay as they were
    site.overrides.clear()
    assert scrape("run", "--config", str(write_config(tmp_path, site.base_url)), "--since", SINCE).exit_code == 0
    assert {url: stored_page(db, url) for url in raw} == raw
    assert list((tmp_path / "archive.warc").glob("*.warc.gz"))


def test_the_304s_of_kept_robots_listings_and_sitemaps_are_in_the_warc(site, tmp_path):
    config = write_config(tmp_path, site.base_url, revalidate_every_days=7)
    assert scrape("run", "--config", str(config)).exit_code == 0
    site.reset()
    for path in (tmp_path / "archive.warc").glob("*.warc.gz"):
        path.unlink()
    assert scrape("run", "--config", str(config)).exit_code == 0  # unchanged: discovery answered 304
    asked = [(r.path, r.status) for r in site.requests
             if request_kind(r.path, r.status) in ("robots", "listing", "sitemap")]
    assert asked and all(status == 304 for _, status in asked)
    responses = [facts for _, facts in records(tmp_path / "archive.warc") if facts["type"] == "response"]
    assert sorted((r["uri"].removeprefix(site.base_url), r["status"]) for r in responses) == sorted(
        (r.path, r.status) for r in site.requests if r.status is not None)


def test_hosts_read_in_parallel_write_whole_records_into_the_same_files(tmp_path):
    with FixtureServer(KAZAKHSTAN / "site") as one, FixtureServer(KAZAKHSTAN / "site") as two, \
            FixtureServer(KAZAKHSTAN / "site") as three:
        servers = {"one": one, "two": two, "three": three}
        path = write_config(tmp_path, one.base_url, warc_max_mb=1)
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        config["sites"] = [{**config["sites"][0], "key": key, "base_url": s.base_url} for key, s in servers.items()]
        path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        result = scrape("run", "--config", str(path), "--since", SINCE)
        assert result.exit_code == 0, result.output
    found = records(tmp_path / "archive.warc")  # every record parses: none interleaved with another
    responses = [facts for _, facts in found if facts["type"] == "response"]
    requests = {facts["to"]: facts for _, facts in found if facts["type"] == "request"}
    for server in servers.values():
        answered = sorted(r.path for r in server.requests if r.status is not None)
        assert sorted(r["uri"].removeprefix(server.base_url) for r in responses
                      if r["uri"].startswith(server.base_url + "/")) == answered
    assert all(requests[r["id"]]["uri"] == r["uri"] for r in responses)
    db = tmp_path / "archive.db"
    by_place = {(name, facts["offset"]): facts for name, facts in found}
    pages = query(db, "SELECT url, warc_file, warc_offset FROM pages")
    assert len(pages) == 3 * len(RECENT)
    for page in pages:
        record = by_place[(page["warc_file"], page["warc_offset"])]
        assert record["type"] == "response" and record["status"] == 200
        assert record["body"].decode("utf-8") == stored_page(db, page["url"])
