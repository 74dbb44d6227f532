"""`scrape run` against the fixture site over real HTTP, then questions asked of the archive."""

from __future__ import annotations

import json
from datetime import date

import pytest

from support.helpers import expected_body, load_golden, query, scrape, stored_page, write_config

GOLDEN = load_golden()
SINCE = date(2023, 1, 1)
RECENT = [r for r in GOLDEN["releases"] if date.fromisoformat(str(r["date"])) >= SINCE]
OLDER = [r for r in GOLDEN["releases"] if date.fromisoformat(str(r["date"])) < SINCE]


def release_id(release: dict) -> str:
    return f"{release['lang']}:{release['path']}"


@pytest.fixture(scope="module")
def collected(kazakhstan_server, tmp_path_factory):
    """One `scrape run --since 2023-01-01` over the whole fixture site."""
    directory = tmp_path_factory.mktemp("e2e")
    config = write_config(directory, kazakhstan_server.base_url)
    kazakhstan_server.requests.clear()
    result = scrape("run", "--config", str(config), "--since", SINCE.isoformat())
    return {
        "result": result,
        "db": directory / "archive.db",
        "config": config,
        "paths": kazakhstan_server.paths_requested(),
        "base": kazakhstan_server.base_url,
    }


def by_url(collected) -> dict[str, dict]:
    rows = query(collected["db"], "SELECT * FROM releases")
    return {row["url"].removeprefix(collected["base"]): dict(row) for row in rows}


def test_run_succeeds_and_reports_counts(collected):
    result = collected["result"]
    assert result.exit_code == 0, result.output
    assert f"{len(RECENT)} new" in result.output
    assert "0 errors" in result.output


def test_every_recent_release_is_archived_exactly_once(collected):
    rows = query(collected["db"], "SELECT url, lang FROM releases")
    archived = sorted(f"{row['lang']}:{row['url'].removeprefix(collected['base'])}" for row in rows)
    assert archived == sorted(release_id(r) for r in RECENT)


def test_fixture_covers_three_languages_and_older_releases():
    assert {r["lang"] for r in RECENT} == {"en", "ru", "kk"}
    assert {r["lang"] for r in OLDER} == {"en", "ru", "kk"}
    assert len(GOLDEN["releases"]) >= 20


def test_older_releases_are_not_fetched_at_all(collected):
    requested = {path.split("?")[0] for path in collected["paths"]}
    for release in OLDER:
        assert release["path"] not in requested, f"{release['path']} is older than --since but was fetched"


def test_each_release_is_fetched_once_although_listed_and_in_sitemap(collected):
    release_paths = [p for p in collected["paths"] if "/news/" in p]
    assert len(release_paths) == len(set(release_paths))
    assert "/sitemap.xml" in collected["paths"]


@pytest.mark.parametrize("release", RECENT, ids=release_id)
def test_release_metadata_matches_golden(collected, release):
    row = by_url(collected)[release["path"]]
    assert row["title"] == release["title"]
    assert row["lang"] == release["lang"]
    assert row["published_date"] == str(release["date"])
    assert row["dateline"] == release.get("dateline")
    assert row["status"] == "live"
    assert json.loads(row["tags"]) == release.get("tags", [])


@pytest.mark.parametrize("release", RECENT, ids=release_id)
def test_release_body_matches_golden(collected, release):
    row = by_url(collected)[release["path"]]
    assert row["body"] == expected_body(release["body"])
    assert row["word_count"] > 20


@pytest.mark.parametrize("release", [r for r in RECENT if r.get("images") or r.get("attachments")], ids=release_id)
def test_images_and_attachments_are_recorded(collected, release):
    row = by_url(collected)[release["path"]]
    images = json.loads(row["images"])
    attachments = json.loads(row["attachments"])
    assert [i["url"].removeprefix(collected["base"]) for i in images] == [i["src"] for i in release.get("images", [])]
    assert [i["caption"] for i in images] == [i.get("caption", "") for i in release.get("images", [])]
    assert [a["url"].removeprefix(collected["base"]) for a in attachments] == [
        a["href"] for a in release.get("attachments", [])
    ]


def test_no_boilerplate_in_any_body(collected):
    rows = query(collected["db"], "SELECT url, lang, title, body FROM releases")
    assert rows
    for row in rows:
        for text in GOLDEN["boilerplate"][row["lang"]]:
            assert text not in row["body"], f"{text!r} leaked into {row['url']}"
        assert not row["body"].startswith(row["title"])


def test_translations_share_a_group(collected):
    rows = query(collected["db"], "SELECT lang, url, translation_group FROM releases")
    groups: dict[str, set] = {}
    for row in rows:
        groups.setdefault(row["translation_group"], set()).add(row["lang"])
    nodes: dict[int, set] = {}
    for release in RECENT:
        nodes.setdefault(release["node"], set()).add(release["lang"])
    assert sorted(map(sorted, groups.values())) == sorted(map(sorted, nodes.values()))


def test_every_release_has_its_first_version_urls_and_raw_page(collected):
    db = collected["db"]
    assert query(db, "SELECT count(*) FROM release_versions")[0][0] == len(RECENT)
    assert query(db, "SELECT count(*) FROM releases r WHERE NOT EXISTS "
                     "(SELECT 1 FROM release_urls u WHERE u.release_id = r.id)")[0][0] == 0
    pages = query(db, "SELECT url, status, raw_html, warc_file, release_id FROM pages WHERE release_id IS NOT NULL")
    assert len(pages) == len(RECENT)
    assert all(p["status"] == 200 and p["raw_html"] is None and p["warc_file"] for p in pages)  # kept once: in the WARC
    assert all(len(stored_page(db, p["url"])) > 500 for p in pages)


