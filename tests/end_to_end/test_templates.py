"""Template learning: chrome that structural rules miss is learned from the archive and removed."""

from __future__ import annotations

import json

import pytest

from support.helpers import KAZAKHSTAN, copy_archive, expected_body, load_golden, query, scrape, write_config
from support.fixture_server import FixtureServer
from scraper.extract import drop_template_blocks, extract
from scraper.extract.templates import MIN_PAGES, block_key, keys_of_block, learned_template

GOLDEN = load_golden()
REDESIGN = KAZAKHSTAN / "redesign"
BASE = "http://127.0.0.1:8765"


def leaks(body: str, lang: str) -> list[str]:
    return [text for text in GOLDEN["boilerplate"][lang] if text in body]


def releases(lang: str, since: str = "2000-01-01") -> list[dict]:
    return [r for r in GOLDEN["releases"] if r["lang"] == lang and str(r["date"]) >= since]


# --- pure parts -----------------------------------------------------------------------------


def test_block_key_ignores_case_punctuation_and_spacing():
    assert block_key("Who We Are!") == block_key("  who we   are ")
    assert block_key("Who We Are") != block_key("Who We Were")
    assert block_key("— • —") is None


def test_list_blocks_are_keyed_whole_and_per_line():
    keys = keys_of_block("About\nIOM Global")
    assert {block_key("About\nIOM Global"), block_key("About"), block_key("IOM Global")} == keys


def test_a_block_is_template_from_min_pages_on():
    counts = {"a": MIN_PAGES, "b": MIN_PAGES - 1, "c": 2}
    assert learned_template(counts) == frozenset({"a"})


def test_drop_template_blocks_keeps_everything_else():
    template = frozenset({block_key("Our Work"), block_key("Take Action")})
    blocks = ["Our Work", "A paragraph of the release.", "Take Action\nOnly on this page", "Take Action"]
    assert drop_template_blocks(blocks, template) == ["A paragraph of the release.", "Only on this page"]


# --- a theme the structural rules do not know --------------------------------------------------


def redesign_page(release: dict) -> str:
    return (REDESIGN / (release["path"].strip("/") + ".html")).read_text(encoding="utf-8").replace("__BASE__", BASE)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_new_theme_leaks_without_the_learned_template(lang):
    release = releases(lang)[0]
    body = extract(redesign_page(release), BASE + release["path"], lang_hint=lang).body
    assert leaks(body, lang), "the redesign fixture must defeat the structural rules on their own"


@pytest.fixture(scope="module")
def redesign_server():
    with FixtureServer(REDESIGN) as server:
        yield server


@pytest.fixture(scope="module")
def redesign_run(redesign_server, tmp_path_factory):
    directory = tmp_path_factory.mktemp("redesign")
    config = write_config(directory, redesign_server.base_url)
    result = scrape("run", "--config", str(config), "--since", "2021-01-01")
    return {"result": result, "db": directory / "archive.db", "base": redesign_server.base_url}


def test_new_theme_is_clean_on_its_first_night(redesign_run):
    assert redesign_run["result"].exit_code == 0, redesign_run["result"].output
    rows = {r["url"].removeprefix(redesign_run["base"]): r for r in query(redesign_run["db"], "SELECT * FROM releases")}
    assert len(rows) == len(GOLDEN["releases"])
    for release in GOLDEN["releases"]:
        row = rows[release["path"]]
        assert row["body"] == expected_body(release["body"]), release["path"]
        assert row["title"] == release["title"]
        assert row["published_date"] == str(release["date"])
    assert query(redesign_run["db"], "SELECT count(*) FROM release_versions")[0][0] == len(GOLDEN["releases"])


def test_learned_template_is_persisted_in_the_archive(redesign_run):
    rows = query(redesign_run["db"], "SELECT lang, count(*) AS n FROM template_blocks WHERE pages >= ? GROUP BY lang",
                 (MIN_PAGES,))
    assert {row["lang"]: row["n"] > 10 for row in rows} == {"en": True, "ru": True, "kk": True}


