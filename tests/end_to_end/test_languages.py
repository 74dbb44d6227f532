"""Every language a site publishes, end to end: language from the text, untranslated fallbacks,
dates in every form (or none), datelines and translations, over the `languages` fixture state."""

from __future__ import annotations

import json

import pytest
import yaml

from support.helpers import KAZAKHSTAN, expected_body, load_golden, query, scrape, write_config
from support.fixture_server import FixtureServer

BASE_RELEASES = load_golden()["releases"]
STATE = yaml.safe_load((KAZAKHSTAN / "languages.yaml").read_text(encoding="utf-8"))
NEW = STATE["releases"]
FALLBACKS = STATE["fallbacks"]
ALL = BASE_RELEASES + NEW


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    directory = tmp_path_factory.mktemp("languages")
    with FixtureServer(KAZAKHSTAN / "languages") as server:
        config = write_config(directory, server.base_url)
        result = scrape("run", "--config", str(config), "--since", "2021-01-01")
        base = server.base_url
    rows = {row["url"].removeprefix(base): dict(row) for row in query(directory / "archive.db", "SELECT * FROM releases")}
    return {"result": result, "db": directory / "archive.db", "rows": rows, "base": base}


def test_run_succeeds(archived):
    assert archived["result"].exit_code == 0, archived["result"].output


def test_every_release_once_and_fallbacks_are_not_releases(archived):
    assert sorted(archived["rows"]) == sorted(r["path"] for r in ALL)
    for fallback in FALLBACKS:
        assert fallback["path"] not in archived["rows"]


@pytest.mark.parametrize("fallback", FALLBACKS, ids=lambda f: f["path"])
def test_fallback_url_is_recorded_on_the_original_release(archived, fallback):
    (row,) = query(archived["db"], "SELECT r.url, r.lang FROM release_urls u JOIN releases r ON r.id = u.release_id "
                                   "WHERE u.url = ?", (archived["base"] + fallback["path"],))
    assert row["url"] == archived["base"] + fallback["serves"]
    assert row["lang"] == "en"


@pytest.mark.parametrize("release", ALL, ids=lambda r: f"{r['lang']}:{r['path'].rsplit('/', 1)[-1][:40]}")
def test_language_date_dateline_and_body(archived, release):
    row = archived["rows"][release["path"]]
    assert row["lang"] == release["lang"]
    assert row["published_date"] == (str(release["date"]) if release["date"] else None)
    assert row["dateline"] == release.get("dateline")
    assert row["body"] == expected_body(release["body"])


def test_mixed_language_release_keeps_its_main_language(archived):
    mixed = next(r for r in NEW if r["node"] == 112)
    body = archived["rows"][mixed["path"]]["body"]
    assert any(letter in body for letter in "қәғ") and any(word in body for word in ("не", "Человек", "мигрант"))
    assert archived["rows"][mixed["path"]]["lang"] == "en"


def test_missing_date_is_null_and_counted(archived):
    (run,) = query(archived["db"], "SELECT releases_without_date FROM runs")
    assert run[0] == sum(1 for r in NEW if r["date"] is None) == 1


def test_translations_share_a_group(archived):
    groups: dict[int, set] = {}
    for release in ALL:
        groups.setdefault(release["node"], set()).add(archived["rows"][release["path"]]["translation_group"])
    assert all(len(group) == 1 for group in groups.values())
    assert len({next(iter(g)) for g in groups.values()}) == len(groups)


def test_alternates_of_a_translated_release(archived):
    translated = next(r for r in BASE_RELEASES if sum(o["node"] == r["node"] for o in BASE_RELEASES) == 3)
    alternates = json.loads(archived["rows"][translated["path"]]["alternates"])
    assert set(alternates) == {"en", "ru", "kk"}
