"""Read-only questions asked of an archive: recent runs, totals, newest releases, export rows.

Everything here opens the archive with ``mode=ro``: nothing is written, no write lock is taken,
and in WAL mode a nightly run goes on undisturbed while these queries read. Functions take an open
connection from :func:`connect_readonly` and return plain dicts, so the CLI only formats them.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import quote

from archive.errors import ArchiveError, ArchiveMissing

JSON_COLUMNS = ("tags", "images", "attachments", "alternates")

def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """Open an existing archive read-only; :class:`ArchiveMissing` if there is no file."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveMissing(f"no archive at {path} yet: `scrape run` creates it")
    conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveError(f"cannot open archive {path}: {exc}") from None
    if not {"releases", "runs"} <= tables:
        conn.close()
        raise ArchiveError(f"{path} is not an iom-archive archive (no releases and runs tables)")
    return conn


def _duration(started: str | None, finished: str | None) -> float | None:
    if not started or not finished:
        return None
    return (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()


def recent_runs(conn: sqlite3.Connection, limit: int = 10) -> list[dict[str, Any]]:
    """The latest runs, newest first, with their duration in seconds and releases found removed."""
    rows = conn.execute(
        """SELECT runs.*,
                  (SELECT count(*) FROM releases r
                   WHERE r.removed_on >= substr(runs.started_at, 1, length(r.removed_on))
                     AND r.removed_on <= COALESCE(runs.finished_at, runs.started_at)) AS removed_during_run
           FROM runs ORDER BY id DESC LIMIT ?""",
        [limit],
    ).fetchall()
    runs = []
    for row in rows:
        run = dict(row)
        removed = run.pop("removed_during_run")
        if run.get("releases_removed") is None:  # a runs column, once removal detection records one
            run["releases_removed"] = removed
        run["arguments"] = json.loads(run["arguments"] or "{}")
        run["error_log"] = json.loads(run["error_log"] or "[]")
        run["duration_s"] = _duration(run["started_at"], run["finished_at"])
        runs.append(run)
    return runs


def totals(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Releases per site and language: how many, live, removed, cross-posts, undated, flagged for
    review (``needs_review``; 0 in an archive older than schema version 2), oldest and newest date."""
    review = "sum(needs_review)" if _has_column(conn, "releases", "needs_review") else "0"
    rows = conn.execute(
        f"""SELECT site, lang, count(*) AS releases,
                  sum(status = 'live') AS live,
                  sum(status = 'removed') AS removed,
                  sum(duplicate_of IS NOT NULL) AS cross_posts,
                  sum(published_date IS NULL) AS undated,
                  {review} AS needs_review,
                  min(published_date) AS oldest,
                  max(published_date) AS newest
           FROM releases GROUP BY site, lang ORDER BY site, releases DESC, lang"""
    ).fetchall()
    return [dict(row) for row in rows]


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


def newest_per_site(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The most recently published release of every site."""
    rows = conn.execute(
        """SELECT site, published_date, lang, title, id FROM (
             SELECT site, published_date, lang, title, id,
                    row_number() OVER (PARTITION BY site ORDER BY published_date DESC, id DESC) AS n
             FROM releases WHERE published_date IS NOT NULL AND duplicate_of IS NULL)
           WHERE n = 1 ORDER BY site"""
    ).fetchall()
    return [dict(row) for row in rows]


def archive_summary(conn: sqlite3.Connection) -> dict[str, Any]:
    """Row counts of the main tables and the schema version."""
    counts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("releases", "release_versions", "release_urls", "pages", "runs")
    }
    counts["schema_version"] = conn.execute("PRAGMA user_version").fetchone()[0]
    return counts


def release_columns(conn: sqlite3.Connection) -> list[str]:
    """Every column of ``releases``, in table order: what an export contains."""
    return [row[1] for row in conn.execute("PRAGMA table_info(releases)")]


def sites_and_langs(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """``{site: [languages]}`` of the archived releases: what an export can select."""
    found: dict[str, list[str]] = {}
    for site, lang in conn.execute("SELECT site, lang FROM releases GROUP BY site, lang ORDER BY site, lang"):
        found.setdefault(site, []).append(lang)
    return found


def export_sql(
    columns: Sequence[str], since: date | None = None, sites: Sequence[str] = (), langs: Sequence[str] = (),
    unique: bool = False, until: date | None = None,
) -> tuple[str, list[Any]]:
    """The SELECT for :func:`export_rows` and its parameters (oldest first, then by id)."""
    where, params = [], []
    if since:
        where.append("published_date >= ?")
        params.append(since.isoformat())
    if until:
        where.append("published_date <= ?")
        params.append(until.isoformat())
    if sites:
        where.append(f"site IN ({', '.join('?' for _ in sites)})")
        params.extend(sites)
    if langs:
        where.append(f"lang IN ({', '.join('?' for _ in langs)})")
        params.extend(langs)
    if unique:
        where.append("duplicate_of IS NULL")
    sql = f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM releases"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + " ORDER BY published_date IS NULL, published_date, id", params


def export_rows(conn: sqlite3.Connection, **filters: Any) -> Iterator[dict[str, Any]]:
    """Releases as dicts with every column of ``releases``, streamed row by row."""
    sql, params = export_sql(release_columns(conn), **filters)
    for row in conn.execute(sql, params):
        yield dict(row)


def release_pages(conn: sqlite3.Connection) -> Callable[[int], list[dict[str, Any]]]:
    """A reader of the stored pages a release was read from (release id -> rows), with where each is
    kept (WARC record or ``raw_html``; an archive older than WARC capture has ``raw_html`` only)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(pages)")}
    warc = "warc_file, warc_offset" if "warc_file" in columns else "NULL AS warc_file, NULL AS warc_offset"
    sql = f"SELECT url, fetched_at, status, content_type, raw_html, {warc} FROM pages WHERE release_id = ? ORDER BY url"
    return lambda release_id: [dict(row) for row in conn.execute(sql, [release_id])]


def release_url_list(conn: sqlite3.Connection, release_id: int) -> list[str]:
    """Every URL that served a release (``release_urls``), sorted."""
    return [row[0] for row in conn.execute("SELECT url FROM release_urls WHERE release_id = ? ORDER BY url",
                                           [release_id])]
