"""The stemmed index (archive/search): one tokeniser and stemmer choice at index and query time, the
search syntax as FTS5, the index kept in sync by triggers and rebuilt when the stemmers change, and
snippets. On in-memory and temporary archives with real rows."""

from __future__ import annotations

import re
import sqlite3

import pytest

from archive import schema
from archive.search import index, stemmers
from archive.search.query import parse, quote_hyphenated, stemmed_match
from archive.search.snippets import snippet
from archive.store import Archive, ReleaseRecord
from support.helpers import downgrade

RELEASES = [
    ("ru", "Форум по миграции", "Вопросы миграции и помощь мигрантам обсудили в Астане. Трудовая миграция растёт."),
    ("ru", "Ёлка для детей мигрантов", "Праздник для детей трудовых мигрантов."),
    ("en", "Forum on labour migration", "Ministers discussed labour migrants and counter-trafficking in Astana."),
    ("en", "Traffickers sentenced", "Court cases against traffickers; COVID-19 support for migrant workers."),
    ("kk", "Көші-қон форумы", "Мигранттарға көмек көрсетілді. ХКҰ-ның қолдауымен көші-қон мәселелері талқыланды."),
    ("kk", "Еңбек мигранттарының құқықтары", "Қазақстандағы еңбек мигранттарының құқықтары туралы."),
]


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive.db") as opened:
        for number, (lang, title, body) in enumerate(RELEASES, start=1):
            record = ReleaseRecord(site="kazakhstan", lang=lang, url=f"https://example.org/{number}", title=title,
                                   body=body, word_count=len(body.split()))
            with opened.transaction():
                opened.insert_release(record, "2024-01-01T00:00:00+00:00")
        yield opened


def search(archive: Archive, text: str, table: str = index.TABLE) -> set[int]:
    rows = archive.db.execute(f"SELECT rowid FROM [{table}] WHERE [{table}] MATCH ?", [stemmed_match(text)]).fetchall()
    return {row[0] for row in rows}


@pytest.mark.parametrize("text, expected", [
    ("миграция", {1}),  # finds миграции
    ("мигрантам", {1, 2, 5, 6}),  # мигрантам, мигрантов; and Kazakh мигранттарға: the same stem
    ("МИГРАНТЫ", {1, 2, 5, 6}),
    ("елка", {2}), ("ёлка", {2}),  # ё = е
    ("trafficking", {3, 4}),  # counter-trafficking, traffickers
    ("migrations", {3}),
    ('"labour migrants"', {3}), ('"labour migration"', {3}),  # a phrase of word forms
    ("көші-қон", {5}), ('"көші-қон"', {5}), ("көші-қонның", {5}),  # hyphenated, in every form
    ("мигранттар", {1, 2, 5, 6}), ("мигрантқа", {1, 2, 5, 6}), ("мигранттарының", {1, 2, 5, 6}),
    ("ХКҰ-ның", {5}), ("хкұ", {5}),
    ("қазақстан", {6}),
    ("мигра*", {1, 2, 5, 6}), ("migrat*", {3}), ("migration*", {3}),  # a prefix of the word or its stem
    ("trafficking OR ёлка", {2, 3, 4}),
    ("трудовых мигрантов", {1, 2}), ("еңбек мигранттары", {6}), ("мигранттар форумы", {1, 5}),  # groups joined; each word in any language
    ("migrant NOT labour", {4}),
    ("covid-19", {4}),
    ("OR", set()), ("", set()), ("*", set()), ('"', set()), ("(((", set()),  # never an error
])
def test_a_word_finds_its_forms(archive, text, expected):
    assert search(archive, text) == expected


def test_the_plain_index_still_has_the_exact_forms(archive):
    exact = archive.db.execute("SELECT rowid FROM releases_fts WHERE releases_fts MATCH ?", ['"миграции"']).fetchall()
    assert {row[0] for row in exact} == {1}
    assert search(archive, "миграции") == {1}  # the stemmed index: the same, and more forms
    assert archive.db.execute("SELECT count(*) FROM releases_fts WHERE releases_fts MATCH ?",
                              ['"мигрантами"']).fetchone()[0] == 0


def test_writes_keep_the_index_in_sync(archive):
    record = ReleaseRecord(site="kazakhstan", lang="ru", url="https://example.org/1", title="Форум",
                           body="Беженцы и переселенцы.", word_count=3)
    with archive.transaction():
        assert archive.refresh_release(1, record, "2024-02-01T00:00:00+00:00", True, changed=["title", "body"]) == "updated"
    assert search(archive, "миграция") == set() and search(archive, "беженцам") == {1}
    with archive.transaction():
        archive.db.execute("UPDATE releases SET duplicate_of = 2 WHERE id = 1")  # not a text column: no re-index
    archive.db.execute("DELETE FROM release_versions WHERE release_id = 3")
    archive.db.execute("DELETE FROM releases WHERE id = 3")
    assert search(archive, "labour") == set()
    assert index.integrity_problems(archive.db) == []


def test_a_writer_without_the_function_is_refused_not_left_stale(archive, tmp_path):
    archive.close()
    conn = sqlite3.connect(tmp_path / "archive.db")
    with pytest.raises(sqlite3.OperationalError, match="iom_stem"):
        conn.execute("UPDATE releases SET body = 'x' WHERE id = 1")
    conn.execute("UPDATE releases SET status = 'removed' WHERE id = 1")  # other columns are fine
    conn.commit()
    conn.close()