def test_releases_archived_before_the_template_was_learned_are_cleaned_later(redesign_server, tmp_path):
    config = write_config(tmp_path, redesign_server.base_url)
    few = releases("en", since="2025-01-01")
    assert 0 < len(few) < MIN_PAGES
    first = scrape("run", "--config", str(config), "--lang", "en", "--since", "2025-01-01")
    assert first.exit_code == 0, first.output
    leaky = query(tmp_path / "archive.db", "SELECT id, body FROM releases")
    assert len(leaky) == len(few) and all(leaks(row["body"], "en") for row in leaky)

    second = scrape("run", "--config", str(config), "--lang", "en", "--since", "2021-01-01")
    assert second.exit_code == 0, second.output
    for row in leaky:
        versions = query(tmp_path / "archive.db", "SELECT body FROM release_versions WHERE release_id = ? "
                                                  "ORDER BY version", (row["id"],))
        assert len(versions) == 2 and leaks(versions[0]["body"], "en") and not leaks(versions[1]["body"], "en")
    for row in query(tmp_path / "archive.db", "SELECT body FROM releases"):
        assert not leaks(row["body"], "en")


def test_theme_switch_creates_no_new_versions(tmp_path):
    """The same releases served by the old theme, then the new one: the text did not change."""
    with FixtureServer(KAZAKHSTAN / "site") as server:
        config = write_config(tmp_path, server.base_url, revalidate_per_run=100)  # re-check every release
        assert scrape("run", "--config", str(config), "--since", "2021-01-01").exit_code == 0
        server.root = REDESIGN
        server.requests.clear()
        result = scrape("run", "--config", str(config), "--since", "2021-01-01")
        refetched = [p for p in server.paths_requested() if "/news/" in p]
    assert result.exit_code == 0, result.output
    assert len(refetched) == len(GOLDEN["releases"])
    assert f"0 new, 0 updated, {len(GOLDEN['releases'])} unchanged" in result.output
    assert query(tmp_path / "archive.db", "SELECT count(*) FROM release_versions")[0][0] == len(GOLDEN["releases"])


def test_reextract_applies_a_fixed_config_without_the_network(tmp_path):
    with FixtureServer(KAZAKHSTAN / "site") as server:
        too_narrow = {"hints": {"content": "p:first-child"}}  # a wrong hint: the first paragraph only
        config = write_config(tmp_path, server.base_url, site=too_narrow)
        assert scrape("run", "--config", str(config), "--lang", "ru", "--since", "2021-01-01").exit_code == 0
        truncated = query(tmp_path / "archive.db", "SELECT body FROM releases")
        assert truncated and all("\n\n" not in row["body"] for row in truncated)
        write_config(tmp_path, server.base_url)  # the hint fixed
        server.requests.clear()
        result = scrape("reextract", "--config", str(config))
        assert server.requests == []
    assert result.exit_code == 0, result.output
    ru = releases("ru")
    assert f"{len(ru)} releases changed, 0 unchanged" in result.output
    rows = {r["url"].removeprefix(server.base_url): r["body"] for r in query(tmp_path / "archive.db",
                                                                                 "SELECT url, body FROM releases")}
    assert rows == {r["path"]: expected_body(r["body"]) for r in ru}
    assert query(tmp_path / "archive.db", "SELECT count(*) FROM release_versions")[0][0] == 2 * len(ru)
    again = scrape("reextract", "--config", str(config))
    assert f"0 releases changed, {len(ru)} unchanged" in again.output


def test_reextract_relearns_templates_from_the_stored_pages(redesign_run, tmp_path):
    import sqlite3

    db = copy_archive(redesign_run["db"], tmp_path / "archive.db")  # with its WARC files: the pages are there
    conn = sqlite3.connect(db)
    counts = conn.execute("SELECT * FROM template_blocks ORDER BY 1, 2, 3").fetchall()
    with conn:  # as if the pages had been stored by a version that learned nothing
        conn.execute("DELETE FROM template_blocks")
        conn.execute("UPDATE pages SET block_keys = NULL")
    conn.close()
    config = write_config(tmp_path, "http://127.0.0.1:9")  # no server: reextract never connects
    result = scrape("reextract", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert f"0 releases changed, {len(GOLDEN['releases'])} unchanged" in result.output
    assert query(db, "SELECT * FROM template_blocks ORDER BY 1, 2, 3") and [
        tuple(row) for row in query(db, "SELECT * FROM template_blocks ORDER BY 1, 2, 3")] == counts
