"""Issue 11 end to end: a site whose bodies are Paragraphs-module entities archived whole; an archive
made by the old one-block extractor upgraded by ``scrape reextract`` (versions caused by
re-extraction, not edits by the site); a release with a suspiciously short body stored, logged
and flagged for review, shown by ``scrape status`` and as a Datasette facet."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import sqlite3

import pytest

import scraper.extract as extraction
from support.helpers import KAZAKHSTAN, FixtureServer, expected_body, load_golden, query, scrape, write_config
from archive.serve.metadata import make_datasette
from scraper.extract import EXTRACTOR_VERSION
from scraper.extract.content import Content

GOLDEN = load_golden()["releases"]
BY_PATH = {release["path"]: release for release in GOLDEN}


def bodies(db, base: str) -> dict[str, str]:
    return {row["url"].removeprefix(base): row["body"] for row in query(db, "SELECT url, body FROM releases")}


@pytest.fixture(scope="module")
def paragraphs_server():
    with FixtureServer(KAZAKHSTAN / "paragraphs") as server:
        yield server


def test_paragraphs_module_bodies_are_archived_whole(paragraphs_server, tmp_path):
    config = write_config(tmp_path, paragraphs_server.base_url)
    result = scrape("run", "--config", str(config), "--since", "2021-01-01")
    assert result.exit_code == 0, result.output
    db = tmp_path / "archive.db"
    assert bodies(db, paragraphs_server.base_url) == {r["path"]: expected_body(r["body"]) for r in GOLDEN}
    rows = query(db, "SELECT url, published_date, extractor_version, needs_review FROM releases")
    assert {row["url"].removeprefix(paragraphs_server.base_url): row["published_date"] for row in rows} == {
        r["path"]: str(r["date"]) for r in GOLDEN}
    assert {(row["extractor_version"], row["needs_review"]) for row in rows} == {(EXTRACTOR_VERSION, 0)}
    assert {tuple(row) for row in query(db, "SELECT version, cause, extractor_version FROM release_versions")} == {
        (1, "site", EXTRACTOR_VERSION)}


def one_block(find):
    """The extractor before issue 11: the single best block, never its siblings."""
    def find_content(*args, **kwargs):
        content = find(*args, **kwargs)
        return content and Content([content.best], content.trusted, content.best)
    return find_content


def test_reextract_upgrades_an_archive_of_the_old_extractor(paragraphs_server, tmp_path, monkeypatch):
    config = write_config(tmp_path, paragraphs_server.base_url)
    db = tmp_path / "archive.db"
    with monkeypatch.context() as old:
        old.setattr(extraction, "find_content", one_block(extraction.find_content))
        assert scrape("run", "--config", str(config), "--since", "2021-01-01").exit_code == 0
    truncated = bodies(db, paragraphs_server.base_url)
    lost = {path for path, body in truncated.items() if body != expected_body(BY_PATH[path]["body"])}
    assert len(lost) == len(GOLDEN)  # every release lost all but one of its text entities
    with sqlite3.connect(db) as conn:  # as an archive of schema version 1, migrated
        conn.execute("UPDATE releases SET extractor_version = NULL")
        conn.execute("UPDATE release_versions SET extractor_version = NULL")

    paragraphs_server.requests.clear()
    result = scrape("reextract", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert paragraphs_server.requests == []  # no network
    assert f"{len(GOLDEN)} releases changed" in result.output
    assert bodies(db, paragraphs_server.base_url) == {r["path"]: expected_body(r["body"]) for r in GOLDEN}
    versions = query(db, "SELECT version, cause, extractor_version FROM release_versions ORDER BY release_id, version")
    assert [tuple(v) for v in versions] == [(1, "site", None), (2, "reextract", EXTRACTOR_VERSION)] * len(GOLDEN)
    assert {row[0] for row in query(db, "SELECT extractor_version FROM releases")} == {EXTRACTOR_VERSION}


def test_a_site_edit_after_the_upgrade_is_recorded_as_the_site(tmp_path):
    with FixtureServer(KAZAKHSTAN / "site") as server:
        config = write_config(tmp_path, server.base_url, revalidate_per_run=100)
        assert scrape("run", "--config", str(config), "--since", "2021-01-01").exit_code == 0
        assert "0 releases changed" in scrape("reextract", "--config", str(config)).output
        server.root = KAZAKHSTAN / "tomorrow"
        assert scrape("run", "--config", str(config), "--since", "2021-01-01").exit_code == 0
    causes = query(tmp_path / "archive.db", "SELECT version, cause FROM release_versions WHERE version > 1")
    assert causes and {tuple(row) for row in causes} == {(2, "site")}


@pytest.fixture
def short_release_site(tmp_path):
    """The fixture site with one release cut down to a single sentence."""
    root = tmp_path / "site"
    shutil.copytree(KAZAKHSTAN / "site", root)
    release = next(r for r in GOLDEN if r["template"] == "current" and r["lang"] == "en")
    page = root / (release["path"].strip("/") + ".html")
    html = page.read_text(encoding="utf-8")
    start = html.index('field--name-body')
    start = html.index("<p>", start)
    end = html.index("</div>", start)
    page.write_text(html[:start] + "<p>The meeting took place in Astana.</p>\n" + html[end:], encoding="utf-8")
    return root, release


def test_a_short_body_is_stored_flagged_for_review_and_shown(short_release_site, tmp_path):
    root, release = short_release_site
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # the run's own logger, whatever handlers earlier tests left on it
    logger = logging.getLogger("scraper.pipeline")
    logger.disabled = False  # lint_imports (tests/unit/test_layers.py) runs dictConfig, which disables it
    logger.addHandler(handler)
    try:
        with FixtureServer(root) as server:
            config = write_config(tmp_path, server.base_url)
            run = scrape("run", "--config", str(config), "--lang", "en", "--since", "2021-01-01")
    finally:
        logger.removeHandler(handler)
    assert run.exit_code == 0, run.output
    db = tmp_path / "archive.db"
    flagged = query(db, "SELECT url, body, review_reason FROM releases WHERE needs_review = 1")
    assert [(row["url"].removeprefix(server.base_url), row["body"]) for row in flagged] == [
        (release["path"], "The meeting took place in Astana.")]
    assert flagged[0]["review_reason"] == "short body: 6 words, fewer than 40"
    warnings = [record.getMessage() for record in records if "flagged for review" in record.getMessage()]
    assert len(warnings) == 1 and server.base_url + release["path"] in warnings[0]
    assert query(db, "SELECT outcome FROM pages WHERE url = ?", (flagged[0]["url"],))[0][0] == "release"

    status = scrape("status", "--archive", str(db))
    assert "1 release flagged for review" in status.output
    totals = json.loads(scrape("status", "--archive", str(db), "--json").output)["totals"]
    assert [row["needs_review"] for row in totals] == [1]

    ds = make_datasette(db)
    page = asyncio.run(ds.client.get("/archive/releases.json?needs_review=1&_shape=objects")).json()
    assert [row["review_reason"] for row in page["rows"]] == ["short body: 6 words, fewer than 40"]
    facets = asyncio.run(ds.client.get("/archive/releases.json")).json()["facet_results"]
    assert {item["value"]: item["count"] for item in facets["needs_review"]["results"]} == {
        0: len([r for r in GOLDEN if r["lang"] == "en"]) - 1, 1: 1}
