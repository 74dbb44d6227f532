"""The search results page (archive/serve/searchpage.py) shows what Datasette's own table view would.

The HTML page of ``/<db>/releases?_search=…`` is worked out in memory (matches from the index,
filtered, paged and faceted with archive/search/ranked.py); the JSON of the same URL is Datasette's
own SQL. On an archive with ties in dates, undated releases, tags, review flags, removed
releases and cross-posts, for searches in three languages, stemmed and raw, with facet filters, on
``releases`` and ``releases_unique``, walked page by page: the same count, the same facets (values,
counts, links), the same releases in the same order, and next links that continue where the page
stopped.
"""

from __future__ import annotations

import asyncio
import html
import random
import re
import sqlite3
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from archive.serve.metadata import make_datasette
from archive.serve.searchpage import CURRENT
from archive.store import Archive

WORDS = {"en": ["migration", "migrants", "migrant", "labour", "border", "climate", "health", "workers"],
         "ru": ["миграция", "миграции", "мигрантам", "трудовых", "границы", "климата", "здоровье"],
         "kk": ["көші-қон", "көші-қонның", "мигранттарға", "еңбек", "шекара", "денсаулық"]}
TAGS = ['[]', '[]', '["Counter-trafficking"]', '["Health", "Border"]', '["Border"]']


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("search-page") / "archive.db"
    rng = random.Random(14)
    with Archive(path) as store:
        rows = []
        for number in range(240):
            lang = ("en", "ru", "kk")[number % 3]
            words = [rng.choice(WORDS[lang]) for _ in range(30)]
            date = None if number % 23 == 0 else f"202{number % 4}-0{1 + number % 3}-{1 + number % 5:02d}"
            rows.append((f"site{number % 3}", lang, f"https://example.org/{lang}/{number}", " ".join(words[:5]),
                         " ".join(words), 30, date, f"h{number}", f"g{number // 3}", "2026-01-01", "2026-01-01",
                         "2026-01-01", TAGS[number % 5], 1 if number % 9 == 0 else 0,
                         "removed" if number % 13 == 0 else "live"))
        with store.db.atomic():
            store.db.conn.executemany(
                "INSERT INTO releases (site, lang, url, title, body, word_count, published_date, content_hash, "
                "translation_group, first_seen, last_seen, updated_at, tags, needs_review, status) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            store.db.execute("UPDATE releases SET duplicate_of = id - 1 WHERE id % 11 = 0")
    return path


@pytest.fixture(scope="module")
def ds(archive):
    return make_datasette(archive)


def get(ds, path: str):
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text[:1000]
    return response


def page_of(ds, path: str) -> dict:
    text = get(ds, path).text
    count = re.search(r"<h3>([\d,]+) rows?\s*(.*?)\s*</h3>", text, re.S)
    facets = {}
    for name, body in re.findall(r'<div class="facet-info [^"]*" id="[^"]*" data-column="([^"]+)">(.*?)</ul>',
                                 text, re.S):
        items = []
        for link, label, number in re.findall(r'<li><a href="([^"]+)">([^<]*)</a> ([\d,]+)</li>', body):
            items.append((html.unescape(label), int(number.replace(",", "")), html.unescape(link), False))
        for label, number, link in re.findall(r'<li>([^<]*?) &middot; ([\d,]+) <a href="([^"]+)" class="cross">',
                                              body):
            items.append((html.unescape(label), int(number.replace(",", "")), html.unescape(link), True))
        facets[name] = items
    following = re.search(r'<p><a href="([^"]+)">Next page</a></p>', text)
    return {
        "count": int(count[1].replace(",", "")) if count else None,
        "description": html.unescape(count[2]) if count else None,
        "filter_values": [html.unescape(v) for v in re.findall(r'name="_filter_value_\d+" class="filter-value" '
                                                                 r'value="([^"]*)"', text)],
        "ids": [int(i) for i in re.findall(r'<div class="iom-title"><a href="/archive/release/(\d+)"', text)],
        "facets": facets,
        "next": html.unescape(following[1]) if following else None,
        "text": text,
    }


def json_of(ds, path: str) -> dict:
    table, _, query = path.partition("?")
    data = get(ds, f"{table.removesuffix('.json')}.json?{query}&_shape=objects").json()
    facets = {}
    for facet in data["facet_results"].values():
        facets[facet["name"]] = [(str(v["label"]) if v["label"] or not v["selected"] else "-",  # as the template shows
                                  v["count"], v["toggle_url"], v["selected"]) for v in facet["results"]]
    return {"count": data["filtered_table_rows_count"], "description": data["human_description_en"],
            "ids": [row["id"] for row in data["rows"]],
            "facets": facets, "next": data["next_url"], "timed_out": data.get("facets_timed_out")}


def args(url: str) -> dict:
    return {key: value for key, value in parse_qsl(urlsplit(url).query) if key != "_shape"}


def expected_order(archive, table: str, fts: str, search: str, raw: bool, where: str = "") -> list[int]:
    conn = sqlite3.connect(archive)
    Archive(archive).close()  # registers nothing on conn: escape_fts is the plugin's; compute it here
    from archive.search.query import quote_hyphenated, stemmed_match

    match = quote_hyphenated(search) if raw else stemmed_match(search)
    rows = conn.execute(f"SELECT id FROM {table} WHERE id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?) {where} "
                        "ORDER BY published_date IS NULL, published_date DESC, id", [match]).fetchall()
    conn.close()
    return [row[0] for row in rows]


CASES = [
    ("releases", "миграция", ""),
    ("releases", "migrants", ""),
    ("releases", "көші-қон", ""),
    ("releases", "көші-қон", "&_searchmode=raw"),
    ("releases", "миграции", "&_searchmode=raw"),
    ("releases", "labour OR border", "&lang=en"),
    ("releases", "миграция", "&site=site1&needs_review=0"),
    ("releases", "migration", "&published_date__startswith=2022"),
    ("releases", "шекара", "&tags__arraycontains=Border"),
    ("releases", "климата", "&status=removed"),
    ("releases_unique", "миграция", ""),
    ("releases_unique", "migrants", "&lang=en&tags__arraycontains=Health"),
    ("releases", "nothingmatchesthis", ""),
]


@pytest.mark.parametrize("table, search, extra", CASES)
def test_results_page_is_datasettes_page(ds, archive, table, search, extra):
    path = f"/archive/{table}?_search={quote(search)}{extra}&_size=7"
    fast, slow = page_of(ds, path), json_of(ds, path)
    assert fast["count"] == slow["count"]
    assert fast["description"] == slow["description"] or slow["count"] == 0  # "where search matches …, lang = …"
    assert sorted(fast["filter_values"]) == sorted(value for key, value in parse_qsl(extra) if not key.startswith("_"))
    assert not slow["timed_out"]
    assert set(fast["facets"]) == set(slow["facets"]) or slow["count"] == 0
    for name, values in slow["facets"].items():
        mine = {label: (count, args(link), selected) for label, count, link, selected in fast["facets"][name]}
        assert mine == {label: (count, args(link), selected) for label, count, link, selected in values}, name
    raw = "_searchmode=raw" in extra
    fts = "releases_fts" if raw else "releases_stemmed_fts"
    where = "".join(f" AND {key} = '{value}'" for key, value in parse_qsl(extra)
                    if key in ("lang", "site", "needs_review", "status"))
    where += "".join(f" AND published_date LIKE '{value}%'" for key, value in parse_qsl(extra)
                     if key == "published_date__startswith")
    where += "".join(f" AND '{value}' IN (SELECT value FROM json_each(tags))" for key, value in parse_qsl(extra)
                     if key == "tags__arraycontains")
    expected = expected_order(archive, table, fts, search, raw, where)
    assert len(expected) == fast["count"]
    walked, walked_json, url, json_url, pages = [], [], path, path, 0
    while url:
        fast = page_of(ds, url)
        assert len(fast["ids"]) <= 7 and (fast["next"] is None) == (len(walked) + len(fast["ids"]) == len(expected))
        walked += fast["ids"]
        url = fast["next"] and fast["next"].removeprefix("http://localhost")
        slow = json_of(ds, json_url)
        walked_json += slow["ids"]
        json_url = slow["next"] and slow["next"].removeprefix("http://localhost")
        pages += 1
        assert pages < 60
    assert walked == expected  # newest first, ties by id, undated last: every match once
    assert sorted(walked_json) == sorted(expected)


def test_page_links_keep_the_search_as_asked(ds):
    page = page_of(ds, f"/archive/releases?_search={quote('миграция')}&lang=ru&_size=5")
    assert page["ids"] and page["next"]
    assert args(page["next"])["_search"] == "миграция" and args(page["next"])["lang"] == "ru"
    text = page["text"]
    assert "_nocount" not in text and "_nofacet" not in text
    assert 'value="миграция"' in text  # the search box
    edit = re.search(r'title="([^"]+)" href="/archive\?sql=', text)
    assert "releases_stemmed_fts" in html.unescape(edit[1]) and "id in (select rowid" in html.unescape(edit[1])
    for link in re.findall(r'href="(/archive/releases\.(?:json|csv|atom)[^"]*)"', text):
        assert args(html.unescape(link)).get("_search") == "миграция", link
    response = asyncio.run(ds.client.get(f"/archive/releases?_search={quote('миграция')}"))
    assert "_nocount" not in response.headers.get("link", "") and "_search=" in response.headers.get("link", "")


def test_other_requests_go_to_datasettes_table_view(ds, monkeypatch):
    """A sort, a filter or a facet the page does not handle, or a JSON request: Datasette's own SQL."""
    seen = []
    import archive.serve.searchpage as searchpage

    original = searchpage.prepare

    async def spying(*a, **k):
        found = await original(*a, **k)
        seen.append(found is not None)
        return found

    monkeypatch.setattr(searchpage, "prepare", spying)
    search = quote("миграция")
    get(ds, f"/archive/releases?_search={search}")
    assert seen == [True]
    for path in (f"/archive/releases?_search={search}&_sort=title", f"/archive/releases?_search={search}&title__contains=a",
                 f"/archive/releases?_search={search}&_facet=url", f"/archive/releases?_search={search}&_table=rows",
                 f"/archive/releases?_search={search}&lang=ru&lang=en"):
        seen.clear()
        page = get(ds, path)
        assert seen == [False], path
        assert CURRENT.get() is None
        assert page.status_code == 200
    seen.clear()
    get(ds, f"/archive/releases.json?_search={search}")
    assert seen == []  # JSON never reaches it


def test_a_new_release_is_found_without_a_restart(ds, archive):
    search = quote("денсаулық")
    before = page_of(ds, f"/archive/releases?_search={search}")["count"]
    with Archive(archive) as store:
        with store.db.atomic():
            store.db.execute(
                "INSERT INTO releases (site, lang, url, title, body, word_count, published_date, content_hash, "
                "first_seen, last_seen) VALUES ('site0', 'kk', 'https://example.org/kk/new', 'жаңа', "
                "'денсаулықты сақтау', 2, '2030-01-01', 'hnew', '2026-01-02', '2026-01-02')")
    after = page_of(ds, f"/archive/releases?_search={search}")
    assert after["count"] == before + 1
    newest = max(after["ids"]) if after["ids"] else None
    assert after["ids"][0] == newest  # dated 2030: first


def test_columns_read_while_the_server_starts_serve_the_first_search(archive, monkeypatch):
    """``scrape serve`` reads the per-release columns in a thread as it starts (a million releases take
    seconds): the first search uses them, not a second read, and shows what it would have shown."""
    from archive.serve import searchpage

    expected = page_of(make_datasette(archive), "/archive/releases?_search=migrants")
    served = make_datasette(archive)
    reads = []
    real = searchpage.load_columns
    monkeypatch.setattr(searchpage, "load_columns", lambda conn: reads.append(1) or real(conn))
    searchpage.preload(served.get_database("archive")).result(timeout=30)
    found = page_of(served, "/archive/releases?_search=migrants")
    assert len(reads) == 1 and (found["count"], found["ids"]) == (expected["count"], expected["ids"])


def test_a_search_asked_again_reuses_its_matches_until_the_archive_changes(archive, monkeypatch):
    """A facet clicked or the next page searches again what was just searched: the index is read
    once, and again after the archive changes (or after RECENT_SEARCHES other searches)."""
    from archive.serve import searchpage

    served = make_datasette(archive)
    reads = []
    real = searchpage._matches
    monkeypatch.setattr(searchpage, "_matches", lambda *a: reads.append(a[2]) or real(*a))
    first = page_of(served, "/archive/releases?_search=migration")
    by_lang = page_of(served, "/archive/releases?_search=migration&lang=en")
    assert reads == ["migration"] and by_lang["count"] == first["count"]  # every match is English
    for other in ["border", "climate", "labour", "health", "workers", "migrants", "migrant", "шекара"]:
        page_of(served, f"/archive/releases?_search={quote(other)}")
    page_of(served, "/archive/releases?_search=migration")
    assert reads.count("migration") == 2  # eight other searches later: read again
    with Archive(archive) as store:
        with store.db.atomic():
            store.db.execute("UPDATE releases SET body = body || ' migration' WHERE id = 2")  # a Russian release
    after = page_of(served, "/archive/releases?_search=migration")
    assert reads.count("migration") == 3 and after["count"] == first["count"] + 1
