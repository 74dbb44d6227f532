"""Datasette on an archive built by `scrape run` over the fixture site: search in three languages,
facets, canned queries, views, the release page, read-only serving, and the metadata's column
descriptions (from archive/columns.py). Datasette runs in-process (``await ds.client.get``) as
``scrape serve`` makes it; tests/end_to_end/test_datasette_plugin.py runs plain ``datasette``."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import json
import re
import sqlite3
from collections import Counter
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

import pytest

from archive.columns import by_name, names
from archive.serve.metadata import column_descriptions, make_datasette, metadata
from archive.serve.names import INTERNAL_TABLES
from archive.search import stemmers
from archive.search.query import parse, term_variants
from archive.serve.plugin import escape_fts
from archive.views import VIEWS, ensure_views
from support.helpers import expected_body, load_golden, query, scrape, write_config

GOLDEN = load_golden()["releases"]


def text_of(release: dict) -> str:
    return release["title"] + "\n" + expected_body(release["body"])


def get(ds, path: str):
    return asyncio.run(ds.client.get(path))


def get_json(ds, path: str):
    response = get(ds, path)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def golden_by_path(archive: dict, url: str) -> dict:
    path = url.removeprefix(archive["base"])
    return next(r for r in GOLDEN if r["path"] == path)


@pytest.fixture(scope="module")
def archive(kazakhstan_server, tmp_path_factory):
    """Every fixture release, archived by one `scrape run`; views added as Archive.__init__ will."""
    directory = tmp_path_factory.mktemp("browse")
    config = write_config(directory, kazakhstan_server.base_url)
    result = scrape("run", "--config", str(config))
    assert result.exit_code == 0, result.output
    db = directory / "archive.db"
    conn = sqlite3.connect(db)
    ensure_views(conn)
    conn.close()
    ids = {row["url"].removeprefix(kazakhstan_server.base_url): row["id"]
           for row in query(db, "SELECT id, url FROM releases")}
    return {"db": db, "config": config, "base": kazakhstan_server.base_url, "ids": ids}


@pytest.fixture(scope="module")
def ds(archive):
    return make_datasette(archive["db"])


@pytest.fixture(scope="module")
def crossposted(archive, tmp_path_factory):
    """A copy of the archive in which one English release is marked a cross-post of another."""
    copy = tmp_path_factory.mktemp("crossposted") / "archive.db"
    source, target = sqlite3.connect(archive["db"]), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    english = [r for r in GOLDEN if r["lang"] == "en"]
    original, duplicate = archive["ids"][english[0]["path"]], archive["ids"][english[1]["path"]]
    with target:
        target.execute("UPDATE releases SET duplicate_of = ? WHERE id = ?", [original, duplicate])
    target.close()
    return {"db": copy, "ds": make_datasette(copy), "original": original, "duplicate": duplicate,
            "original_title": english[0]["title"], "duplicate_title": english[1]["title"]}


def test_fixture_archive_holds_every_golden_release(archive):
    assert sorted(archive["ids"]) == sorted(r["path"] for r in GOLDEN)


# --- search: every word form, in every language ----------------------------------------------------

def stem_matches(release: dict, search: str) -> bool:
    """What the stemmed index should find (FTS5 semantics: OR of groups of terms, NOT excluding a term):
    a phrase as a run of stems, a prefix as the start of a word or of its stem."""
    stems = stemmers.stems(text_of(release), release["lang"])
    words = [token for token, _ in stemmers.tokens(text_of(release))]
    query = parse(search)
    groups: list[list] = [[]]
    for operator, term in zip(query.operators, query.terms):
        if operator == "OR":
            groups.append([])
        groups[-1].append(term)

    def has(term) -> bool:
        variants = term_variants(term, archive_languages_of(GOLDEN))
        return any(_contains(stems, words, list(forms), prefix) for forms, prefix in variants)

    return any(all(has(term) != term.negated for term in group) for group in groups)


def _contains(stems: list[str], words: list[str], forms: list[str], prefix: bool) -> bool:
    n = len(forms)
    for i in range(len(stems) - n + 1):
        if stems[i:i + n - 1] != forms[:-1]:
            continue
        last = stems[i + n - 1]
        if (last.startswith(forms[-1]) or words[i + n - 1].startswith(forms[-1])) if prefix else last == forms[-1]:
            return True
    return False


def archive_languages_of(releases) -> tuple[str, ...]:
    return tuple(dict.fromkeys([r["lang"] for r in releases] + ["en", "ru", "kk"]))


def found_paths(archive, ds, path: str) -> set[str]:
    rows = get_json(ds, path + "&_col=url&_shape=array&_size=max")
    return {row["url"].removeprefix(archive["base"]) for row in rows}


SEARCHES = ["trafficking", "мигрантов", "көші-қон", "мигрант*", "Astana forum", "миграция", "мигранттарға",
            '"labour migration"', "trafficking OR торговли", "migration NOT labour", "ХКҰ-ның"]


@pytest.mark.parametrize("search", SEARCHES)
def test_search_box_finds_every_word_form(archive, ds, search):
    found = found_paths(archive, ds, f"/archive/releases.json?_search={quote(search)}")
    expected = {r["path"] for r in GOLDEN if stem_matches(r, search)}
    assert expected, f"the fixture has no release matching {search}"
    assert found == expected


@pytest.mark.parametrize("search, language, pattern", [
    ("миграция", "ru", r"\bмиграци[яию]\b"),  # миграция finds миграции and миграцию
    ("мигрантам", "ru", r"\bмигрант(ы|ов|ами|)\b"),
    ("мигранттарға", "kk", r"\bмигрант(қа|тары|тарын|тармен|тарының|тарына|ына|)\b"),  # a form the fixture lacks
    ("migrations", "en", r"\bmigrations?\b"),
])
def test_inflected_forms_find_each_other(archive, ds, search, language, pattern):
    found = found_paths(archive, ds, f"/archive/releases.json?lang={language}&_search={quote(search)}")
    expected = {r["path"] for r in GOLDEN if r["lang"] == language and re.search(pattern, text_of(r), re.I)}
    assert expected and found == expected


def test_one_search_finds_every_language_that_shares_the_stem(ds):
    langs = {r["lang"] for r in get_json(ds, "/archive/releases.json?_search=мигрантам&_shape=array&_size=max")}
    assert langs == {"ru", "kk"}  # Russian мигрант-ам and Kazakh мигрант-тарға
    assert {r["lang"] for r in get_json(ds, "/archive/releases.json?_search=trafficking&_shape=array")} == {"en"}
    assert {r["lang"] for r in get_json(ds, "/archive/releases.json?_search=көші-қон&_shape=array")} == {"kk"}


@pytest.mark.parametrize("search, pattern", [
    ("миграции", r"\bмиграции\b"),  # the exact form only
    ("мигрант*", r"\bмигрант\w*"),
    ("көші-қон", r"\bкөші\W+қон\b"),  # a hyphen is no FTS5 syntax error in raw mode either
    ("trafficking OR торговли", r"\btrafficking\b|\bторговли\b"),
    ("covid-19*", r"\bcovid\W+19"),
])
def test_raw_mode_searches_exact_forms_with_fts5_syntax(archive, ds, search, pattern):
    response = get(ds, f"/archive/releases.json?_searchmode=raw&_search={quote(search)}&_col=url&_shape=array&_size=max")
    assert response.status_code == 200, response.text[:300]
    found = {row["url"].removeprefix(archive["base"]) for row in response.json()}
    assert found == {r["path"] for r in GOLDEN if re.search(pattern, text_of(r), re.IGNORECASE)}


@pytest.mark.parametrize("query_text, expected", [
    ("trafficking", '"traffick"'),
    ("мигрант*", '("мигрант"*)'.strip("()")),
    ("көші-қон", '("көші қон")'.strip("()")),
    ('"labour migration" Astana', '"labour migrat" AND "astana"'),
    ("OR NOT", '"or" AND "not"'),
    ('unbalanced "quote', '"unbalanc" AND "quot"'),
    ("трудовых мигрантов", '("трудов" OR "трудовых") AND ("мигрант" OR "мигрантов")'),
    ("*", '""'),
    ("миграция", '("миграц" OR "миграция")'),
])
def test_escape_fts_is_the_stemmed_query(query_text, expected):
    assert escape_fts(query_text) == expected


# --- the releases table: facets, order, descriptions, links -----------------------------------

def test_facets_on_site_language_year_and_tags(ds):
    data = get_json(ds, "/archive/releases.json?_size=1")
    facets = data["facet_results"]
    assert {"site", "lang", "tags"} <= set(facets)
    year = next(f for f in facets.values() if f["type"] == "year")
    counts = {f: {item["value"]: item["count"] for item in facets[f]["results"]} for f in ("site", "lang")}
    assert counts["lang"] == dict(Counter(r["lang"] for r in GOLDEN))
    assert counts["site"] == {"kazakhstan": len(GOLDEN)}
    years = {item["value"]: item["count"] for item in year["results"]}
    assert years == dict(Counter(str(r["date"])[:4] for r in GOLDEN))
    assert list(years) == sorted(years, reverse=True)
    tags = {item["value"]: item["count"] for item in facets["tags"]["results"]}
    assert tags["Counter-trafficking"] == sum("Counter-trafficking" in r.get("tags", []) for r in GOLDEN)


def test_selecting_a_year_filters_the_table(ds):
    data = get_json(ds, "/archive/releases.json?_size=1")
    year = next(f for f in data["facet_results"].values() if f["type"] == "year")
    item = next(i for i in year["results"] if i["value"] == "2023")
    toggle = urlsplit(item["toggle_url"])
    assert "published_date__startswith=2023" in toggle.query
    rows = get_json(ds, toggle.path + "?" + toggle.query.replace("_size=1", "_size=max") + "&_shape=array")
    assert {r["published_date"][:4] for r in rows} == {"2023"}
    assert len(rows) == sum(str(r["date"]).startswith("2023") for r in GOLDEN)


def test_releases_open_newest_first(ds):
    rows = get_json(ds, "/archive/releases.json?_shape=array&_size=max&_col=published_date")
    dates = [row["published_date"] for row in rows]
    assert dates == sorted(dates, reverse=True) and len(dates) == len(GOLDEN)


def test_table_page_has_title_search_box_descriptions_and_release_links(archive, ds):
    page = get(ds, "/archive/releases")
    assert page.status_code == 200
    assert "Press releases" in page.text
    assert 'name="_search"' in page.text
    assert html.escape(column_descriptions()["releases"]["translation_group"], quote=False) in page.text
    newest = max(GOLDEN, key=lambda r: (str(r["date"]), archive["ids"][r["path"]]))
    assert f'<a href="/archive/release/{archive["ids"][newest["path"]]}">{html.escape(newest["title"])}</a>' in page.text


# --- views --------------------------------------------------------------------------------------

def test_translations_view_puts_the_language_versions_side_by_side(archive, ds):
    rows = get_json(ds, "/archive/translations.json?lang=en&translation_lang=ru&_shape=array&_size=max")
    pairs = {(row["title"], row["translation_title"]) for row in rows}
    nodes = {}
    for release in GOLDEN:
        nodes.setdefault(release["node"], {})[release["lang"]] = release["title"]
    expected = {(titles["en"], titles["ru"]) for titles in nodes.values() if {"en", "ru"} <= set(titles)}
    assert pairs == expected
    assert all(row["body"] and row["translation_body"] for row in rows)


def test_releases_unique_leaves_out_cross_posts(crossposted):
    rows = get_json(crossposted["ds"], "/archive/releases_unique.json?_shape=array&_size=max&_col=id")
    ids = {row["id"] for row in rows}
    assert crossposted["duplicate"] not in ids and crossposted["original"] in ids
    assert len(ids) == len(GOLDEN) - 1
    hits = get_json(crossposted["ds"], "/archive/releases_unique.json?_search=trafficking&_shape=array")
    assert hits and all(hit["duplicate_of"] is None for hit in hits)


def test_ensure_views_writes_only_what_changed(tmp_path):
    db = tmp_path / "views.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE releases (id INTEGER PRIMARY KEY, duplicate_of INTEGER, translation_group TEXT, "
                 "site TEXT, published_date TEXT, lang TEXT, title TEXT, body TEXT, url TEXT)")
    assert sorted(ensure_views(conn)) == sorted(VIEWS)
    assert ensure_views(conn) == []
    conn.execute("DROP VIEW releases_unique")
    conn.execute("CREATE VIEW releases_unique AS SELECT * FROM releases")  # an outdated definition
    assert ensure_views(conn) == ["releases_unique"]
    conn.execute("INSERT INTO releases (id, duplicate_of) VALUES (1, NULL), (2, 1)")
    assert conn.execute("SELECT id FROM releases_unique").fetchall() == [(1,)]
    conn.close()


# --- canned queries -------------------------------------------------------------------------------

@pytest.mark.parametrize("term", ["trafficking", "көші-қон", "мигрант*", "миграция"])
def test_term_per_year_and_language(ds, term):
    rows = get_json(ds, f"/archive/term_per_year.json?term={quote(term)}&_shape=array")
    counts = {(row["year"], row["lang"]): row["releases"] for row in rows}
    expected = Counter((str(r["date"])[:4], r["lang"]) for r in GOLDEN if stem_matches(r, term))
    assert counts == dict(expected)


def test_translations_of_a_release(archive, ds):
    release = next(r for r in GOLDEN if sum(o["node"] == r["node"] for o in GOLDEN) == 3)
    rows = get_json(ds, f"/archive/translations_of_release.json?id={archive['ids'][release['path']]}&_shape=array")
    assert sorted(row["lang"] for row in rows) == ["en", "kk", "ru"]
    assert [row["this_release"] for row in rows] == [1, 0, 0] and rows[0]["title"] == release["title"]


def test_versions_of_a_release(archive, ds):
    release_id = archive["ids"][GOLDEN[0]["path"]]
    rows = get_json(ds, f"/archive/versions_of_release.json?id={release_id}&_shape=array")
    assert [row["version"] for row in rows] == [1]
    assert rows[0]["body"] == expected_body(GOLDEN[0]["body"])


def test_cross_posts_query(crossposted):
    rows = get_json(crossposted["ds"], "/archive/cross_posts.json?_shape=array")
    assert [(row["id"], row["original_id"]) for row in rows] == [(crossposted["duplicate"], crossposted["original"])]


def test_every_canned_query_runs_and_its_form_renders(archive, ds):
    release_id = next(iter(archive["ids"].values()))
    for name in metadata()["databases"]["archive"]["queries"]:
        assert get(ds, f"/archive/{name}").status_code == 200, name
        response = get(ds, f"/archive/{name}.json?id={release_id}&term=migration")
        assert response.status_code == 200 and response.json()["ok"], (name, response.text[:300])


# --- the release page ----------------------------------------------------------------------------

def test_release_page_reads_like_the_release(archive, ds):
    release = next(r for r in GOLDEN if r.get("dateline") and sum(o["node"] == r["node"] for o in GOLDEN) == 3
                   and r["lang"] == "ru")
    release_id = archive["ids"][release["path"]]
    page = get(ds, f"/archive/release/{release_id}")
    assert page.status_code == 200
    text = page.text
    assert f"<h1>{html.escape(release['title'])}</h1>" in text
    assert str(release["date"]) in text and html.escape(release["dateline"]) in text and "Русский" in text
    for block in release["body"]:
        if isinstance(block, str):
            assert f"<p>{html.escape(block)}</p>" in text
    for other in (r for r in GOLDEN if r["node"] == release["node"] and r is not release):
        link = f'<a href="/archive/release/{archive["ids"][other["path"]]}" hreflang="{other["lang"]}">'
        assert link in text, f"no link to the {other['lang']} translation"
        assert html.escape(other["title"]) in text
    assert "/archive/release_versions/" in text and "version 1" in text
    assert f'href="{archive["base"]}{release["path"]}"' in text
    assert "Cross-posts" not in text and "A cross-post of" not in text


def test_release_page_shows_list_items_as_a_list(archive, ds):
    release = next(r for r in GOLDEN if any(isinstance(block, dict) for block in r["body"]))
    page = get(ds, f"/archive/release/{archive['ids'][release['path']]}")
    (items,) = next(block for block in release["body"] if isinstance(block, dict)).values()
    assert "<ul><li>" + "</li><li>".join(html.escape(item) for item in items) + "</li></ul>" in page.text


def test_release_page_links_a_cross_post_and_its_original(crossposted):
    ds = crossposted["ds"]
    duplicate = get(ds, f"/archive/release/{crossposted['duplicate']}").text
    original = get(ds, f"/archive/release/{crossposted['original']}").text
    assert "A cross-post of" in duplicate and f'href="/archive/release/{crossposted["original"]}"' in duplicate
    assert "Cross-posts of this release" in original
    assert (f'<a href="/archive/release/{crossposted["duplicate"]}">{html.escape(crossposted["duplicate_title"])}</a>'
            in original)


@pytest.mark.parametrize("path", ["/archive/release/999999", "/nosuchdb/release/1"])
def test_release_page_is_404_for_what_does_not_exist(ds, path):
    assert get(ds, path).status_code == 404


# --- read-only serving, the CLI, the metadata -------------------------------------------------------

def test_served_archive_is_read_only_and_shows_new_runs_without_restart(archive, ds):
    assert get_json(ds, "/archive/runs.json?_shape=array")  # Datasette has the file open
    before = query(archive["db"], "SELECT count(*) FROM runs")[0][0]
    result = scrape("run", "--config", str(archive["config"]), "--lang", "kk")
    assert result.exit_code == 0, result.output  # a run is not blocked by the open Datasette
    runs = get_json(ds, "/archive/runs.json?_shape=array&_size=max")
    assert len(runs) == before + 1
    assert get(ds, "/archive.json?sql=delete+from+runs").status_code != 200
    assert ds.get_database("archive").is_mutable  # mode=ro: sees new rows; immutable only on request


def test_immutable_mode(archive):
    immutable = make_datasette(archive["db"], immutable=True)
    assert not immutable.get_database("archive").is_mutable
    assert len(get_json(immutable, "/archive/releases.json?_shape=array&_size=max")) == len(GOLDEN)


def test_scrape_serve_get_and_metadata(archive):
    ok = scrape("serve", "--archive", str(archive["db"]), "--get", "/archive/releases.json?_search=trafficking&_shape=array")
    assert ok.exit_code == 0 and json.loads(ok.stdout)
    missing = scrape("serve", "--archive", str(archive["db"]), "--get", "/archive/no_such_table")
    assert missing.exit_code == 1 and "HTTP 404" in missing.stderr
    meta = scrape("serve", "--archive", str(archive["db"]), "--metadata")
    assert json.loads(meta.stdout)["databases"]["archive"]["tables"]["releases"]["sort_desc"] == "published_date"
    absent = scrape("serve", "--archive", str(archive["db"].parent / "absent.db"))
    assert absent.exit_code == 2 and "no archive at" in absent.output


def test_column_descriptions_come_from_archive_columns():
    described = column_descriptions()
    assert described["releases"]["dateline"].startswith("the place opening the first paragraph")
    assert "`" not in described["releases"]["tags"] and "<Drupal node id>" in described["releases"]["translation_group"]
    assert described["releases"]["word_count"] == by_name("releases")["word_count"].description.replace("`", "")
    assert described["runs"]["started_at"] == described["runs"]["finished_at"] == "UTC timestamps"
    served = metadata()["databases"]["archive"]["tables"]
    assert served["releases"]["columns"] == served["releases_unique"]["columns"] == described["releases"]
    for table in ("translations", "release_versions", "release_urls", "pages", "runs"):
        assert served[table]["columns"] == described[table] and list(described[table]) == list(names(table))


@pytest.mark.parametrize("table", ["releases", "releases_unique", "translations", "release_versions", "release_urls"])
def test_every_column_researchers_browse_is_described(archive, table):
    columns = [row["name"] for row in query(archive["db"], f"PRAGMA table_info({table})")]
    described = metadata()["databases"]["archive"]["tables"][table]["columns"]
    missing = [column for column in columns if not described.get(column)]
    assert columns and not missing, f"{table}: describe {missing} in archive/columns.py"


# --- what a researcher sees: results, home page, exports, feeds ----------------------------------------

def results_of(page: str) -> list[str]:
    return re.findall(r'<li class="iom-result".*?</li>', page, re.S)


def test_results_show_title_date_language_site_and_a_marked_snippet_not_the_whole_body(archive, ds):
    page = get(ds, f"/archive/releases?_search={quote('миграция')}").text
    rows = get_json(ds, f"/archive/releases.json?_search={quote('миграция')}&_shape=array&_size=max")
    items = results_of(page)
    assert len(items) == len(rows) > 0
    for item, row in zip(items, rows):
        assert f'<a href="/archive/release/{row["id"]}">{html.escape(row["title"])}</a>' in item
        assert row["published_date"] in item and "Русский" in item and "kazakhstan" in item
        assert re.search(r"<mark>миграци\w*</mark>", item, re.I), item
    longest = max(rows, key=lambda row: len(row["body"]))
    assert len(longest["body"]) > 1000 and html.escape(longest["body"], quote=False) not in page  # only a snippet
    assert all(row["body"] for row in rows)  # the JSON keeps the whole text


def test_each_result_links_its_other_language_versions(archive, ds):
    release = next(r for r in GOLDEN if r["lang"] == "en" and sum(o["node"] == r["node"] for o in GOLDEN) == 3)
    release_id = archive["ids"][release["path"]]
    (item,) = results_of(get(ds, f"/archive/releases?id={release_id}").text)
    for other in (r for r in GOLDEN if r["node"] == release["node"] and r is not release):
        assert f'href="/archive/release/{archive["ids"][other["path"]]}" hreflang="{other["lang"]}"' in item


def test_results_can_be_grouped_by_translation(ds):
    search = quote("мигрантам")
    listed = results_of(get(ds, f"/archive/releases?_search={search}&_size=max").text)
    grouped = results_of(get(ds, f"/archive/releases?_search={search}&_size=max&_translations=group").text)
    assert len(grouped) < len(listed) and any("Also matched" in item for item in grouped)
    rows = get_json(ds, f"/archive/search_across_languages.json?q={search}&_shape=array")
    assert rows and all(set(row["languages_matched"].split(", ")) <= set(row["languages"].split(", ")) for row in rows)
    assert len(rows) == len({r.get("node") or r["path"] for r in GOLDEN if stem_matches(r, "мигрантам")})


def test_every_column_is_one_click_away(ds):
    page = get(ds, "/archive/releases").text
    assert '<details class="iom-columns"><summary>What each column means</summary>' in page
    assert page.index('name="_search"') < page.index('<li class="iom-result"')
    table = get(ds, "/archive/releases?_table=rows").text
    assert "iom-result" not in table and 'class="rows-and-columns"' in table


def test_home_and_database_pages_lead_with_releases_and_a_search_box(ds):
    home = get(ds, "/").text
    assert 'action="/archive/releases"' in home and home.index('name="_search"') < home.index("<h2")
    database = get(ds, "/archive").text
    tables = re.findall(r'<h3><a href="/archive/([^"]+)">', database)
    assert tables[0] == "releases" and "select * from releases</textarea>" in database
    assert not {"dedup_bands", "dedup_signatures", "dedup_meta", "template_blocks", "search_meta"} & set(tables)
    assert not set(INTERNAL_TABLES) & set(tables)  # every internal table, kept_responses included
    assert 'action="/archive/releases"' in database


def test_csv_of_every_matching_row_streamed_with_a_bom(archive, ds):
    page = get(ds, "/archive/releases?lang=ru").text
    link = html.unescape(re.search(r'<a href="([^"]+)">CSV for Excel</a>', page).group(1))
    assert "_stream=on" in link and "_bom=1" in link and "lang=ru" in link
    response = get(ds, link + "&_size=2")  # pages of 2 rows: the stream still holds every row
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers.get("content-disposition", "")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == sum(r["lang"] == "ru" for r in GOLDEN) and {row["lang"] for row in rows} == {"ru"}
    plain = get(ds, link.replace("&_bom=1", ""))
    assert not plain.content.startswith(b"\xef\xbb\xbf")


def test_atom_feed_of_a_search_and_a_facet(archive, ds):
    page = get(ds, f"/archive/releases?_search=trafficking&lang=en").text
    link = html.unescape(re.search(r'<a href="([^"]+)">Atom feed</a>', page).group(1))
    response = get(ds, link)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    rows = get_json(ds, "/archive/releases.json?_search=trafficking&lang=en&_shape=array")
    assert [e.find("a:title", ns).text for e in entries] == [row["title"] for row in rows]
    for entry, row in zip(entries, rows):
        links = {l.get("rel"): l.get("href") for l in entry.findall("a:link", ns)}
        assert links["alternate"].endswith(f"/archive/release/{row['id']}") and links["related"] == row["url"]
        assert entry.find("a:id", ns).text == row["url"] and "<mark>" in entry.find("a:summary", ns).text
    assert "trafficking" in feed.find("a:title", ns).text and "lang=en" in feed.find("a:title", ns).text
    assert get(ds, "/archive/runs.atom").status_code == 404  # only the release tables have feeds


def test_the_year_facet_is_titled_once(ds):
    page = get(ds, "/archive/releases").text
    assert "published_date (year)" in page and "(year) (year)" not in page


@pytest.mark.parametrize("path, linked", [("translations_of_release?id={id}", "{id}"),
                                          ("versions_of_release?id={id}", "{id}")])
def test_canned_query_results_link_to_release_pages(archive, ds, path, linked):
    release_id = next(iter(archive["ids"].values()))
    page = get(ds, "/archive/" + path.format(id=release_id)).text
    assert f'href="/archive/release/{linked.format(id=release_id)}"' in page


def test_cross_posts_query_links_both_releases(crossposted):
    page = get(crossposted["ds"], "/archive/cross_posts").text
    assert f'href="/archive/release/{crossposted["duplicate"]}"' in page
    assert f'href="/archive/release/{crossposted["original"]}"' in page


def test_custom_sql_results_are_not_linked(ds):
    page = get(ds, "/archive?sql=" + quote("select id, title from release_versions")).text
    assert "/archive/release/" not in page


def test_empty_and_odd_searches_are_not_errors(ds):
    for search in ["", " ", '"', "OR", "*", "(", "a-", "NEAR(", "title:x"]:
        for mode in ("", "&_searchmode=raw"):
            response = get(ds, f"/archive/releases.json?_search={quote(search)}{mode}")
            assert response.status_code in (200, 400) and (response.status_code == 200 or mode), (search, mode)


# --- safety: links, ids, allocations, paths ------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(archive, tmp_path_factory):
    """A copy whose first release links attachments and images with javascript: and data: URLs."""
    copy = tmp_path_factory.mktemp("hostile") / "archive.db"
    source, target = sqlite3.connect(archive["db"]), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    release_id = next(iter(archive["ids"].values()))
    attachments = [{"url": "javascript:alert(1)", "title": "Report"}, {"url": "https://example.org/a.pdf", "title": "Good"},
                   {"url": " JavaScript:alert(2)", "title": "Spaced"}]
    images = [{"url": "data:text/html;base64,PHNjcmlwdD4=", "alt": "picture", "caption": ""},
              {"url": "//evil.example/x.png", "alt": "relative", "caption": ""}]
    with target:
        target.execute("UPDATE releases SET attachments = ?, images = ? WHERE id = ?",
                       [json.dumps(attachments), json.dumps(images), release_id])
    target.close()
    return {"ds": make_datasette(copy), "id": release_id}


def test_only_http_links_are_links_on_the_release_page(hostile):
    page = get(hostile["ds"], f"/archive/release/{hostile['id']}").text
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert not [h for h in hrefs if re.match(r"\s*(javascript|data):", h, re.I) or h.startswith("//")]
    assert '<a href="https://example.org/a.pdf">Good</a>' in page
    assert "Report" in page and "javascript:alert(1)" in page  # shown as text


@pytest.mark.parametrize("path", ["/archive/release/99999999999999999999999", "/archive/release/9223372036854775808",
                                  "/archive/release/9223372036854775807", "/archive/releases/99999999999999999999999",
                                  "/archive/release/99999999999999999999999/versions"])
def test_a_huge_release_id_is_404_not_500(ds, path):
    assert get(ds, path).status_code == 404


def test_a_query_cannot_allocate_hundreds_of_megabytes(ds):
    for sql in ["select length(randomblob(300000000))", "select length(zeroblob(300000000))",
                "select length(replace(hex(randomblob(20000000)), '0', '00'))"]:
        response = get(ds, "/archive.json?sql=" + quote(sql))
        assert response.status_code == 400, (sql, response.text[:200])
    too_long = get_json(ds, "/archive.json?sql=" + quote("select length(printf('%.*c', 300000000, 'x')) as n") + "&_shape=array")
    assert too_long == [{"n": None}]  # SQLite gives up at the length limit instead of allocating
    assert get_json(ds, "/archive.json?sql=" + quote("select length(randomblob(1000)) as n") + "&_shape=array") == [{"n": 1000}]


def test_the_archives_absolute_path_is_not_shown(archive, ds):
    absolute = str(archive["db"].resolve())
    for path in ["/-/databases.json", "/-/databases", "/archive", "/", "/archive/releases", "/-/metadata.json"]:
        text = get(ds, path).text
        assert absolute not in text and str(archive["db"].parent) not in text, path
    assert get_json(ds, "/-/databases.json")[0]["path"] == "archive.db"


def test_versions_are_compared_word_by_word(archive, tmp_path):
    copy = tmp_path / "archive.db"
    source, target = sqlite3.connect(archive["db"]), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    release_id = next(iter(archive["ids"].values()))
    with target:
        body, title = target.execute("SELECT body, title FROM release_versions WHERE release_id = ?", [release_id]).fetchone()
        target.execute("INSERT INTO release_versions (release_id, version, title, body, content_hash, seen_at, "
                       "changed, cause) VALUES (?, 2, ?, ?, 'x', '2026-01-01T00:00:00+00:00', 'body', 'site')",
                       [release_id, title, body.replace(body.split()[3], "REPLACED", 1) + " An added sentence."])
    target.close()
    served = make_datasette(copy)
    release = get(served, f"/archive/release/{release_id}").text
    assert f'href="/archive/release/{release_id}/versions"' in release
    assert "version 2, first seen 2026-01-01T00:00:00+00:00, changed: body" in release
    page = get(served, f"/archive/release/{release_id}/versions").text
    assert "Version 2, first seen 2026-01-01T00:00:00+00:00, changed: body (site)" in page
    assert "<ins>REPLACED</ins>" in page and "<ins> An added sentence.</ins>" in page.replace("<ins> ", "<ins> ")
    assert re.search(r"<del>[^<]+</del>", page) and "Version 2" in page


def test_release_page_labels_its_metadata_and_keeps_list_bullets(archive, ds):
    release = next(r for r in GOLDEN if any(isinstance(block, dict) for block in r["body"]))
    page = get(ds, f"/archive/release/{archive['ids'][release['path']]}").text
    assert "<dt>Published:</dt>" in page and "<dt>Language:</dt>" in page and "<dt>Site:</dt>" in page
    assert ".release .body ul, .release ul.files { list-style: disc;" in page  # Datasette resets lists
