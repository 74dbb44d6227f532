"""The archive's schema: tables, indexes, the full-text index and its migrations.

The schema is the researchers' interface (every column is documented in README.md). Changes are
added as new functions at the end of :data:`MIGRATIONS`; ``PRAGMA user_version`` records how many
have been applied, so an archive made by an older version opens with a newer one.
"""

from __future__ import annotations

from typing import Callable

import sqlite_utils

FTS_TOKENIZER = "unicode61 remove_diacritics 2"


def _v1_initial(db: sqlite_utils.Database) -> None:
    db["releases"].create(
        {
            "id": int,
            "site": str,
            "lang": str,
            "url": str,
            "title": str,
            "published_date": str,
            "dateline": str,
            "body": str,
            "word_count": int,
            "tags": str,
            "images": str,
            "attachments": str,
            "alternates": str,
            "content_hash": str,
            "translation_group": str,
            "node_id": str,
            "duplicate_of": int,
            "status": str,
            "removed_on": str,
            "first_seen": str,
            "last_seen": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"site", "lang", "url", "title", "body", "content_hash", "status", "first_seen", "last_seen"},
        defaults={"status": "live", "tags": "[]", "images": "[]", "attachments": "[]", "alternates": "{}"},
        foreign_keys=[("duplicate_of", "releases", "id")],
    )
    db["releases"].create_index(["url"], unique=True)
    db["releases"].create_index(["site", "lang", "published_date"])
    db["releases"].create_index(["translation_group"])
    db["releases"].create_index(["content_hash"])
    db["release_urls"].create(
        {"url": str, "release_id": int, "first_seen": str},
        pk="url",
        not_null={"release_id"},
        foreign_keys=[("release_id", "releases", "id")],
    )
    db["release_urls"].create_index(["release_id"])
    db["release_versions"].create(
        {"id": int, "release_id": int, "version": int, "title": str, "body": str, "content_hash": str, "seen_at": str},
        pk="id",
        not_null={"release_id", "version", "title", "body", "content_hash", "seen_at"},
        foreign_keys=[("release_id", "releases", "id")],
    )
    db["release_versions"].create_index(["release_id", "version"], unique=True)
    db["pages"].create(
        {
            "url": str,
            "site": str,
            "lang": str,
            "fetched_at": str,
            "status": int,
            "etag": str,
            "last_modified": str,
            "content_type": str,
            "raw_html": bytes,
            "raw_size": int,
            "release_id": int,
            "outcome": str,
            "extract_error": str,
            "block_keys": str,
        },
        pk="url",
        foreign_keys=[("release_id", "releases", "id")],
        defaults={"outcome": "pending"},
    )
    db["pages"].create_index(["site", "lang", "outcome"])
    db["template_blocks"].create(
        {"site": str, "lang": str, "block_key": str, "pages": int},
        pk=("site", "lang", "block_key"),
        not_null={"pages"},
    )
    db["runs"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "arguments": str,
            "status": str,
            "requests": int,
            "pages_fetched": int,
            "releases_new": int,
            "releases_updated": int,
            "releases_unchanged": int,
            "releases_skipped": int,
            "releases_removed": int,
            "releases_without_date": int,
            "pages_not_modified": int,
            "pages_disallowed": int,
            "errors": int,
            "error_log": str,
        },
        pk="id",
        defaults={
            "requests": 0, "pages_fetched": 0, "releases_new": 0, "releases_updated": 0,
            "releases_unchanged": 0, "releases_skipped": 0, "releases_removed": 0, "releases_without_date": 0, "pages_not_modified": 0,
            "pages_disallowed": 0, "errors": 0, "error_log": "[]",
        },
    )
    db["releases"].enable_fts(["title", "body"], create_triggers=True, tokenize=FTS_TOKENIZER)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1_initial]


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
