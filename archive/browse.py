"""Browsing the archive in Datasette: the metadata, and the Datasette instance ``scrape serve`` runs.

:func:`metadata` is the Datasette metadata for one archive: readable table titles, every column's
description (the same text as the README's schema tables, checked by the tests), facets on site,
language, year and tags, newest releases first, full-text search on ``releases`` and
``releases_unique``, and the canned queries in :data:`CANNED_QUERIES`.

:func:`make_datasette` opens an archive the way ``scrape serve`` does: read-only (``mode=ro``, so
browsing never blocks a nightly run and new releases appear without a restart) or, with
``immutable=True``, as an immutable file (fastest, for a copy that nothing writes to), with the
metadata and the plugin in :mod:`archive.datasette_plugin` (release page, year facet, search syntax).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PLUGIN_NAME = "iom-archive"

COLUMN_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "releases": {
        "id": "integer primary key",
        "site": "the site's key from the config",
        "lang": "language code of the release (en, ru, kk), from the page's <html lang>, else the URL prefix",
        "url": "canonical URL (the page's rel=canonical when on the same host, normalised)",
        "title": "the release title",
        "published_date": (
            "publication date YYYY-MM-DD: from meta tags (article:published_time …) first, then the date shown "
            "on the page (<time datetime>, then the visible text in any of the site's languages), then the "
            "dateline; null when none is found (never guessed)"
        ),
        "dateline": (
            'the place opening the first paragraph ("Astana" in "Astana, November 2, 2022 - The Ministry…"), '
            "else null; the body keeps the sentence"
        ),
        "body": (
            "clean plain text: paragraphs separated by a blank line, list items on their own lines; no menus, "
            "footers, teasers, cookie notices or language switchers"
        ),
        "word_count": "words in body",
        "tags": 'JSON array of the page\'s tags, e.g. ["Counter-trafficking"]',
        "images": 'JSON array of {"url", "alt", "caption"}',
        "attachments": 'JSON array of {"url", "title"} for linked documents (PDF, Word, Excel …)',
        "alternates": 'JSON object of the page\'s hreflang language versions, {"en": url, "ru": url}',
        "content_hash": "SHA-256 of title and body with whitespace collapsed: changes only when the text does",
        "translation_group": (
            "shared by the language versions of one release: site/node/<Drupal node id>, else the first of its "
            "hreflang URLs"
        ),
        "node_id": "the Drupal node id, when the page reveals it",
        "duplicate_of": "id of the release this one duplicates (a cross-post), else null",
        "status": "live, or removed when the page has gone away",
        "removed_on": "when a release was found removed, else null",
        "first_seen": "first and latest run that saw the release",
        "last_seen": "first and latest run that saw the release",
        "updated_at": "when the current text was first seen",
    },
    "release_urls": {
        "url": "primary key, normalised (tracking parameters, fragments, trailing slash, default port removed)",
        "release_id": "the release it served",
        "first_seen": "when this URL was first seen serving it",
    },
    "release_versions": {
        "id": "integer primary key",
        "release_id": "the release",
        "version": "1 for the first text seen, then 2, 3 …",
        "title": "the text of that version",
        "body": "the text of that version",
        "content_hash": "as in releases",
        "seen_at": "when this version was first seen",
    },
    "pages": {
        "url": "primary key: the URL fetched (after redirects, normalised)",
        "site": "the site key and the language the page was discovered under",
        "lang": "the site key and the language the page was discovered under",
        "fetched_at": "when it was last downloaded",
        "status": "HTTP status",
        "etag": "the response's validators, for conditional requests",
        "last_modified": "the response's validators, for conditional requests",
        "content_type": "e.g. text/html",
        "raw_html": "the page as decoded text, zlib-compressed (zlib.decompress(raw_html).decode())",
        "raw_size": "size of the uncompressed page in bytes",
        "release_id": "the release extracted from it, else null",
        "extract_error": "why no release could be extracted, else null",
    },
    "runs": {
        "id": "integer primary key",
        "started_at": "UTC timestamps",
        "finished_at": "UTC timestamps",
        "arguments": "JSON: since, sites, langs",
        "status": "running, ok, partial (some pages failed), failed (no site reachable), interrupted",
        "requests": "HTTP requests made (retries and redirects included)",
        "pages_fetched": "release pages downloaded",
        "releases_new": "what happened to the releases seen",
        "releases_updated": "what happened to the releases seen",
        "releases_unchanged": "what happened to the releases seen",
        "releases_skipped": "releases fetched but published before --since",
        "errors": "number of failures",
        "error_log": 'JSON array of {"url", "error"}',
    },
    "translations": {
        "release_id": "the release (a row of releases)",
        "lang": "its language",
        "title": "its title",
        "body": "its text",
        "url": "its canonical URL",
        "translation_id": "another language version of the same release (same translation_group)",
        "translation_lang": "the language of that version",
        "translation_title": "its title",
        "translation_body": "its text",
        "translation_url": "its canonical URL",
    },
}

RELEASE_FACETS = ["site", "lang", {"year": "published_date"}, {"array": "tags"}]
SEARCH_HELP = (
    "Search the title and body: case-insensitive in Latin and Cyrillic script; several words find releases "
    "with all of them; мигрант* finds every word starting with мигрант; \"quotes\" search a phrase. "
    "Click a title to read the release."
)

CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "term_per_year": {
        "title": "Releases mentioning a term, per year and language",
        "description": "How many releases (cross-posts excluded) mention the term each year, per language. "
                       "The term uses the search box syntax: мигрант* for a prefix, several words for all of them.",
        "sql": """select substr(r.published_date, 1, 4) as year, r.lang, count(*) as releases
