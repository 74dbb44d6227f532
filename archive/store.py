"""The SQLite archive: open it, read what the pipeline asks, and write pages, releases and runs.

Nothing here fetches, parses or decides: the pipeline hands over plain values, and what a release
*is* (which archived release, its translation group, what it copies) is decided by
:mod:`scraper.dedupe.identity`, which opens one :meth:`Archive.transaction` per release. Every
write that belongs to one release (its row, its URLs, its new version, its raw page) therefore
commits together or not at all, so a run stopped at any moment leaves a consistent archive and the
next run simply carries on.
Transactions are ``db.atomic()``: under sqlite-utils 4 ``db.execute`` commits each write made
outside an explicit transaction, so a bare ``with db.conn:`` block would not be one.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import sqlite_utils

from archive import columns, schema
from archive.errors import ArchiveError
from archive.search import index as stemmed_index
from archive.views import ensure_views
from archive.warcs import WarcReadError, read_response, warc_dir


RETRY_RUNS = 10  # failed URLs are retried by the next runs, looking back this many runs


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def content_hash(title: str, body: str) -> str:
    """Hash of what a reader sees: title and body with whitespace runs collapsed."""
    text = " ".join(title.split()) + "\n" + " ".join(body.split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compress(html: str) -> bytes:
    return zlib.compress(html.encode("utf-8"), 6)


def decompress(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


@dataclass
class ReleaseRecord:
    """One release as the pipeline hands it to the archive."""

    site: str
    lang: str
    url: str
    title: str
    body: str
    word_count: int
    published_date: str | None = None
    dateline: str | None = None
    tags: list[str] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)
    alternates: dict[str, str] = field(default_factory=dict)
    translation_group: str | None = None
    node_id: str | None = None
    urls: list[str] = field(default_factory=list)
    extractor_version: int | None = None  # the extractor that produced the body
    needs_review: int = 0  # 1: the body may be incomplete (see review_reason)
    review_reason: str | None = None
    modified_time: str | None = None  # the page's own last-edited time (a hint, see releases.modified_time)

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.body)


# The columns of ``releases`` a ReleaseRecord fills, in the table's order: every column of
# archive.columns.RELEASES that is a field of the record, plus the hash of its text. The others
# (id, duplicate_of, status, removed_on, first_seen, last_seen, updated_at) are the archive's own.
RECORD_COLUMNS: tuple[str, ...] = tuple(
    column.name for column in columns.RELEASES
    if column.name == "content_hash" or column.name in {f.name for f in fields(ReleaseRecord)} - {"urls"}
)


@dataclass(frozen=True)
class Capture:
    """Where a text came from when it was not read from the live site: ``source`` (``warc``:
    ``scrape import``; ``recovered``: ``scrape recover``) and the capture's time (``captured_at``)."""

    source: str
    captured_at: str


@dataclass(frozen=True)
class AttachmentRecord:
    """A document a release links to, as downloaded and read (see ``archive.columns.ATTACHMENTS``)."""

    release_id: int
    url: str
    title: str | None
    status: str
    error: str | None = None
    fetched_at: str | None = None
    content_type: str | None = None
    size: int | None = None
    pages: int | None = None
    text: str | None = None
    warc: tuple[str, int] | None = None
    content: bytes | None = None  # kept when the file is in no WARC record


@dataclass(frozen=True)
class PageRecord:
    """A downloaded page, kept raw so extraction can be re-run without the network."""

    url: str
    site: str
    lang: str | None
    fetched_at: str
    status: int
    content_type: str
    html: str
    etag: str | None = None
    last_modified: str | None = None
    modified_time: str | None = None  # what the page says of its last edit (article:modified_time …)
    warc: tuple[str, int] | None = None  # (file, offset) of its response record: then not stored a second time


def _provenance(capture: Capture | None) -> dict[str, str | None]:
    """The ``source`` and ``captured_at`` columns of a text: the live site's, or a capture's."""
    return {"source": capture.source, "captured_at": capture.captured_at} if capture else \
        {"source": "live", "captured_at": None}


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset":
            return value.strip("\"' ") or None
    return None


