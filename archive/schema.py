"""The archive's schema: tables, indexes, the full-text index and its migrations.

The schema is the researchers' interface. Its columns are defined once, in :mod:`archive.columns`
(name, type, constraints, description); the tables are created from there and the README's schema
tables are generated from there (``cog -r README.md``).

Changes are added as new functions at the end of :data:`MIGRATIONS`; ``PRAGMA user_version``
records how many have been applied, so an archive made by an older version opens with a newer one.
Every column carries the schema version that introduced it (``Column.since``): migration 1
(:func:`_v1_initial`) creates only the columns with ``since == 1``, so what it creates never changes.
A later migration N that adds columns appends them to their tuple in :mod:`archive.columns` with
``since=N`` and calls ``add_columns(db, N)``; new archives run every migration, so new and upgraded
archives end up with the same tables.
"""

from __future__ import annotations

from typing import Callable

import sqlite_utils

from archive import columns
from archive.search import index as stemmed_index
from archive.search import ranked

FTS_TOKENIZER = "unicode61 remove_diacritics 2"


def _create_table(db: sqlite_utils.Database, name: str, version: int) -> None:
    """Create table ``name`` with the columns it has at schema ``version`` (see :mod:`archive.columns`)."""
    defined = columns.as_of(name, version)
    pk = columns.primary_key(defined)
    db[name].create(
        {column.name: column.type for column in defined},
        pk=pk[0] if len(pk) == 1 else pk,
        not_null={column.name for column in defined if column.not_null} or None,
        defaults={column.name: column.default for column in defined if column.default is not None} or None,
        foreign_keys=[(column.name, *column.references) for column in defined if column.references] or None,
    )


def _is_new(table: str, version: int) -> bool:
    """True for a table that schema ``version`` introduces (all its columns have ``since == version``)."""
    return all(column.since == version for column in columns.columns(table))


def create_tables(db: sqlite_utils.Database, version: int) -> None:
    """Create the tables schema ``version`` introduces: the body of a migration that adds tables."""
    for table in columns.TABLES:
        if _is_new(table, version):
            _create_table(db, table, version)


def add_columns(db: sqlite_utils.Database, version: int) -> None:
    """Add to every table the columns with ``since == version``: the body of a migration that adds columns
    (tables new in that version are left to :func:`create_tables`)."""
    for table in columns.TABLES:
        if version > 1 and _is_new(table, version):
            continue
        for column in columns.added_in(table, version):
            if column.primary_key or (column.not_null and column.default is None):
                raise ValueError(f"{table}.{column.name}: SQLite cannot add a primary key, or NOT NULL without a default")
            sql = f"ALTER TABLE [{table}] ADD COLUMN [{column.name}] {column.sql_type}"
            if column.not_null:
                sql += " NOT NULL"
            if column.default is not None:
                sql += f" DEFAULT {db.quote_default_value(column.default)}"
            if column.references:
                sql += ' REFERENCES [{}]([{}])'.format(*column.references)
            db.execute(sql)


def _v1_initial(db: sqlite_utils.Database) -> None:
    indexes = {
        "releases": [(["url"], True), (["site", "lang", "published_date"], False), (["translation_group"], False),
                     (["content_hash"], False)],
        "release_urls": [(["release_id"], False)],
        "release_versions": [(["release_id", "version"], True)],
        "pages": [(["site", "lang", "outcome"], False)],
    }
    for table in columns.TABLES:
        if not columns.as_of(table, 1):
            continue  # a table of a later schema version, created by its migration
        _create_table(db, table, 1)
        for indexed, unique in indexes.get(table, []):
            db[table].create_index(indexed, unique=unique)
    db["releases"].enable_fts(["title", "body"], create_triggers=True, tokenize=FTS_TOKENIZER)


def _v2_provenance_and_review(db: sqlite_utils.Database) -> None:
    """Extractor provenance and review flags (issue 11): ``releases.extractor_version``,
    ``needs_review``, ``review_reason``; ``release_versions.cause`` and ``extractor_version``.

    Versions recorded before have no known cause, except version 1, which is always the first text
    the site showed (``site``)."""
    add_columns(db, 2)
    db.execute("UPDATE release_versions SET cause = 'site' WHERE version = 1")
    db["releases"].create_index(["needs_review"])


def _v3_stemmed_search(db: sqlite_utils.Database) -> None:
    """Search by word form (issue 14): ``releases_stemmed_fts``, the stems of every release's title and
    body (per its language), kept in sync by triggers, and ``search_meta`` recording which stemmers
    built it (see :mod:`archive.search.index`). Existing releases are indexed here."""
    create_tables(db, 3)
    stemmed_index.create(db)