from releases_fts join releases r on r.id = releases_fts.rowid
where releases_fts match escape_fts(:term) and r.duplicate_of is null
group by year, r.lang
order by year desc, r.lang""",
    },
    "translations_of_release": {
        "title": "The translations of a release",
        "description": "Every language version of the release with this id (the release itself marked).",
        "sql": """select t.id, t.lang, t.published_date, t.title, t.url, t.id = r.id as this_release
from releases r join releases t on t.translation_group = r.translation_group
where r.id = :id
order by this_release desc, t.lang""",
    },
    "versions_of_release": {
        "title": "A release's versions",
        "description": "Every distinct text the release with this id has had, oldest first.",
        "sql": """select v.version, v.seen_at, v.title, length(v.body) as characters, v.content_hash, v.body
from release_versions v
where v.release_id = :id
order by v.version""",
    },
    "cross_posts": {
        "title": "Cross-posts",
        "description": "Releases that duplicate another release (duplicate_of), next to the original.",
        "sql": """select d.id, d.site, d.lang, d.published_date, d.title, d.url,
       o.id as original_id, o.site as original_site, o.published_date as original_date, o.url as original_url
from releases d join releases o on o.id = d.duplicate_of
order by d.published_date desc, d.id""",
    },
}


def _release_table(title: str, description: str) -> dict[str, Any]:
    return {
        "title": title,
        "description": description,
        "sort_desc": "published_date",
        "facets": RELEASE_FACETS,
        "label_column": "title",
        "fts_table": "releases_fts",
        "fts_pk": "id",
        "columns": COLUMN_DESCRIPTIONS["releases"],
    }


def metadata(database: str = "archive") -> dict[str, Any]:
    """Datasette metadata for the archive served under the name ``database`` (the file's stem)."""
    tables = {
        "releases": _release_table("Press releases", "One row per release and language. " + SEARCH_HELP),
        "releases_unique": _release_table(
            "Press releases without cross-posts",
            "The releases table minus releases that duplicate another one (duplicate_of). " + SEARCH_HELP,
        ),
        "translations": {
            "title": "Translations side by side",
            "description": "One row per release and each of its other language versions. Filter lang and "
                           "translation_lang (e.g. en and ru) to read the two texts next to each other.",
            "sort_desc": "published_date",
            "facets": ["lang", "translation_lang", {"year": "published_date"}],
            "columns": COLUMN_DESCRIPTIONS["translations"],
        },
        "release_versions": {
            "title": "Versions: every distinct text a release ever had",
            "sort_desc": "seen_at",
            "columns": COLUMN_DESCRIPTIONS["release_versions"],
        },
        "release_urls": {
            "title": "Every URL that served a release",
            "columns": COLUMN_DESCRIPTIONS["release_urls"],
        },
        "pages": {
            "title": "Downloaded pages (raw HTML, compressed)",
            "facets": ["site", "status"],
            "columns": COLUMN_DESCRIPTIONS["pages"],
        },
        "runs": {
            "title": "Collection runs",
            "sort_desc": "id",
            "facets": ["status"],
            "columns": COLUMN_DESCRIPTIONS["runs"],
        },
    }
    return {
        "title": "IOM press releases archive",
        "description": "Press releases of IOM country-office websites in every language they publish, "
                       "with full text, every URL and every version. Start with the releases table.",
        "about": "iom-archive",
        "about_url": "https://github.com/iom-archive/iom-archive",
        "databases": {
            database: {
                "title": "IOM press releases",
                "tables": tables,
                "queries": CANNED_QUERIES,
                "plugins": {PLUGIN_NAME: {"archive": True}},
            }
        },
    }


def database_name(path: str | Path) -> str:
    """The name Datasette gives a database file: its stem (``archive.db`` -> ``archive``)."""
    return Path(path).stem


def make_datasette(path: str | Path, immutable: bool = False, settings: dict[str, Any] | None = None):
    """A Datasette instance serving the archive at ``path`` with the metadata and the plugin."""
    from datasette.app import Datasette

    from archive import datasette_plugin

    datasette_plugin.register()
    files = {"immutables": [str(path)]} if immutable else {"files": [str(path)]}
    return Datasette(metadata=metadata(database_name(path)), settings=settings or {}, **files)
