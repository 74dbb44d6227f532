"""The archive store and release identity (scraper.dedupe.identity) on real SQLite files: identity,
versions, translations, removal."""

from __future__ import annotations

import pytest

from archive.store import Archive, PageRecord, ReleaseRecord
from scraper.dedupe.identity import Deduplicator
from scraper.dedupe.translations import figures, same_story

BODY = "Astana – IOM trained 120 police officers in 2023 and opened 3 shelters; the 1409 hotline took 5 000 calls."


def page(url: str, lang: str = "en") -> PageRecord:
    return PageRecord(url=url, site="kz", lang=lang, fetched_at="2026-11-30T02:30:00+00:00", status=200,
                      content_type="text/html", html=f"<html><body>{url}</body></html>")


def release(url: str, body: str = BODY, lang: str = "en", **fields) -> ReleaseRecord:
    values = {"site": "kz", "lang": lang, "url": url, "title": "Title", "body": body, "word_count": len(body.split()),
              "published_date": "2023-05-17"}
    values.update(fields)
    return ReleaseRecord(**values)


def save(archive: Archive, record: ReleaseRecord, seen_at: str = "2026-11-30T02:30:00+00:00") -> str:
    archive.save_fetched_page(page(record.url, record.lang), set())
    return Deduplicator(archive).save(record, record.url, seen_at=seen_at)


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive.db") as opened:
        yield opened


def count(archive: Archive, sql: str) -> int:
    return archive.db.execute(sql).fetchone()[0]


def test_same_text_at_another_address_is_one_release(archive):
    assert save(archive, release("https://kz/news/a")) == "new"
    assert save(archive, release("https://kz/news/a-copy")) == "unchanged"
    assert count(archive, "SELECT count(*) FROM releases") == 1
    assert count(archive, "SELECT count(*) FROM release_urls") == 2


def test_same_text_in_another_language_is_not_merged(archive):
    save(archive, release("https://kz/news/a"))
    save(archive, release("https://kz/ru/news/a", lang="ru"))
    assert count(archive, "SELECT count(*) FROM releases") == 2


def test_edit_adds_a_version_and_whitespace_does_not(archive):
    save(archive, release("https://kz/news/a"))
    assert save(archive, release("https://kz/news/a", body=BODY.replace(" ", "  ")), "2026-12-01T02:30:00+00:00") == "unchanged"
    assert save(archive, release("https://kz/news/a", body=BODY + " New sentence."), "2026-12-02T02:30:00+00:00") == "updated"
    versions = archive.db.execute("SELECT version, body, seen_at FROM release_versions ORDER BY version").fetchall()
    assert [v[0] for v in versions] == [1, 2] and versions[1][1].endswith("New sentence.")
    row = archive.db.execute("SELECT first_seen, last_seen, updated_at FROM releases").fetchone()
    assert row == ("2026-11-30T02:30:00+00:00", "2026-12-02T02:30:00+00:00", "2026-12-02T02:30:00+00:00")


def test_removed_release_is_kept_and_comes_back(archive):
    save(archive, release("https://kz/news/a"))
    (release_id,) = archive.db.execute("SELECT id FROM releases").fetchone()
    assert archive.mark_removed(release_id, "https://kz/news/a", 404, "2026-12-01T02:30:00+00:00")
    assert not archive.mark_removed(release_id, "https://kz/news/a", 404, "2026-12-02T02:30:00+00:00")
    assert archive.db.execute("SELECT status, removed_on FROM releases").fetchone() == ("removed", "2026-12-01")
    save(archive, release("https://kz/news/a"), "2026-12-03T02:30:00+00:00")
    assert archive.db.execute("SELECT status, removed_on FROM releases").fetchone() == ("live", None)


def test_translation_without_hreflang_or_node_is_linked_by_figures(archive):
    save(archive, release("https://kz/news/a"))
    russian = "Астана – МОМ обучила 120 полицейских в 2023 году и открыла 3 приюта; линия 1409 приняла 5000 звонков."
    save(archive, release("https://kz/ru/news/a", body=russian, lang="ru"))
    unrelated = "Алматы – семинар для 40 журналистов прошёл в 2021 году."
    save(archive, release("https://kz/ru/news/b", body=unrelated, lang="ru"))
    groups = dict(archive.db.execute("SELECT url, translation_group FROM releases").fetchall())
    assert groups["https://kz/ru/news/a"] == groups["https://kz/news/a"] == "https://kz/news/a"
    assert groups["https://kz/ru/news/b"] == "https://kz/ru/news/b"


def test_a_named_translation_group_is_kept(archive):
    save(archive, release("https://kz/news/a", node_id="7"))
    save(archive, release("https://kz/ru/news/a", lang="ru", body="Другой текст 120 2023 3 1409", node_id="8"))
    groups = archive.db.execute("SELECT translation_group FROM releases ORDER BY id").fetchall()
    assert groups == [("kz/node/7",), ("kz/node/8",)]


@pytest.mark.parametrize("text, expected", [
    ("5 000 calls, 5,000 calls, 5000", {"5000"}),
    ("In 2023, 120 officers", {"2023", "120"}),
    ("no numbers", set()),
    ("hotline 1409.", {"1409"}),
])
def test_figures(text, expected):
    assert figures(text) == expected


def test_same_story_needs_enough_shared_figures():
    assert same_story("1409 hotline, 5 000 calls in 2023", "Линия 1409: 5000 звонков в 2023 году")
    assert not same_story("1409 hotline, 5 000 calls in 2023", "Линия 1409: 300 звонков в 2021 году")
    assert not same_story("In 2023", "В 2023 году")


def test_archive_from_a_newer_version_is_refused(tmp_path):
    import sqlite3

    from archive.store import ArchiveError

    path = tmp_path / "archive.db"
    Archive(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(ArchiveError, match="newer than this iom-archive"):
        Archive(path)


def test_failures_stay_queued_across_runs_until_archived(archive):
    first = archive.start_run({})
    archive.finish_run(first, "partial", {}, [{"url": "https://kz/ru/news/a", "error": "HTTP 500"},
                                              {"url": "https://kz/news/b", "error": "timed out"}])
    second = archive.start_run({"langs": ["kk"]})  # a later run limited to another language
    archive.finish_run(second, "ok", {}, [])
    assert sorted(archive.urls_to_retry()) == ["https://kz/news/b", "https://kz/ru/news/a"]
    save(archive, release("https://kz/news/b"))
    assert archive.urls_to_retry() == ["https://kz/ru/news/a"]