def _v4_url_history(db: sqlite_utils.Database) -> None:
    """Nightly history (issue 12): ``release_urls.last_seen``, and what the sitemap last said of each
    URL (``sitemap_lastmod``, ``sitemap_seen``), so a changed ``<lastmod>`` or a URL gone from the
    sitemap has its release checked again. Existing URLs were last seen when their release was."""
    add_columns(db, 4)
    db.execute("UPDATE release_urls SET last_seen = (SELECT last_seen FROM releases WHERE id = release_id)")


def _v5_kept_responses(db: sqlite_utils.Database) -> None:
    """Conditional requests for discovery (issue 12): ``kept_responses``, the last robots.txt, listing
    pages and sitemaps with their validators. A new table: nothing existing changes; the first run
    after the upgrade downloads them in full once."""
    create_tables(db, 5)


def _v6_warc_capture(db: sqlite_utils.Database) -> None:
    """WARC capture (issue 15): ``pages.warc_file`` and ``warc_offset`` point at the response record a
    page was read from. Pages stored before keep their ``raw_html`` (nothing is moved or lost)."""
    add_columns(db, 6)


def _v7_version_changes(db: sqlite_utils.Database) -> None:
    """What each version changed (issue 12): ``release_versions.published_date``, ``modified_time`` and
    ``changed``; the page's own last-edited time in ``pages`` and ``releases`` (``modified_time``).

    Versions recorded before did not keep their date: the latest version of each release gets the
    release's date, the earlier ones none. Their ``changed`` is worked out from the texts kept
    (``title``, ``body``: a change of date alone made no version then)."""
    add_columns(db, 7)
    db.execute("""UPDATE release_versions SET published_date = (SELECT published_date FROM releases r
                                                                WHERE r.id = release_versions.release_id)
                  WHERE version = (SELECT MAX(version) FROM release_versions v
                                   WHERE v.release_id = release_versions.release_id)""")
    previous: dict[int, tuple[str, str, None]] = {}
    for row_id, release_id, title, body in db.execute(
            "SELECT id, release_id, title, body FROM release_versions ORDER BY release_id, version").fetchall():
        before = previous.get(release_id)
        previous[release_id] = (title, body, None)
        if before is not None:
            changed = columns.version_changes(before, (title, body, None))
            db.execute("UPDATE release_versions SET changed = ? WHERE id = ?", [",".join(changed) or None, row_id])


def _v8_capture_provenance(db: sqlite_utils.Database) -> None:
    """Releases from WARC files and web archives (issue 15): ``source`` and ``captured_at`` on
    ``releases``, ``release_urls`` and ``release_versions``. Everything archived before was read
    from the live sites: ``source`` defaults to ``live``."""
    add_columns(db, 8)


def _v9_attachments(db: sqlite_utils.Database) -> None:
    """Attachments' text (issue 15): the ``attachments`` table (one row per document linked from a
    release) and a third column of the stemmed index, their text, so a search finds a release by the
    words of its PDFs. The index is rebuilt with it (every release, no attachment yet)."""
    create_tables(db, 9)
    db["attachments"].create_index(["release_id", "url"], unique=True)
    stemmed_index.create(db)


def _v10_search_page(db: sqlite_utils.Database) -> None:
    """The search results page at a million releases (issue 14): an index on ``published_date`` that
    also holds what the page filters and counts on (site, lang, status, needs_review, duplicate_of,
    tags). It serves ``order by published_date desc`` (the releases page, newest first) and is the
    one scan the Datasette plugin reads those columns from (:mod:`archive.search.ranked`)."""
    db["releases"].create_index(list(ranked.INDEX_COLUMNS), index_name=ranked.INDEX, if_not_exists=True)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1_initial, _v2_provenance_and_review,
                                                            _v3_stemmed_search, _v4_url_history, _v5_kept_responses,
                                                            _v6_warc_capture, _v7_version_changes,
                                                            _v8_capture_provenance, _v9_attachments, _v10_search_page]


def migrate(db: sqlite_utils.Database) -> int:
    """Apply the migrations this archive has not had yet; returns the schema version."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise RuntimeError(
            f"the archive has schema version {version}, newer than this iom-archive ({len(MIGRATIONS)}); upgrade it"
        )
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.atomic():  # tables and user_version together: a run killed here leaves an empty file
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)
