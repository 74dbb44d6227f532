"""Which databases of a Datasette are archives (the plugin acts only on those)."""

from __future__ import annotations

import sqlite3
import weakref

from archive import columns
from archive.serve.names import PLUGIN_NAME

ARCHIVE_TABLES = ("releases", "release_urls", "release_versions", "pages", "runs")


def configured(datasette, database: str) -> bool | None:
    """What the database's metadata says (``plugins: {iom-archive: {archive: …}}``), else None."""
    config = datasette.plugin_config(PLUGIN_NAME, database=database, fallback=False)
    if isinstance(config, dict) and "archive" in config:
        return bool(config["archive"])
    return None


def has_archive_tables(conn: sqlite3.Connection) -> bool:
    """True for an iom-archive archive: its tables, and ``releases`` with every column of schema version 1."""
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not set(ARCHIVE_TABLES) <= tables:
            return False
        found = {row[1] for row in conn.execute("PRAGMA table_info(releases)")}
    except sqlite3.DatabaseError:
        return False
    return set(columns.names(columns.RELEASES, version=1)) <= found


def connection_is_archive(conn: sqlite3.Connection, datasette, database: str | None) -> bool:
    explicit = configured(datasette, database) if database else False
    return bool(explicit or (explicit is None and has_archive_tables(conn)))


_recognised: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Database -> True, once recognised


async def is_archive(datasette, database: str | None) -> bool:
    if not database:
        return False
    explicit = configured(datasette, database)
    if explicit is not None:
        return explicit
    try:
        db = datasette.get_database(database)
    except KeyError:
        return False
    if db not in _recognised:  # only True is kept: a database may become an archive while served
        if not await db.execute_fn(has_archive_tables):
            return False
        _recognised[db] = True
    return True


async def archive_names(datasette) -> list[str]:
    """The served databases that are archives, in Datasette's order."""
    return [name for name in datasette.databases if name != "_internal" and await is_archive(datasette, name)]
