"""The stemmed full-text index: an FTS5 table of the releases' stems, kept in sync by triggers.

``releases_fts`` (sqlite-utils' external-content FTS5 over ``releases``) indexes the words as written;
:data:`TABLE` (``releases_stemmed_fts``) indexes their stems (:func:`archive.search.stemmers.stem_text`,
per release ``lang``), one row per release with ``rowid = releases.id``. It stores its stemmed text
itself (an ordinary FTS5 table, not external content), so a row is deleted by its rowid alone and the
index stays exact whatever happens to the stemmers.

Why triggers calling a Python function (``iom_stem``, registered on the connection by
:func:`register_functions`), rather than the writer indexing each release: the stemmed index then
follows ``releases`` exactly like ``releases_fts`` does, for every write that changes a title, body
or language (insert, update, reextract, anything added later), in the same transaction, with no code
path that can forget it. The price: a connection that writes those columns without the function is
refused ("no such function: iom_stem") instead of silently leaving the index stale. The archive's
only writer, :class:`archive.store.Archive`, registers it when it opens the file
(:func:`attach`), and so does the migration that creates the index.

:func:`attach` also rebuilds the index when it was built by other stemmers (a PyStemmer upgrade, a
change of the Kazakh rules): the version is kept in ``search_meta``.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from archive.search.stemmers import VERSION, stem_text

TABLE = "releases_stemmed_fts"
META = "search_meta"
TOKENIZER = "unicode61 remove_diacritics 2"
FUNCTION = "iom_stem"

ATTACHMENTS = "attachments"  # the table of attachments' texts (schema 9): a third column of the index

_INSERT = (f"INSERT INTO [{TABLE}] (rowid, title, body) "
           f"VALUES (new.id, {FUNCTION}(new.lang, new.title), {FUNCTION}(new.lang, new.body));")
TRIGGERS = {
    f"{TABLE}_ai": f"AFTER INSERT ON releases BEGIN {_INSERT} END",
    f"{TABLE}_ad": f"AFTER DELETE ON releases BEGIN DELETE FROM [{TABLE}] WHERE rowid = old.id; END",
    f"{TABLE}_au": ("AFTER UPDATE OF lang, title, body ON releases "
                    "WHEN old.lang IS NOT new.lang OR old.title IS NOT new.title OR old.body IS NOT new.body "
                    f"BEGIN DELETE FROM [{TABLE}] WHERE rowid = old.id; {_INSERT} END"),
}

# With the attachments table (schema 9 on), each release's row also holds the stems of its attachments' text,
# so the same stemmed search finds a release by the words of its PDFs; the attachments' own triggers re-index
# the release whose attachments changed.
_ATTACHED_TEXT = (f"(SELECT group_concat({FUNCTION}(r.lang, a.text), ' ') FROM [{ATTACHMENTS}] a "
                  "WHERE a.release_id = r.id AND a.text IS NOT NULL)")
_INSERT_WITH = (f"INSERT INTO [{TABLE}] (rowid, title, body, attachments) "
                f"SELECT r.id, {FUNCTION}(r.lang, r.title), {FUNCTION}(r.lang, r.body), {_ATTACHED_TEXT} "
                "FROM releases r WHERE r.id = {id};")
_REINDEX = "DELETE FROM [" + TABLE + "] WHERE rowid = {id}; " + _INSERT_WITH
TRIGGERS_WITH_ATTACHMENTS = {
    f"{TABLE}_ai": f"AFTER INSERT ON releases BEGIN {_INSERT_WITH.format(id='new.id')} END",
    f"{TABLE}_ad": TRIGGERS[f"{TABLE}_ad"],
    f"{TABLE}_au": ("AFTER UPDATE OF lang, title, body ON releases "
                    "WHEN old.lang IS NOT new.lang OR old.title IS NOT new.title OR old.body IS NOT new.body "
                    f"BEGIN {_REINDEX.format(id='old.id')} END"),
    f"{TABLE}_attachment_ai": f"AFTER INSERT ON [{ATTACHMENTS}] BEGIN {_REINDEX.format(id='new.release_id')} END",
    f"{TABLE}_attachment_ad": f"AFTER DELETE ON [{ATTACHMENTS}] BEGIN {_REINDEX.format(id='old.release_id')} END",
    f"{TABLE}_attachment_au": (f"AFTER UPDATE OF text, release_id ON [{ATTACHMENTS}] BEGIN "
                               f"{_REINDEX.format(id='old.release_id')} {_REINDEX.format(id='new.release_id')} END"),
}


#: FTS5 settings while every release is indexed at once: the terms of 64 MB of text gathered in memory
#: before a segment is written (FTS5's default: 1 MB), and no merging of segments on the way, since
#: ``optimize`` merges them all at the end: 1.21x the rate of FTS5's defaults at 100,000 releases, 1.39x at
#: 1,000,000 (``benchmarks/search.py --rebuild``).
BULK_SETTINGS = (("hashsize", 64 * 1024 * 1024), ("automerge", 0))
#: And afterwards, for the archive's writes (a night's releases, a re-extraction): FTS5's defaults.
WRITE_SETTINGS = (("hashsize", 1024 * 1024), ("automerge", 4))


def _configure(conn: sqlite3.Connection, settings: tuple[tuple[str, int], ...]) -> None:
    for key, value in settings:
        conn.execute(f"INSERT INTO [{TABLE}] ([{TABLE}], rank) VALUES (?, ?)", [key, value])


def _with_attachments(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        [ATTACHMENTS]).fetchone() is not None


def triggers(db: sqlite_utils.Database | sqlite3.Connection) -> dict[str, str]:
    """The triggers the index has in this archive: with its attachments' texts once that table exists."""
    return TRIGGERS_WITH_ATTACHMENTS if _with_attachments(_conn(db)) else TRIGGERS