def test_the_index_is_rebuilt_when_the_stemmers_change(archive, tmp_path, monkeypatch):
    archive.db.execute(f"DELETE FROM [{index.TABLE}] WHERE rowid = 1")  # as if built by other stemmers
    archive.db.execute("UPDATE search_meta SET value = 'tokens 0' WHERE key = 'stemmer'")
    archive.close()
    with Archive(tmp_path / "archive.db") as reopened:
        assert index.built_with(reopened.db) == stemmers.VERSION
        assert search(reopened, "миграция") == {1}
        assert index.integrity_problems(reopened.db) == []


def test_a_rebuild_with_bulk_settings_is_the_index_fts5_defaults_build_and_restores_them(archive):
    def contents():
        return archive.db.execute(f"SELECT rowid, title, body, attachments FROM [{index.TABLE}] ORDER BY rowid").fetchall()

    def settings():
        return dict(archive.db.execute(f"SELECT k, v FROM [{index.TABLE}_config] WHERE k != 'version'").fetchall())

    with archive.db.atomic():
        index.rebuild(archive.db, settings=())
    built_by_defaults = contents(), {text: search(archive, text) for text in ("миграция", "көші-қон", "migrat*")}
    with archive.db.atomic():
        assert index.rebuild(archive.db) == len(RELEASES)
    assert (contents(), {text: search(archive, text) for text in built_by_defaults[1]}) == built_by_defaults
    assert settings() == dict(index.WRITE_SETTINGS)  # a night's writes are merged as FTS5 does by default
    assert index.integrity_problems(archive.db) == []
    archive.db.execute("UPDATE releases SET body = 'Новая миграция' WHERE id = 2")  # and writes still index
    assert search(archive, "миграция") == {1, 2}


def test_an_archive_of_schema_2_gets_the_index_of_its_releases(archive, tmp_path):
    path = tmp_path / "archive.db"
    archive.close()
    downgrade(path, 2)
    with Archive(path) as upgraded:
        assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
        assert search(upgraded, "миграция") == {1} and search(upgraded, "көші-қон") == {5}
        assert index.integrity_problems(upgraded.db) == []


@pytest.mark.parametrize("token, lang, stem", [
    ("migrants", "en", "migrant"), ("миграции", "ru", "миграц"), ("мигранттарға", "kk", "мигрант"),
    ("iom", "ru", "iom"), ("traffickers", "kk", "traffick"),  # Latin in a Cyrillic release: English
    ("мигрантов", "en", "мигрант"), ("көмегі", "en", "көмек"),  # Cyrillic in an English one: by its letters
    ("2022", "kk", "2022"),
])
def test_the_stemmer_is_chosen_by_language_and_script(token, lang, stem):
    assert stemmers.stem_token(token, lang) == stem


def test_parse_operators_only_between_words():
    assert [t.negated for t in parse("a NOT b").terms] == [False, True]
    assert parse("a OR b").operators == ["", "OR"]
    assert len(parse("OR NOT").terms) == 2  # words, with nothing to join
    assert stemmed_match("x AND y") == '"x" AND "y"'


@pytest.mark.parametrize("text", ["мигра*", "мигранттар*", "еңбек мигранттар*", "migrat*", "мигранттарға", "миграция",
                                  '"трудовых мигрантов"', "көші-қон*"])
def test_a_prefix_search_within_another_of_its_forms_is_left_out_with_the_same_matches(archive, text):
    """``мигра*`` is "мигра"* in kk and en and "мигр"* in ru: FTS5 gets only "мигр"*, which has every match
    of the other (reading the same releases twice cost 1.6x at a million releases)."""
    from archive.search import query

    langs = ("en", "ru", "kk")
    every = [query._quoted(stems, prefix) for term in parse(text).terms for stems, prefix in
             query.term_variants(term, langs)]
    rendered = stemmed_match(text, langs)
    assert all(part in every for part in re.findall(r'"[^"]*"\*?', rendered))  # only variants it had
    table = index.TABLE
    full = {row[0] for row in archive.db.execute(
        f"SELECT rowid FROM [{table}] WHERE [{table}] MATCH ?", [" OR ".join(every)]).fetchall()}
    if len(parse(text).terms) == 1:
        assert search(archive, text) == full
    if text == "мигра*":
        assert rendered == '"мигр"*' and len(every) == 2


@pytest.mark.parametrize("raw, fixed", [
    ("көші-қон", '"көші-қон"'), ("covid-19* OR x", '"covid-19"* OR x'), ('"a-b" c-d', '"a-b" "c-d"'),
    ("title:x-y", 'title:"x-y"'), ("мигра* NEAR(a b)", "мигра* NEAR(a b)"),
])
def test_raw_queries_get_their_hyphenated_words_quoted(raw, fixed):
    assert quote_hyphenated(raw) == fixed


def test_snippets_mark_every_form_of_the_words_searched():
    body = "Intro words. " * 20 + "Вопросы миграции и помощь мигрантам. Трудовая миграция растёт."
    text = snippet(body, "ru", "миграция")
    assert text.startswith("…") and "<mark>миграции</mark>" in text and "<mark>миграция</mark>" in text
    assert "<mark>мигрантам</mark>" not in text
    assert "<mark>Көші</mark>-<mark>қон</mark>" in snippet("Көші-қон мәселелері", "kk", "көші-қонның")
    assert "<mark>Migrants</mark>" in snippet("Migrants <b>x</b>", "en", "migrant*") and "&lt;b&gt;" in snippet(
        "Migrants <b>x</b>", "en", "migrant*")
    assert "<mark>" not in snippet("Forum", "en", "") and snippet("", "en", "x") == ""
    assert snippet("миграции миграция", "ru", "миграции", exact=True) == "<mark>миграции</mark> миграция"
