"""Questions asked of an archive file by the resilience and politeness tests (and the benchmark).

:func:`dump_archive` gives what a run archived, without ids and timestamps and with the fixture
server's address written as ``BASE``, so archives made against different servers, or by runs
that met faults, compare with ``==``. :func:`consistency_problems` lists what would make an
archive inconsistent (a half-written release, a page pointing at nothing, template counts that do
not add up); an empty list means none.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

from archive import columns

# Every column of releases but ids, links by id and timestamps (which differ between equal archives).
RELEASE_COLUMNS = tuple(
    name for name in columns.names("releases") if name not in ("id", "duplicate_of", "first_seen", "last_seen", "updated_at")
)
MOJIBAKE = ("\ufffd", "Ð", "Ñ", "Ã", "Р°", "Рµ", "СЃ", "вЂ", "&#")


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn


def _rows(conn: sqlite3.Connection, sql: str, base: str) -> list[tuple]:
    def clean(value):
        return value.replace(base, "BASE") if isinstance(value, str) else value

    return sorted(tuple(clean(value) for value in row) for row in conn.execute(sql))


def dump_archive(db: Path, base_url: str, pages: bool = True) -> dict[str, list[tuple]]:
    """Releases, versions, URLs (and pages, template counts): everything but ids and timestamps."""
    conn = connect(db)
    try:
        dump = {
            "releases": _rows(conn, f"""SELECT {', '.join('r.' + c for c in RELEASE_COLUMNS)}, d.url
                                        FROM releases r LEFT JOIN releases d ON d.id = r.duplicate_of""", base_url),
            "versions": _rows(conn, """SELECT r.url, v.version, v.title, v.body, v.content_hash
                                       FROM release_versions v JOIN releases r ON r.id = v.release_id""", base_url),
            "urls": _rows(conn, """SELECT u.url, r.url FROM release_urls u JOIN releases r ON r.id = u.release_id""",
                          base_url),
        }
        if pages:
            dump["pages"] = _rows(conn, """SELECT p.url, p.site, p.lang, p.status, p.etag, p.last_modified,
                                                  p.content_type, p.raw_size, p.outcome, p.extract_error, r.url
                                           FROM pages p LEFT JOIN releases r ON r.id = p.release_id""", base_url)
            dump["template_blocks"] = _rows(conn, "SELECT site, lang, block_key, pages FROM template_blocks "
                                                  "WHERE pages != 0", base_url)
        return dump
    finally:
        conn.close()


def consistency_problems(db: Path) -> list[str]:
    """Everything that makes ``db`` inconsistent; [] for a sound archive."""
    conn = connect(db)
    problems: list[str] = []

    def check(name: str, sql: str) -> None:
        rows = conn.execute(sql).fetchall()
        if rows:
            problems.append(f"{name}: {[tuple(row) for row in rows][:5]}")

    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:5]}")
        check("foreign_key_check", "PRAGMA foreign_key_check")
        check("release without a version",
              "SELECT id, url FROM releases r WHERE NOT EXISTS (SELECT 1 FROM release_versions v WHERE v.release_id = r.id)")
        check("release without its URL",
              "SELECT id, url FROM releases r WHERE NOT EXISTS "
              "(SELECT 1 FROM release_urls u WHERE u.release_id = r.id AND u.url = r.url)")
        check("release text is not its latest version",
              """SELECT r.id, r.url FROM releases r JOIN release_versions v ON v.release_id = r.id
                 WHERE v.version = (SELECT MAX(version) FROM release_versions WHERE release_id = r.id)
                   AND (v.content_hash != r.content_hash OR v.title != r.title OR v.body != r.body)""")
        check("versions not numbered 1..n",
              """SELECT release_id, COUNT(*), MIN(version), MAX(version) FROM release_versions GROUP BY release_id
                 HAVING MIN(version) != 1 OR MAX(version) != COUNT(*)""")
        check("page marked 'release' without one",
              "SELECT url FROM pages WHERE outcome = 'release' AND (release_id IS NULL OR "
              "release_id NOT IN (SELECT id FROM releases))")
        check("empty release body", "SELECT id, url FROM releases WHERE trim(body) = '' OR trim(title) = ''")
        check("run without a status", "SELECT id FROM runs WHERE status IS NULL")
        check("full-text index out of step",
              "SELECT (SELECT COUNT(*) FROM releases), (SELECT COUNT(*) FROM releases_fts) "
              "WHERE (SELECT COUNT(*) FROM releases) != (SELECT COUNT(*) FROM releases_fts)")
        expected: Counter = Counter()
        for site, lang, keys in conn.execute("SELECT site, lang, block_keys FROM pages WHERE block_keys IS NOT NULL"):
            for key in json.loads(keys):
                expected[(site, lang, key)] += 1
        counted = Counter({(s, l, k): n for s, l, k, n in
                           conn.execute("SELECT site, lang, block_key, pages FROM template_blocks WHERE pages != 0")})
        if expected != counted:
            diff = set((expected - counted) + (counted - expected))
            problems.append(f"template_blocks do not match the stored pages: {sorted(diff)[:3]}")
    finally:
        conn.close()
    return problems


def mojibake_in(text: str) -> list[str]:
    """Signs of a wrong decoding (UTF-8 read as Windows-1251 or Latin-1, replacement characters)."""
    return [sign for sign in MOJIBAKE if sign in text]


_LISTING = re.compile(r"^(/[a-z]{2})?/news(\?page=\d+)?$")
_RELEASE = re.compile(r"^(/[a-z]{2})?/news/[^/?]+$")


def request_kind(path: str, status: int | None, fault: str | None = None) -> str:
    """What a request to the fixture site was for: robots, listing, sitemap, release (downloaded),
    304, faulted (got an injected fault other than a wrong charset), failed (another non-200), other."""
    if fault and fault not in ("utf8-as-cp1251", "cp1251-as-utf8"):
        return "faulted"
    if path == "/robots.txt":
        return "robots"
    if path.endswith(".xml"):
        return "sitemap"
    if _LISTING.match(path):
        return "listing"
    if _RELEASE.match(path):
        return {200: "release", 304: "304"}.get(status, "failed")
    return "other"


def request_counts(requests) -> Counter:
    """``Counter`` of :func:`request_kind` over the fixture server's ``requests``."""
    return Counter(request_kind(r.path, r.status, r.fault) for r in requests)