@pytest.mark.parametrize("term", ["trafficking", "TRAFFICKING"])
def test_search_finds_english_word_case_insensitively(collected, term):
    rows = query(collected["db"], "SELECT r.lang FROM releases_fts f JOIN releases r ON r.id = f.rowid "
                                  "WHERE releases_fts MATCH ?", (term,))
    assert rows and {row["lang"] for row in rows} >= {"en"}


def _fts_hits(collected, term: str) -> set[str]:
    rows = query(collected["db"], "SELECT r.lang FROM releases_fts f JOIN releases r ON r.id = f.rowid "
                                  "WHERE releases_fts MATCH ?", (term,))
    return {row["lang"] for row in rows}


def _a_word(lang: str) -> str:
    """A long word from the body of a recent release in ``lang``."""
    body = expected_body(next(r for r in RECENT if r["lang"] == lang)["body"])
    return max((w.strip(".,;:«»()\"'–—") for w in body.split()), key=len)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_search_finds_cyrillic_words_in_any_case(collected, lang):
    word = _a_word(lang)
    assert lang in _fts_hits(collected, f'"{word.lower()}"')
    assert lang in _fts_hits(collected, f'"{word.upper()}"')


def test_run_is_recorded(collected):
    (run,) = query(collected["db"], "SELECT * FROM runs")
    assert run["status"] == "ok"
    assert run["releases_new"] == len(RECENT)
    assert run["errors"] == 0
    assert json.loads(run["arguments"])["since"] == SINCE.isoformat()


def test_second_run_adds_nothing(collected):
    db = collected["db"]
    before = {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in ("releases", "release_versions", "release_urls")}
    result = scrape("run", "--config", str(collected["config"]), "--since", SINCE.isoformat())
    assert result.exit_code == 0, result.output
    assert "0 new, 0 updated" in result.output
    after = {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in before}
    assert after == before
    last = query(db, "SELECT releases_unchanged FROM runs ORDER BY id DESC LIMIT 1")[0][0]
    assert last == len(RECENT)


def test_datasette_offers_search_on_releases(collected):
    datasette = pytest.importorskip("datasette.app")
    import asyncio

    async def fetch():
        ds = datasette.Datasette([str(collected["db"])])
        page = await ds.client.get("/archive/releases")
        hits = await ds.client.get("/archive/releases.json?_search=trafficking&_shape=array")
        prefix = await ds.client.get("/archive/releases.json?_search=мигрант*&_searchmode=raw&_shape=array")
        hyphen = await ds.client.get("/archive/releases.json?_search=көші-қон&_shape=array")
        return page, hits, prefix, hyphen

    page, hits, prefix, hyphen = asyncio.run(fetch())
    assert page.status_code == 200
    assert 'name="_search"' in page.text
    assert hits.status_code == 200 and len(hits.json()) >= 1
    assert prefix.status_code == 200 and {row["lang"] for row in prefix.json()} == {"ru", "kk"}
    assert hyphen.status_code == 200 and {row["lang"] for row in hyphen.json()} == {"kk"}


def test_language_alternates_are_recorded(collected):
    translated = next(r for r in RECENT if sum(o["node"] == r["node"] for o in GOLDEN["releases"]) == 3)
    row = by_url(collected)[translated["path"]]
    alternates = {lang: url.removeprefix(collected["base"]) for lang, url in json.loads(row["alternates"]).items()}
    assert set(alternates) == {"en", "ru", "kk"}
    assert alternates[translated["lang"]] == translated["path"]


def test_installed_scrape_command_runs_end_to_end(kazakhstan_server, tmp_path):
    """The console script from `pip install -e .`, as the README uses it, in a real subprocess."""
    import shutil
    import subprocess

    executable = shutil.which("scrape")
    assert executable, "the `scrape` console script is not installed (pip install -e .)"
    config = write_config(tmp_path, kazakhstan_server.base_url)
    done = subprocess.run([executable, "run", "--config", str(config), "--since", "2025-01-01", "--lang", "en"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    expected = [r for r in RECENT if r["lang"] == "en" and str(r["date"]) >= "2025-01-01"]
    assert f"{len(expected)} new" in done.stderr
    assert query(tmp_path / "archive.db", "SELECT count(*) FROM releases")[0][0] == len(expected)


def _fts_words(collected, term: str) -> set[str]:
    """Every word of the bodies that FTS matched for ``term`` and that starts like it."""
    import re

    stem = term.strip('"*').replace("-", " ").split()[0].lower()
    rows = query(collected["db"], "SELECT r.body FROM releases_fts f JOIN releases r ON r.id = f.rowid "
                                  "WHERE releases_fts MATCH ?", (term,))
    return {w.lower() for row in rows for w in re.findall(r"[\w-]+", row["body"]) if w.lower().startswith(stem)}


@pytest.mark.parametrize("term, forms", [
    ("мигрант*", {"мигрантов", "мигранттары"}),  # Russian and Kazakh inflections
    ("МИГРАНТ*", {"мигрантов"}),
    ('"көші-қон"*', {"көші-қон", "көші-қоны"}),  # a hyphenated Kazakh word, quoted, as a prefix
])
def test_prefix_search_finds_inflected_forms(collected, term, forms):
    assert forms <= _fts_words(collected, term)