def _conn(db: sqlite_utils.Database | sqlite3.Connection) -> sqlite3.Connection:
    return db.conn if isinstance(db, sqlite_utils.Database) else db


def register_functions(db: sqlite_utils.Database | sqlite3.Connection) -> None:
    """``iom_stem(lang, text)``: the stemmed text of a release's title or body, as the index holds it."""
    _conn(db).create_function(FUNCTION, 2, stem_text, deterministic=True)


def exists(db: sqlite_utils.Database | sqlite3.Connection) -> bool:
    return _conn(db).execute("SELECT 1 FROM sqlite_master WHERE name = ?", [TABLE]).fetchone() is not None


def create(db: sqlite_utils.Database | sqlite3.Connection) -> None:
    """Create the index, its triggers and ``search_meta``'s row, and index every release (the migration)."""
    conn = _conn(db)
    register_functions(conn)
    for name in TRIGGERS_WITH_ATTACHMENTS:
        conn.execute(f"DROP TRIGGER IF EXISTS [{name}]")
    rebuild(conn)
    for name, body in triggers(conn).items():
        conn.execute(f"CREATE TRIGGER [{name}] {body}")


def rebuild(db: sqlite_utils.Database | sqlite3.Connection,
            settings: tuple[tuple[str, int], ...] = BULK_SETTINGS) -> int:
    """(Re)index every release with the current stemmers; returns how many. Runs in the caller's transaction.
    ``settings``: FTS5's while indexing (:data:`BULK_SETTINGS`; the benchmark compares FTS5's defaults)."""
    conn = _conn(db)
    register_functions(conn)
    conn.execute(f"DROP TABLE IF EXISTS [{TABLE}]")
    columns = "title, body, attachments" if _with_attachments(conn) else "title, body"
    conn.execute(f"CREATE VIRTUAL TABLE [{TABLE}] USING fts5 ({columns}, tokenize='{TOKENIZER}')")
    _configure(conn, settings)
    if "attachments" in columns:
        cursor = conn.execute(_INSERT_WITH.replace(" WHERE r.id = {id};", ""))
    else:
        cursor = conn.execute(f"INSERT INTO [{TABLE}] (rowid, title, body) "
                              f"SELECT id, {FUNCTION}(lang, title), {FUNCTION}(lang, body) FROM releases")
    conn.execute(f"INSERT INTO [{TABLE}] ([{TABLE}]) VALUES ('optimize')")
    _configure(conn, WRITE_SETTINGS)
    conn.execute(f"INSERT OR REPLACE INTO [{META}] (key, value) VALUES ('stemmer', ?)", [VERSION])
    return cursor.rowcount


def built_with(db: sqlite_utils.Database | sqlite3.Connection) -> str | None:
    """The stemmer version the index was built with (None without an index)."""
    conn = _conn(db)
    if not exists(conn):
        return None
    row = conn.execute(f"SELECT value FROM [{META}] WHERE key = 'stemmer'").fetchone()
    return row[0] if row else None


def attach(db: sqlite_utils.Database) -> bool:
    """For the archive's writer: register ``iom_stem`` and rebuild the index if other stemmers built it.
    Returns True when it was rebuilt."""
    register_functions(db)
    if not exists(db) or built_with(db) == VERSION:
        return False
    with db.atomic():
        rebuild(db)
    return True


def integrity_problems(db: sqlite_utils.Database | sqlite3.Connection) -> list[str]:
    """What is wrong with the index: FTS5's own integrity check and releases missing from it ([] if sound)."""
    conn = _conn(db)
    problems = []
    try:
        conn.execute(f"INSERT INTO [{TABLE}] ([{TABLE}]) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        problems.append(f"{TABLE} integrity-check: {exc}")
    missing = conn.execute(f"SELECT count(*) FROM releases WHERE id NOT IN (SELECT rowid FROM [{TABLE}])").fetchone()[0]
    extra = conn.execute(f"SELECT count(*) FROM [{TABLE}] WHERE rowid NOT IN (SELECT id FROM releases)").fetchone()[0]
    if missing or extra:
        problems.append(f"{TABLE}: {missing} releases not indexed, {extra} rows without a release")
    return problems
