"""Views for researchers: the archive without cross-posts, and translations side by side.

:func:`ensure_views` creates them and is called whenever an archive is opened for writing
(``Archive.__init__``, after the migrations). A view is dropped and recreated only when its
definition in :data:`VIEWS` changed, so opening an up-to-date archive writes nothing. Views hold
no data: they cost nothing to keep and always show the current rows.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

VIEWS: dict[str, str] = {
    # Every release except cross-posts (a release whose duplicate_of points at the original).
    "releases_unique": "SELECT * FROM releases WHERE duplicate_of IS NULL",
    # One row per release and each of its other language versions: filter lang=en and
    # translation_lang=ru to read the English and Russian texts next to each other.
    "translations": """SELECT
  r.id AS release_id,
  r.site,
  r.translation_group,
  r.published_date,
  r.lang,
  r.title,
  t.lang AS translation_lang,
  t.title AS translation_title,
  t.id AS translation_id,
  r.body,
  t.body AS translation_body,
  r.url,
  t.url AS translation_url
FROM releases r
JOIN releases t ON t.translation_group = r.translation_group AND t.id <> r.id""",
}


def view_sql(name: str) -> str:
    return f"CREATE VIEW {name} AS {VIEWS[name]}"


def ensure_views(db: sqlite_utils.Database | sqlite3.Connection) -> list[str]:
    """Create or update the views in :data:`VIEWS`; returns the names (re)created.

    Takes the archive's ``sqlite_utils.Database`` (or a plain ``sqlite3.Connection``). Call it after
    ``schema.migrate`` so the ``releases`` table exists.
    """
    conn = db.conn if isinstance(db, sqlite_utils.Database) else db
    existing = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    changed = [name for name in VIEWS if existing.get(name) != view_sql(name)]
    if changed:
        with conn:
            for name in changed:
                conn.execute(f"DROP VIEW IF EXISTS {name}")
                conn.execute(view_sql(name))
    return changed
