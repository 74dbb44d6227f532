"""``scrape export --format warc`` (issue 15): a selection of releases as one WARC file for a web
archive: each page's captured exchange copied byte for byte, a resource record for pages stored
before WARC capture, a metadata record per release; valid digests; a lost capture is reported."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from warcio.archiveiterator import ArchiveIterator

from support.fixture_server import FixtureServer
from support.helpers import KAZAKHSTAN, query, scrape, stored_page, write_config

SINCE = "2021-01-01"


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """The fixture site archived twice: with WARC capture (the default) and without (``warc: false``)."""
    found = {}
    with FixtureServer(KAZAKHSTAN / "site") as site:
        for name, settings in (("captured", {}), ("raw", {"warc": False})):
            directory = tmp_path_factory.mktemp(name)
            config = write_config(directory, site.base_url, **settings)
            result = scrape("run", "--config", str(config), "--since", SINCE)
            assert result.exit_code == 0, result.output
            found[name] = {"config": config, "db": directory / "archive.db", "directory": directory}
    return found


def records(data: bytes) -> list[dict]:
    """Every record of a WARC: type, target, headers, payload, and whether its digests hold."""
    found = []
    for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
        payload = record.content_stream().read()
        found.append({"type": record.rec_type, "uri": record.rec_headers.get_header("WARC-Target-URI"),
                      "headers": record.rec_headers, "payload": payload,
                      "digests_ok": record.digest_checker.passed is not False})
    return found


def export(archive: dict, *options: str):
    out = archive["directory"] / "export.warc.gz"
    out.unlink(missing_ok=True)
    result = scrape("export", "--config", str(archive["config"]), "--format", "warc", "--output", str(out), *options)
    return result, (out.read_bytes() if out.exists() else None)


def test_a_selection_exports_each_page_as_captured_and_a_metadata_record_per_release(archived):
    archive = archived["captured"]
    result, data = export(archive, "--lang", "ru")
    assert result.exit_code == 0, result.output
    found = records(data)
    assert found[0]["type"] == "warcinfo" and b"langs ru" in found[0]["payload"]
    assert all(record["digests_ok"] for record in found)
    releases = query(archive["db"], "SELECT id, url, title, body FROM releases WHERE lang = 'ru' ORDER BY id")
    metadata = [json.loads(r["payload"]) for r in found if r["type"] == "metadata"]
    assert sorted((m["url"], m["title"], m["body"]) for m in metadata) == sorted(
        (r["url"], r["title"], r["body"]) for r in releases)
    pages = query(archive["db"], "SELECT p.url FROM pages p JOIN releases r ON r.id = p.release_id WHERE r.lang = 'ru'")
    responses = {r["uri"]: r for r in found if r["type"] == "response"}
    assert set(responses) == {page["url"] for page in pages}
    for page in pages:
        assert responses[page["url"]]["payload"].decode("utf-8") == stored_page(archive["db"], page["url"])
    requests = [r for r in found if r["type"] == "request"]
    ids = {r["headers"].get_header("WARC-Record-ID") for r in responses.values()}
    assert len(requests) == len(responses) and {r["headers"].get_header("WARC-Concurrent-To") for r in requests} == ids
    refers = {r["headers"].get_header("WARC-Refers-To") for r in found if r["type"] == "metadata"}
    assert refers <= ids and None not in refers


def test_the_exchanges_are_the_captures_own_records_byte_for_byte(archived):
    archive = archived["captured"]
    _, data = export(archive, "--lang", "kk")
    exported = {r["headers"].get_header("WARC-Record-ID") for r in records(data) if r["type"] == "response"}
    captured = set()
    for path in (archive["directory"] / "archive.warc").glob("*.warc.gz"):
        with open(path, "rb") as stream:
            captured |= {r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(stream)}
    assert exported and exported <= captured


def test_dates_and_sites_select_what_is_exported(archived):
    archive = archived["captured"]
    result, data = export(archive, "--since", "2024-01-01", "--until", "2024-12-31")
    assert result.exit_code == 0, result.output
    dates = [json.loads(r["payload"])["published_date"] for r in records(data) if r["type"] == "metadata"]
    expected = query(archive["db"], "SELECT count(*) FROM releases WHERE published_date BETWEEN '2024-01-01' AND "
                                    "'2024-12-31'")[0][0]
    assert len(dates) == expected > 0 and all("2024-01-01" <= d <= "2024-12-31" for d in dates)
    assert f"{expected} releases exported as WARC" in result.output


def test_pages_stored_before_warc_capture_are_resource_records(archived):
    archive = archived["raw"]
    result, data = export(archive, "--lang", "en")
    assert result.exit_code == 0, result.output
    found = records(data)
    assert not [r for r in found if r["type"] in ("response", "request")]
    resources = [r for r in found if r["type"] == "resource"]
    english = query(archive["db"], "SELECT count(*) FROM releases WHERE lang = 'en'")[0][0]
    assert len(resources) >= english > 0 and all(r["digests_ok"] for r in resources)
    for record in resources:
        assert record["payload"].decode("utf-8") == stored_page(archive["db"], record["uri"])
        assert record["headers"].get_header("Content-Type") == "text/html; charset=utf-8"


def test_a_lost_capture_is_reported_and_the_rest_exported(archived, tmp_path):
    source = archived["captured"]
    directory = tmp_path / "copy"
    shutil.copytree(source["directory"], directory)
    for path in (directory / "archive.warc").glob("*.warc.gz"):
        path.unlink()
    config = directory / "config.yaml"
    out = tmp_path / "out.warc.gz"
    result = scrape("export", "--config", str(config), "--format", "warc", "--lang", "kk", "--output", str(out))
    assert result.exit_code == 3
    assert "its page could not be exported" in result.output and "pages missing" in result.output
    metadata = [r for r in records(out.read_bytes()) if r["type"] == "metadata"]
    assert len(metadata) == query(directory / "archive.db", "SELECT count(*) FROM releases WHERE lang = 'kk'")[0][0]


def test_standard_output_gets_the_warc_and_bom_is_refused(archived):
    archive = archived["captured"]
    result = scrape("export", "--config", str(archive["config"]), "--format", "warc", "--lang", "kk")
    assert result.exit_code == 0
    assert [r["type"] for r in records(result.stdout_bytes)][0] == "warcinfo"
    refused = scrape("export", "--config", str(archive["config"]), "--format", "warc", "--bom", "--output", "x.warc.gz")
    assert refused.exit_code == 2 and "--bom" in refused.output