def _utf8(content: bytes, charset: str | None) -> str:
    return content.decode(charset or "utf-8", errors="replace")


class Archive:
    """An archive file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path, decode: Callable[[bytes, str | None], str] | None = None):
        """``decode(body, charset)`` turns a page read back from a WARC file into text; the collector
        passes its own (the one that decoded the page when it was fetched)."""
        self.path = str(path)
        self.decode = decode or _utf8
        try:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)  # one run's site workers take turns
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"cannot open archive {self.path}: {exc}") from None
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        self.db = sqlite_utils.Database(conn)
        try:
            schema.migrate(self.db)
            ensure_views(self.db)
            stemmed_index.attach(self.db)  # iom_stem for the stemmed index's triggers; rebuilt if stemmers changed
        except (sqlite3.DatabaseError, RuntimeError) as exc:
            raise ArchiveError(f"cannot use archive {self.path}: {exc}") from None

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.db.conn.close()

    # --- reading ---------------------------------------------------------------------------

    def release_id_for_urls(self, urls: Iterable[str]) -> int | None:
        """The release any of ``urls`` already belongs to."""
        for url in urls:
            row = self.db.execute("SELECT release_id FROM release_urls WHERE url = ?", [url]).fetchone()
            if row:
                return row[0]
        return None

    def count(self, table: str) -> int:
        return self.db[table].count

    def url_state(self, url: str) -> dict[str, Any] | None:
        """What the archive knows of a URL: ``release_id``, the release's ``modified_time`` and its stored
        page's validators."""
        row = self.db.execute("SELECT u.release_id, r.modified_time FROM release_urls u JOIN releases r "
                              "ON r.id = u.release_id WHERE u.url = ?", [url]).fetchone()
        release_id, modified = row if row else (None, None)
        pages = list(self.db.query(
            """SELECT url AS page_url, etag, last_modified, fetched_at FROM pages
               WHERE url = ? OR (release_id IS NOT NULL AND release_id = ?)
               ORDER BY url = ? DESC, fetched_at DESC LIMIT 1""",
            [url, release_id, url],
        ))
        if release_id is None and not pages:
            return None
        return {"release_id": release_id, "modified_time": modified,
                **(pages[0] if pages else {"page_url": None, "etag": None, "last_modified": None, "fetched_at": None})}

    def is_archived(self, url: str) -> bool:
        return self.db.execute("SELECT 1 FROM release_urls WHERE url = ?", [url]).fetchone() is not None

    def page_fetched_at(self, url: str) -> str | None:
        """When the stored page of ``url`` was downloaded (or captured), None when there is none."""
        row = self.db.execute("SELECT fetched_at FROM pages WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def last_successful_run(self) -> dict[str, Any] | None:
        rows = list(self.db.query(
            "SELECT * FROM runs WHERE status IN ('ok', 'partial') ORDER BY id DESC LIMIT 1"
        ))
        return rows[0] if rows else None

    def urls_to_retry(self, runs: int = RETRY_RUNS) -> list[str]:
        """URLs that failed in any of the last ``runs`` finished runs and have not been archived since.

        Looking back over several runs (not just the last) keeps a failure of one site or language
        queued while later runs are limited to others with ``--site`` or ``--lang``.
        """
        rows = self.db.execute(
            "SELECT error_log FROM runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT ?", [runs]
        ).fetchall()
        urls = dict.fromkeys(entry["url"] for (log,) in rows if log for entry in json.loads(log))
        return [url for url in urls if not self.is_archived(url)]

    def due_for_revalidation(self, site: str, langs: Iterable[str], limit: int) -> list[dict[str, Any]]:
        """Live releases of a site whose page was checked longest ago."""
        langs = list(langs)
        if limit <= 0 or not langs:
            return []
        return list(self.db.query(
            f"""SELECT r.url, r.lang FROM releases r LEFT JOIN pages p ON p.url = r.url
                WHERE r.site = ? AND r.status = 'live' AND r.lang IN ({', '.join('?' for _ in langs)})
                ORDER BY p.fetched_at, r.id LIMIT ?""",
            [site, *langs, limit],
        ))

    def touch(self, release_id: int | None, page_url: str | None, seen_at: str) -> None:
        """A release seen again unchanged: only ``last_seen`` (and the page's check time) move."""
        with self.db.atomic():
            if release_id is not None:
                self.db.execute(
                    "UPDATE releases SET last_seen = ?, status = 'live', removed_on = NULL WHERE id = ?",
                    [seen_at, release_id],
                )
            if page_url is not None:
                self.db.execute("UPDATE pages SET fetched_at = ? WHERE url = ?", [seen_at, page_url])

    def sitemap_changes(self, site: str, listed: Mapping[str, date | None]) -> list[str]:
        """Archived URLs of ``site`` whose sitemap ``<lastmod>`` differs from the one it gave last time
        (a URL listed before with none, or first seen since schema version 4, has no earlier one)."""
        changed = []
        for url, lastmod in listed.items():
            row = self.db.execute("SELECT sitemap_lastmod FROM release_urls WHERE url = ?", [url]).fetchone()
            if row is not None and row[0] is not None and lastmod is not None and row[0] != lastmod.isoformat():
                changed.append(url)
        return changed

    def left_sitemap(self, site: str, langs: Iterable[str], listed: Iterable[str]) -> list[dict[str, Any]]:
        """Live releases of ``site`` whose URL the sitemap listed before and does not list now."""
        langs, listed = list(langs), set(listed)
        if not langs:
            return []
        rows = self.db.query(
            f"""SELECT r.url, r.lang FROM releases r JOIN release_urls u ON u.url = r.url
                WHERE r.site = ? AND r.status = 'live' AND u.sitemap_seen IS NOT NULL
                AND r.lang IN ({', '.join('?' for _ in langs)}) ORDER BY r.id""",
            [site, *langs],
        )
        return [row for row in rows if row["url"] not in listed]

    def removed_among(self, site: str, urls: Iterable[str]) -> list[str]:
        """Which of ``urls`` serve a release of ``site`` marked removed (the site lists them again)."""
        found = []
        for url in urls:
            row = self.db.execute("SELECT 1 FROM release_urls u JOIN releases r ON r.id = u.release_id "
                                  "WHERE u.url = ? AND r.site = ? AND r.status = 'removed'", [url, site]).fetchone()
            if row is not None:
                found.append(url)
        return found

    def record_sitemap(self, listed: Mapping[str, date | None], seen_at: str, gone: Iterable[str] = ()) -> None:
        """What the sitemap said tonight of each archived URL; ``gone``: URLs it no longer lists."""
        with self.db.atomic():
            for url, lastmod in listed.items():
                self.db.execute(
                    "UPDATE release_urls SET sitemap_lastmod = ?, sitemap_seen = COALESCE(sitemap_seen, ?) WHERE url = ? "
                    "AND (sitemap_lastmod IS NOT ? OR sitemap_seen IS NULL)",
                    [lastmod.isoformat() if lastmod else None, seen_at, url, lastmod.isoformat() if lastmod else None],
                )
            for url in gone:
                self.db.execute("UPDATE release_urls SET sitemap_seen = NULL WHERE url = ?", [url])

    def mark_removed(self, release_id: int, page_url: str | None, status: int, seen_at: str) -> bool:
        """A release whose page now answers 404/410: kept, marked removed. True if newly removed."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE releases SET status = 'removed', removed_on = ? WHERE id = ? AND status != 'removed'",
                [seen_at[:10], release_id],
            )
            if page_url is not None:
                self.db.execute("UPDATE pages SET fetched_at = ?, status = ? WHERE url = ?", [seen_at, status, page_url])
        return cursor.rowcount > 0

    # --- writing ---------------------------------------------------------------------------

    def transaction(self):
        """One atomic unit of writes (``db.atomic()``; a savepoint when one is already open)."""
        return self.db.atomic()

    def release_field(self, release_id: int, column: str) -> Any:
        return self.db.execute(f"SELECT {column} FROM releases WHERE id = ?", [release_id]).fetchone()[0]

    def kept_responses(self) -> dict[str, dict]:
        """The robots.txt files, listing pages and sitemaps kept with their validators (URL -> row,
        content uncompressed)."""
        rows = self.db.execute("SELECT url, etag, last_modified, content_type, charset, content FROM kept_responses")
        return {url: {"etag": etag, "last_modified": modified, "content_type": kind, "charset": charset,
                      "content": zlib.decompress(content)}
                for url, etag, modified, kind, charset, content in rows}

    def keep_responses(self, kept: dict[str, dict]) -> None:
        """Keep these responses (URL -> etag, last_modified, content_type, charset, content), replacing
        the copies kept before, in one transaction."""
        with self.transaction():
            for url, row in sorted(kept.items()):
                self.db.execute(
                    "INSERT OR REPLACE INTO kept_responses (url, etag, last_modified, content_type, charset, content) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [url, row["etag"], row["last_modified"], row["content_type"], row["charset"],
                     zlib.compress(row["content"], 6)])

    def site_date_and_first_seen(self, release_id: int) -> tuple[str, str | None, str | None]:
        return tuple(self.db.execute("SELECT site, published_date, first_seen FROM releases WHERE id = ?",
                                     [release_id]).fetchone())

    def published_dates(self, ids: list[int]) -> dict[int, str | None]:
        return self._column_of(ids, "published_date")

    def first_seen(self, ids: list[int]) -> dict[int, str | None]:
        return self._column_of(ids, "first_seen")

    def _column_of(self, ids: list[int], column: str) -> dict[int, str | None]:
        if not ids:
            return {}
        rows = self.db.execute(
            f"SELECT id, {column} FROM releases WHERE id IN ({', '.join('?' for _ in ids)})", ids
        ).fetchall()
        return dict(rows)

    def same_text_release(self, site: str, lang: str, url: str, digest: str) -> int | None:
        """The release at ``url``, else the first of this site and language with exactly this text."""
        row = self.db.execute(
            "SELECT id FROM releases WHERE url = ? OR (site = ? AND lang = ? AND content_hash = ?) ORDER BY id LIMIT 1",
            [url, site, lang, digest],
        ).fetchone()
        return row[0] if row else None

    def same_day_releases(self, site: str, published_date: str, other_than_lang: str) -> list[tuple[str, str]]:
        """``(translation_group, body)`` of the site's releases of that day in other languages."""
        return self.db.execute(
            "SELECT translation_group, body FROM releases WHERE site = ? AND published_date = ? AND lang != ?",
            [site, published_date, other_than_lang],
        ).fetchall()

    # --- writing ---------------------------------------------------------------------------
    # One release's writes are made inside one transaction opened by the caller
    # (scraper.dedupe.identity.Deduplicator.save), which decides what to write.

    def add_urls(self, release_id: int, urls: Iterable[str], seen_at: str, seen_online: bool = True,
                 capture: Capture | None = None) -> None:
        """Every URL that served the release: a new one with ``first_seen`` (and, seen in a ``capture``,
        its provenance); ``last_seen`` moves when it was seen online (not by re-extraction, nor in a
        capture). A URL already serving another release keeps it."""
        source, captured_at = (capture.source, capture.captured_at) if capture else ("live", None)
        for url in urls:
            self.db.execute(
                "INSERT INTO release_urls (url, release_id, first_seen, last_seen, source, captured_at) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET last_seen = excluded.last_seen "
                "WHERE release_urls.release_id = excluded.release_id AND ?",
                [url, release_id, seen_at, seen_at if seen_online else None, source, captured_at, seen_online],
            )

    def link_page(self, page_url: str, release_id: int) -> None:
        """A stored page became (part of) a release."""
        self.db.execute(
            "UPDATE pages SET release_id = ?, outcome = 'release', extract_error = NULL WHERE url = ?",
            [release_id, page_url],
        )

    def set_duplicate_of(self, release_id: int, original: int | None) -> None:
        self.db.execute("UPDATE releases SET duplicate_of = ? WHERE id = ?", [original, release_id])

    def mark_page(self, url: str, outcome: str, error: str | None = None) -> None:
        """Record what became of a stored page: 'skipped' (before --since) or 'error' (with why)."""
        with self.db.atomic():
            self.db.execute("UPDATE pages SET outcome = ?, extract_error = ? WHERE url = ?", [outcome, error, url])

    def insert_release(self, release: ReleaseRecord, seen_at: str, cause: str = "site",
                       capture: Capture | None = None) -> int:
        """A new release row and its first version (``cause``: see ``release_versions.cause``; ``capture``:
        read from a WARC file or a web archive, not the live site); returns its id."""
        digest = release.content_hash
        row = self._release_columns(release, digest)
        row.update({"status": "live", "first_seen": seen_at, "last_seen": seen_at, "updated_at": seen_at,
                    **_provenance(capture)})
        cursor = self.db.execute(
            f"INSERT INTO releases ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values())
        )
        release_id = cursor.lastrowid
        self._add_version(release_id, release, digest, seen_at, cause, capture=capture)
        return release_id

    def current_version(self, release_id: int) -> tuple[str, str, str | None]:
        """The release's current ``(title, body, published_date)``."""
        return tuple(self.db.execute("SELECT title, body, published_date FROM releases WHERE id = ?",
                                     [release_id]).fetchone())

    def refresh_release(self, release_id: int, release: ReleaseRecord, seen_at: str, seen_online: bool,
                        cause: str = "site", changed: Sequence[str] = (), capture: Capture | None = None) -> str:
        """Metadata is refreshed every time; a new version (of ``cause``, see ``release_versions.cause``)
        is recorded when ``changed`` names what changed (``release_versions.changed``). Returns
        'updated' or 'unchanged'. A text seen online is the live site's (``source``); one from a
        ``capture`` is the capture's when it changed."""
        digest = release.content_hash
        if capture is None and not seen_online:  # the same stored page read again: its text's provenance stays
            capture = self._current_capture(release_id)
        row = self._release_columns(release, digest)
        row.pop("url")  # the first canonical URL stays the release's address
        if seen_online:
            row.update({"last_seen": seen_at, "status": "live", "removed_on": None, **_provenance(None)})
        if changed:
            row["updated_at"] = seen_at
            if capture is not None:
                row.update(_provenance(capture))
        assignments = ", ".join(f"{column} = ?" for column in row)
        self.db.execute(f"UPDATE releases SET {assignments} WHERE id = ?", [*row.values(), release_id])
        if not changed:
            return "unchanged"
        self._add_version(release_id, release, digest, seen_at, cause, ",".join(changed), capture)
        return "updated"

    def _add_version(self, release_id: int, release: ReleaseRecord, digest: str, seen_at: str, cause: str,
                     changed: str | None = None, capture: Capture | None = None, version: int | None = None) -> None:
        """A version of the release's text: the next number, or ``version`` (an earlier capture's place)."""
        provenance = _provenance(capture)
        self.db.execute(
            """INSERT INTO release_versions (release_id, version, title, body, content_hash, seen_at, cause,
                                             extractor_version, published_date, modified_time, changed, source,
                                             captured_at)
               VALUES (?, COALESCE(?, (SELECT COALESCE(MAX(version), 0) + 1 FROM release_versions
                                       WHERE release_id = ?)),
                       ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [release_id, version, release_id, release.title, release.body, digest, seen_at, cause,
             release.extractor_version, release.published_date, release.modified_time, changed,
             provenance["source"], provenance["captured_at"]],
        )

    def version_hashes(self, release_id: int) -> set[str]:
        """The ``content_hash`` of every version the release has had."""
        return {row[0] for row in self.db.execute(
            "SELECT content_hash FROM release_versions WHERE release_id = ?", [release_id])}

    def add_earlier_version(self, release_id: int, release: ReleaseRecord, capture: Capture) -> int:
        """A captured text older than the release's current one, inserted in time order among its versions
        (by ``seen_at``, and before the current text at the latest: the current text stays the last
        version and the release's text). The later versions are renumbered up by one. Returns its number."""
        place = self.db.execute(
            "SELECT COALESCE(MIN(version), (SELECT MAX(version) FROM release_versions WHERE release_id = ?)) "
            "FROM release_versions WHERE release_id = ? AND seen_at > ?",
            [release_id, release_id, capture.captured_at]).fetchone()[0]
        later = [row[0] for row in self.db.execute(
            "SELECT id FROM release_versions WHERE release_id = ? AND version >= ? ORDER BY version DESC",
            [release_id, place])]
        for version_id in later:  # highest first: (release_id, version) stays unique at every step
            self.db.execute("UPDATE release_versions SET version = version + 1 WHERE id = ?", [version_id])
        text = (release.title, release.body, release.published_date)
        before = self._version_text(release_id, place - 1)
        changed = ",".join(columns.version_changes(before, text)) if before else None
        self._add_version(release_id, release, release.content_hash, capture.captured_at, "site", changed or None,
                          capture, place)
        after = self._version_text(release_id, place + 1)
        if after:  # the next version now follows the capture: what it changed is said against it
            self.db.execute("UPDATE release_versions SET changed = ? WHERE release_id = ? AND version = ?",
                            [",".join(columns.version_changes(text, after)) or None, release_id, place + 1])
        return place

    def _version_text(self, release_id: int, version: int) -> tuple[str, str, str | None] | None:
        row = self.db.execute("SELECT title, body, published_date FROM release_versions WHERE release_id = ? "
                              "AND version = ?", [release_id, version]).fetchone()
        return tuple(row) if row else None

    def _current_capture(self, release_id: int) -> Capture | None:
        """The capture the release's current text came from, None for a text from the live site."""
        source, captured_at = self.db.execute("SELECT source, captured_at FROM releases WHERE id = ?",
                                              [release_id]).fetchone()
        return Capture(source, captured_at) if source != "live" and captured_at else None

    def current_text_seen(self, release_id: int) -> str:
        """The latest time the release's current text is known to have been on the site: its capture's
        time for a text from a capture, else the last run that saw the release."""
        source, captured_at, last_seen = self.db.execute(
            "SELECT source, captured_at, last_seen FROM releases WHERE id = ?", [release_id]).fetchone()
        return (captured_at if source != "live" else last_seen) or ""

    @staticmethod
    def _release_columns(release: ReleaseRecord, digest: str) -> dict[str, Any]:
        """The ``releases`` columns a record fills (:data:`RECORD_COLUMNS`), lists and dicts as JSON."""
        row: dict[str, Any] = {}
        for name in RECORD_COLUMNS:
            value = digest if name == "content_hash" else getattr(release, name)
            row[name] = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value
        return row

    def save_fetched_page(self, page: PageRecord, block_keys: set[str]) -> None:
        """Store a downloaded page (outcome 'pending') and count its text blocks for template learning.

        A re-fetched page first takes back the counts of its previous blocks, so each page counts
        once per block however often it is fetched.
        """
        with self.db.atomic():
            row = self.db.execute("SELECT block_keys FROM pages WHERE url = ?", [page.url]).fetchone()
            self._recount(page.site, page.lang, row[0] if row else None, block_keys)
            self.db.execute(
                """INSERT INTO pages (url, site, lang, fetched_at, status, etag, last_modified, content_type,
                                      raw_html, raw_size, outcome, extract_error, block_keys, warc_file, warc_offset,
                                      modified_time)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, ?, ?, ?, ?)
                   ON CONFLICT(url) DO UPDATE SET
                     site = excluded.site, lang = excluded.lang, fetched_at = excluded.fetched_at,
                     status = excluded.status, etag = excluded.etag, last_modified = excluded.last_modified,
                     content_type = excluded.content_type, raw_html = excluded.raw_html,
                     raw_size = excluded.raw_size, outcome = 'pending', extract_error = NULL,
                     block_keys = excluded.block_keys, warc_file = excluded.warc_file,
                     warc_offset = excluded.warc_offset, modified_time = excluded.modified_time""",
                [
                    page.url, page.site, page.lang, page.fetched_at, page.status, page.etag, page.last_modified,
                    page.content_type, None if page.warc else compress(page.html), len(page.html.encode("utf-8")),
                    json.dumps(sorted(block_keys)), *(page.warc or (None, None)), page.modified_time,
                ],
            )

    def recount_blocks(self, url: str, block_keys: set[str]) -> None:
        """Replace a stored page's block keys (and their template counts), e.g. after an extractor upgrade."""
        with self.db.atomic():
            row = self.db.execute("SELECT site, lang, block_keys FROM pages WHERE url = ?", [url]).fetchone()
            if row is None:
                return
            self._recount(row[0], row[1], row[2], block_keys)
            self.db.execute("UPDATE pages SET block_keys = ? WHERE url = ?", [json.dumps(sorted(block_keys)), url])

    def _recount(self, site: str, lang: str | None, previous_json: str | None, block_keys: set[str]) -> None:
        """Move a page's template counts from its previous block keys to ``block_keys``."""
        if lang is None:
            return
        previous = set(json.loads(previous_json)) if previous_json else set()
        self._count_blocks(site, lang, previous - block_keys, -1)
        self._count_blocks(site, lang, block_keys - previous, +1)

    def _count_blocks(self, site: str, lang: str, keys: set[str], delta: int) -> None:
        self.db.conn.executemany(
            """INSERT INTO template_blocks (site, lang, block_key, pages) VALUES (?, ?, ?, ?)
               ON CONFLICT(site, lang, block_key) DO UPDATE SET pages = pages + excluded.pages""",
            [(site, lang, key, delta) for key in keys],
        )

    def template_counts(self, site: str, lang: str, min_pages: int = 1) -> dict[str, int]:
        """``{block_key: number of stored pages of this site and language showing it}``, for the
        blocks on at least ``min_pages`` pages (filtered here: the table holds every block ever seen)."""
        rows = self.db.execute(
            "SELECT block_key, pages FROM template_blocks WHERE site = ? AND lang = ? AND pages >= ?",
            [site, lang, max(min_pages, 1)],
        )
        return dict(rows.fetchall())

    def pages_to_extract(self, site: str, langs: Iterable[str], outcomes: tuple[str, ...] = ("pending",)) -> list[dict]:
        """Stored pages of a site awaiting extraction (by default: fetched, not yet extracted)."""
        langs = list(langs)
        rows = self.db.query(
            f"""SELECT url, site, lang, fetched_at, status, content_type, release_id, modified_time FROM pages
                WHERE site = ? AND lang IN ({', '.join('?' for _ in langs)})
                  AND outcome IN ({', '.join('?' for _ in outcomes)}) AND status = 200
                ORDER BY url""",
            [site, *langs, *outcomes],
        )
        return list(rows)

    def pages_with_blocks(self, site: str, lang: str, keys: Iterable[str]) -> list[dict]:
        """Extracted pages of a site and language that show any of the given template blocks."""
        keys = list(keys)
        return list(self.db.query(
            f"""SELECT DISTINCT p.url, p.site, p.lang, p.modified_time FROM pages p, json_each(p.block_keys) k
                WHERE p.site = ? AND p.lang = ? AND p.outcome = 'release'
                  AND k.value IN ({', '.join('?' for _ in keys)})""",
            [site, lang, *keys],
        ))

    def page_html(self, url: str) -> str:
        """A stored page's text: from ``raw_html``, or from its record in the archive's WARC files."""
        raw, warc_file, offset = self.db.execute(
            "SELECT raw_html, warc_file, warc_offset FROM pages WHERE url = ?", [url]).fetchone()
        if raw is not None or warc_file is None:
            return decompress(raw)
        try:
            body, content_type = read_response(warc_dir(self.path), warc_file, offset)
        except WarcReadError as exc:
            raise ArchiveError(f"{url}: its page cannot be read back: {exc}") from None
        return self.decode(body, _charset(content_type))

    # --- attachments -----------------------------------------------------------------------

    def attachments_to_fetch(self, site: str) -> list[dict[str, Any]]:
        """The documents the site's releases link to (``releases.attachments``) that have no row in
        ``attachments`` yet for that release: ``release_id``, ``url``, ``title``."""
        return list(self.db.query(
            """SELECT r.id AS release_id, j.value ->> 'url' AS url, j.value ->> 'title' AS title
               FROM releases r, json_each(CASE WHEN json_valid(r.attachments) THEN r.attachments ELSE '[]' END) j
               WHERE r.site = ? AND j.type = 'object' AND (j.value ->> 'url') IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.release_id = r.id AND a.url = j.value ->> 'url')
               ORDER BY r.id, j.key""", [site]))

    def attachment_of_url(self, url: str) -> AttachmentRecord | None:
        """The document at ``url`` as another release's row holds it (a file linked twice is read once)."""
        rows = list(self.db.query("SELECT * FROM attachments WHERE url = ? ORDER BY id LIMIT 1", [url]))
        if not rows:
            return None
        row = rows[0]
        return AttachmentRecord(release_id=row["release_id"], url=url, title=row["title"], status=row["status"],
                                error=row["error"], fetched_at=row["fetched_at"], content_type=row["content_type"],
                                size=row["size"], pages=row["pages"], text=row["text"],
                                warc=(row["warc_file"], row["warc_offset"]) if row["warc_file"] else None,
                                content=row["content"])

    def save_attachment(self, attachment: AttachmentRecord) -> None:
        """One document of a release (its text indexed with the release's by the index's triggers)."""
        with self.db.atomic():
            self.db.execute(
                """INSERT INTO attachments (release_id, url, title, status, error, fetched_at, content_type, size,
                                            pages, text, warc_file, warc_offset, content)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(release_id, url) DO UPDATE SET title = excluded.title, status = excluded.status,
                     error = excluded.error, fetched_at = excluded.fetched_at, content_type = excluded.content_type,
                     size = excluded.size, pages = excluded.pages, text = excluded.text,
                     warc_file = excluded.warc_file, warc_offset = excluded.warc_offset, content = excluded.content""",
                [attachment.release_id, attachment.url, attachment.title, attachment.status, attachment.error,
                 attachment.fetched_at, attachment.content_type, attachment.size, attachment.pages, attachment.text,
                 *(attachment.warc or (None, None)), None if attachment.warc else attachment.content],
            )

    # --- runs ------------------------------------------------------------------------------

    def start_run(self, arguments: dict[str, Any]) -> int:
        """Record a new run. Called under the archive lock, so a run still marked ``running`` is
        one that was killed (SIGKILL, power loss): it is marked ``interrupted`` (``finished_at``
        stays empty: nobody saw it end)."""
        with self.db.atomic():
            self.db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            cursor = self.db.execute(
                "INSERT INTO runs (started_at, arguments, status) VALUES (?, ?, 'running')",
                [utc_now(), json.dumps(arguments, ensure_ascii=False, default=str)],
            )
        return cursor.lastrowid

    def finish_run(self, run_id: int, status: str, counts: dict[str, int], error_log: list[dict[str, str]]) -> None:
        columns = {**counts, "status": status, "finished_at": utc_now(), "errors": len(error_log),
                   "error_log": json.dumps(error_log, ensure_ascii=False)}
        with self.db.atomic():
            self.db.execute(
                f"UPDATE runs SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?", [*columns.values(), run_id]
            )

