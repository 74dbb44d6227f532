"""Provenance and review (issue 11): which extractor produced a body, why a version exists (an edit
by the site or a better extractor), and releases flagged for review; schema migration 2."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from archive import schema
from archive.store import Archive, PageRecord, ReleaseRecord
from scraper.dedupe.identity import Deduplicator, version_cause
from scraper.extract import EXTRACTOR_VERSION

BODY = "Astana – IOM trained 120 police officers in 2023 and opened 3 shelters; the 1409 hotline took 5 000 calls."
URL = "https://kz/news/a"


def record(body: str = BODY, extractor: int | None = EXTRACTOR_VERSION, **fields) -> ReleaseRecord:
    return ReleaseRecord(site="kz", lang="en", url=URL, title="Title", body=body, word_count=len(body.split()),
                         published_date="2023-05-17", extractor_version=extractor, **fields)


def save(archive: Archive, rec: ReleaseRecord, seen_at: str, seen_online: bool = True) -> str:
    archive.save_fetched_page(PageRecord(url=URL, site="kz", lang="en", fetched_at=seen_at, status=200,
                                         content_type="text/html", html="<html></html>"), set())
    return Deduplicator(archive).save(rec, URL, seen_at=seen_at, seen_online=seen_online)


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive.db") as opened:
        yield opened


def versions(archive: Archive) -> list[tuple]:
    return archive.db.execute(
        "SELECT version, cause, extractor_version FROM release_versions ORDER BY version").fetchall()


@pytest.mark.parametrize("seen_online, previous, current, cause", [
    (False, 1, 2, "reextract"),  # the stored page read again: never an edit by the site
    (False, 2, 2, "reextract"),  # a template learned during the run
    (True, 2, 2, "site"),  # fetched again, the same extractor: the site changed its page
    (True, 1, 2, "mixed"),  # fetched again by a newer extractor: cannot tell
    (True, None, 2, "mixed"),  # archived before extractor versions were recorded
])
def test_version_cause(seen_online, previous, current, cause):
    assert version_cause(seen_online, previous, current) == cause


def test_history_tells_site_edits_from_reextraction(archive):
    assert save(archive, record(extractor=1), "2026-11-30T02:30:00+00:00") == "new"
    assert save(archive, record(BODY + " Better.", extractor=2), "2026-12-01T02:30:00+00:00", seen_online=False) == "updated"
    assert save(archive, record(BODY + " Better. Edited.", extractor=2), "2026-12-02T02:30:00+00:00") == "updated"
    assert save(archive, record(BODY + " Better. Edited. Again.", extractor=3), "2026-12-03T02:30:00+00:00") == "updated"
    assert versions(archive) == [(1, "site", 1), (2, "reextract", 2), (3, "site", 2), (4, "mixed", 3)]
    assert archive.db.execute("SELECT extractor_version FROM releases").fetchone()[0] == 3


def test_same_text_from_a_newer_extractor_is_no_version_but_records_the_extractor(archive):
    save(archive, record(extractor=1), "2026-11-30T02:30:00+00:00")
    assert save(archive, record(extractor=2), "2026-12-01T02:30:00+00:00", seen_online=False) == "unchanged"
    assert versions(archive) == [(1, "site", 1)]
    assert archive.db.execute("SELECT extractor_version FROM releases").fetchone()[0] == 2


def test_review_flag_is_stored_and_cleared_by_a_good_extraction(archive):
    save(archive, record("Too short.", needs_review=1, review_reason="short body: 2 words, fewer than 40"),
         "2026-11-30T02:30:00+00:00")
    assert archive.db.execute("SELECT needs_review, review_reason FROM releases").fetchone() == (
        1, "short body: 2 words, fewer than 40")
    save(archive, record(), "2026-12-01T02:30:00+00:00")
    assert archive.db.execute("SELECT needs_review, review_reason FROM releases").fetchone() == (0, None)


def test_migration_2_upgrades_a_version_1_archive(tmp_path, monkeypatch):
    path = tmp_path / "v1.db"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
    Archive(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("""INSERT INTO releases (site, lang, url, title, body, content_hash, first_seen, last_seen)
                        VALUES ('kz', 'en', ?, 'T', 'B', 'h', 'then', 'then')""", [URL])
        for version in (1, 2):
            conn.execute("""INSERT INTO release_versions (release_id, version, title, body, content_hash, seen_at)
                            VALUES (1, ?, 'T', 'B', 'h', 'then')""", [version])
    conn.close()
    monkeypatch.undo()
    with Archive(path) as upgraded:
        db = upgraded.db
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS) >= 2
        assert db.execute("SELECT needs_review, review_reason, extractor_version FROM releases").fetchone() == (
            0, None, None)
        assert db.execute("SELECT version, cause FROM release_versions ORDER BY version").fetchall() == [
            (1, "site"), (2, None)]  # a later version of a v1 archive: cause unknown
    fresh = sqlite_utils.Database(tmp_path / "fresh.db")
    schema.migrate(fresh)
    for table in ("releases", "release_versions"):
        assert [c.name for c in fresh[table].columns] == [
            c.name for c in sqlite_utils.Database(path)[table].columns]
