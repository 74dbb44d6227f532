"""Every column of the archive, defined once: name, SQLite type, constraints and description.

The tables are created from these definitions (:mod:`archive.schema`), the README's schema tables are
generated from them (``cog -r README.md``; ``tests/unit/test_readme_schema.py`` fails when the README is
stale), and Datasette shows the same descriptions above each table (:mod:`archive.serve.metadata`).

The API (these names are used elsewhere; keep them stable):

* :class:`Column`: ``name``, ``type`` (``int``, ``str``, ``bytes``, as sqlite-utils takes them),
  ``description`` (one line of Markdown), ``not_null``, ``default`` (``None``: no default),
  ``primary_key``, ``references`` (``(table, column)`` of a foreign key) and ``since``.
* One tuple of columns per table, in the table's column order: :data:`RELEASES`,
  :data:`RELEASE_URLS`, :data:`RELEASE_VERSIONS`, :data:`PAGES`, :data:`TEMPLATE_BLOCKS`,
  :data:`RUNS`, :data:`SEARCH_META`; :data:`TABLES` maps each table name to its tuple, in creation order.
* :data:`TRANSLATIONS`: the columns of the ``translations`` view (documentation only: the view's SQL
  is in :mod:`archive.views`); :data:`VIEW_COLUMNS` maps each view to its columns
  (``releases_unique`` has those of ``releases``).
* :data:`RUN_COUNTERS`: the counters of a run, in the order ``scraper.pipeline.RunReport`` counts
  them; each is an ``INTEGER DEFAULT 0`` column of ``runs`` (``errors`` and ``error_log`` are not
  counters: they are derived from the run's error list).
* Helpers taking a table or view name, or a tuple of columns: :func:`columns`, :func:`names`,
  :func:`by_name`, :func:`as_of`, :func:`added_in`, :func:`primary_key`, :func:`markdown_table`.

Schema versions. ``since`` is the schema version (the number of the migration in
``archive.schema.MIGRATIONS``, recorded in ``PRAGMA user_version``) that added the column; every
column is 1 to 7 today. Migration 1 creates the tables with ``as_of(table, 1)`` only, so what it creates
never changes. To add a column: append it to its table's tuple with ``since=N`` and add migration N
that calls ``archive.schema.add_columns(db, N)`` (``ALTER TABLE … ADD COLUMN`` for every column with
``since == N``; SQLite allows no primary key there, and ``NOT NULL`` only with a default). New and
upgraded archives then get the same table. A new table has every column ``since=N``; its migration
creates it with ``archive.schema.create_tables(db, N)`` (``add_columns`` leaves it alone).

Descriptions are Markdown, written for researchers. Adjacent columns with the same description
share one row of the README's table (``first_seen``, ``last_seen``) and each gets that description
in Datasette.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union


@dataclass(frozen=True)
class Column:
    name: str
    type: type
    description: str
    not_null: bool = False
    default: Any = None
    primary_key: bool = False
    references: tuple[str, str] | None = None
    since: int = 1

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


SQL_TYPES = {int: "INTEGER", str: "TEXT", bytes: "BLOB", float: "FLOAT"}

RELEASES: tuple[Column, ...] = (
    Column("id", int, "integer primary key", primary_key=True),
    Column("site", str, "the site's `key` from the config", not_null=True),
    Column("lang", str, "language code of the release (`en`, `ru`, `kk`), from the page's `<html lang>`, else the "
                        "URL prefix", not_null=True),
    Column("url", str, "canonical URL (the page's `rel=canonical` when on the same host, normalised)", not_null=True),
    Column("title", str, "the release title", not_null=True),
    Column("published_date", str, "publication date `YYYY-MM-DD`: from meta tags (`article:published_time` …) "
                                  "first, then the date shown on the page (`<time datetime>`, then the visible text "
                                  "in any of the site's languages), then the dateline; null when none is found "
                                  "(never guessed)"),
    Column("dateline", str, "the place opening the first paragraph (\"Astana\" in \"Astana, November 2, 2022 - The "
                            "Ministry…\"), else null; the body keeps the sentence"),
    Column("body", str, "clean plain text: paragraphs separated by a blank line, list items on their own lines; no "
                        "menus, footers, teasers, cookie notices or language switchers", not_null=True),
    Column("word_count", int, "words in `body`"),
    Column("tags", str, "JSON array of the page's tags, e.g. `[\"Counter-trafficking\"]`", default="[]"),
    Column("images", str, "JSON array of `{\"url\", \"alt\", \"caption\"}`", default="[]"),
    Column("attachments", str, "JSON array of `{\"url\", \"title\"}` for linked documents (PDF, Word, Excel …)",
           default="[]"),
    Column("alternates", str, "JSON object of the page's hreflang language versions, `{\"en\": url, \"ru\": url}`",
           default="{}"),
    Column("content_hash", str, "SHA-256 of title and body with whitespace collapsed: changes only when the text "
                                "does", not_null=True),
    Column("translation_group", str, "shared by the language versions of one release: `site/node/<Drupal node id>`, "
                                     "else the first of its hreflang URLs"),
    Column("node_id", str, "the Drupal node id, when the page reveals it"),
    Column("duplicate_of", int, "`id` of the release this one duplicates (a cross-post), else null",
           references=("releases", "id")),
    Column("status", str, "`live`, or `removed` when the page has gone away", not_null=True, default="live"),
    Column("removed_on", str, "when a release was found removed, else null"),
    Column("first_seen", str, "first and latest run that saw the release", not_null=True),
    Column("last_seen", str, "first and latest run that saw the release", not_null=True),
    Column("updated_at", str, "when the current text was first seen"),
    Column("extractor_version", int, "version of the extractor that produced `body` (`scraper.extract.EXTRACTOR_VERSION`); "
                                     "null for releases archived before it was recorded (`scrape reextract` fills it)",
           since=2),
    Column("needs_review", int, "1 when the body may be incomplete and should be compared with the page (kept raw in "
                                "`pages`): a body shorter than a press release can be, or a clean-up that had to fall "
                                "back to the uncleaned block; else 0",
           not_null=True, default=0, since=2),
    Column("review_reason", str, "why the release needs review (`short body: 12 words, fewer than 40` …), else null",
           since=2),
    Column("modified_time", str, "when the site says it last edited the page (`article:modified_time`, "
                                 "`og:updated_time`, `dateModified`; UTC when the page gives a time zone), as of the "
                                 "last fetch, else null; a hint only, never a reason to record a version", since=7),
    Column("source", str, "where the current text came from: `live` (read from the site by `scrape run`), `warc` (a "
                          "WARC file read by `scrape import`) or `recovered` (a web archive's capture, `scrape recover`)",
           not_null=True, default="live", since=8),
    Column("captured_at", str, "for a text from a WARC file or a web archive: when that capture was made (its "
                               "`WARC-Date`, or the CDX timestamp), else null", since=8),
)

RELEASE_URLS: tuple[Column, ...] = (
    Column("url", str, "primary key, normalised (tracking parameters, fragments, trailing slash, default port "
                       "removed)", primary_key=True),
    Column("release_id", int, "the release it served", not_null=True, references=("releases", "id")),
    Column("first_seen", str, "when this URL was first seen serving it"),
    Column("last_seen", str, "when this URL was last seen serving it (null: not since schema version 4)", since=4),
    Column("sitemap_lastmod", str, "the `<lastmod>` the site's sitemap last gave this URL; a different one on a later "
                                   "night has the release checked again", since=4),
    Column("sitemap_seen", str, "since when the site's sitemap lists this URL (null: not listed); a release whose URL "
                                "leaves both the sitemap and the listings is checked again at once", since=4),
    Column("source", str, "how this URL was first seen serving it: `live`, `warc` or `recovered` (as in `releases`)",
           not_null=True, default="live", since=7),
    Column("captured_at", str, "when the capture that showed this URL was made (`warc`, `recovered`), else null",
           since=7),
)

RELEASE_VERSIONS: tuple[Column, ...] = (
    Column("id", int, "integer primary key", primary_key=True),
    Column("release_id", int, "the release", not_null=True, references=("releases", "id")),
    Column("version", int, "1 for the first text seen, then 2, 3 …", not_null=True),
    Column("title", str, "the text of that version", not_null=True),
    Column("body", str, "the text of that version", not_null=True),
    Column("content_hash", str, "as in `releases`", not_null=True),
    Column("seen_at", str, "when this version was first seen", not_null=True),
    Column("cause", str, "why this version exists: `site` (the first text seen, or the site changed its page), "
                         "`reextract` (the same stored page read again by a newer extractor or with a newly learned "
                         "site template: `scrape reextract`, or a template learned during a run; not an edit by the "
                         "site), `mixed` (the page was fetched again and the extractor had changed since the previous "
                         "version: either can explain the difference); null for versions recorded before schema "
                         "version 2, except version 1 (`site`)", since=2),
    Column("extractor_version", int, "version of the extractor that produced this text (as in `releases`); null "
                                     "before schema version 2", since=2),
    Column("published_date", str, "the publication date the page gave with this version (as in `releases`); a "
                                  "changed date alone makes a new version. Versions recorded before schema version 7: "
                                  "the release's date on its latest version, null on the earlier ones", since=7),
    Column("modified_time", str, "the page's own last-edited time when this version was seen (as in `releases`), "
                                 "else null", since=7),
    Column("changed", str, "what differs from the previous version, comma-separated, in this order: `title`, `body`, "
                           "`date` (e.g. `title,body`); null for version 1. Versions recorded before schema version 7 "
                           "list `title` and `body` only (a date change was not recorded then)", since=7),
    Column("source", str, "where this text came from: `live`, `warc` or `recovered` (as in `releases`); a capture "
                          "older than the text archived before it is inserted as an earlier version, `seen_at` being "
                          "the capture's time", not_null=True, default="live", since=8),
    Column("captured_at", str, "when the capture holding this text was made (`warc`, `recovered`), else null",
           since=8),
)

PAGES: tuple[Column, ...] = (
    Column("url", str, "primary key: the URL fetched (after redirects, normalised)", primary_key=True),
    Column("site", str, "the site key and the language the page was discovered under"),
    Column("lang", str, "the site key and the language the page was discovered under"),
    Column("fetched_at", str, "when it was last downloaded"),
    Column("status", int, "HTTP status"),
    Column("etag", str, "the response's validators, for conditional requests"),
    Column("last_modified", str, "the response's validators, for conditional requests"),
    Column("content_type", str, "e.g. `text/html`"),
    Column("raw_html", bytes, "the page as decoded text, zlib-compressed (`zlib.decompress(raw_html).decode()`); "
                              "null when the page is in a WARC file (`warc_file`)"),
    Column("raw_size", int, "size of the uncompressed page in bytes"),
    Column("release_id", int, "the release extracted from it, else null", references=("releases", "id")),
    Column("outcome", str, "`pending` (stored, not yet extracted), `release`, `skipped` (published before `--since`) "
                           "or `error`", default="pending"),
    Column("extract_error", str, "why no release could be extracted, else null"),
    Column("block_keys", str, "JSON array of the keys of the page's text blocks after structural clean-up, counted "
                              "in `template_blocks`"),
    Column("warc_file", str, "the WARC file (in the `<archive>.warc/` directory beside the archive) holding the "
                             "response this page was read from, else null (the page is in `raw_html`)", since=6),
    Column("warc_offset", int, "byte offset of that response record in `warc_file` (a gzip member of its own)",
           since=6),
    Column("modified_time", str, "the page's own last-edited time (`article:modified_time` …, as in `releases`) when "
                                 "it was downloaded, else null", since=7),
)

TEMPLATE_BLOCKS: tuple[Column, ...] = (
    Column("site", str, "the site and language (primary key with `block_key`)", primary_key=True),
    Column("lang", str, "the site and language (primary key with `block_key`)", primary_key=True),
    Column("block_key", str, "a hash of a block of text (case, punctuation and spacing ignored)", primary_key=True),
    Column("pages", int, "on how many stored pages of this site and language the block appears; from 5 pages on it "
                         "is template", not_null=True),
)


def _counter(name: str, description: str) -> Column:
    return Column(name, int, description, default=0)


RUNS: tuple[Column, ...] = (
    Column("id", int, "integer primary key", primary_key=True),
    Column("started_at", str, "UTC timestamps"),
    Column("finished_at", str, "UTC timestamps"),
    Column("arguments", str, "JSON: `since` (as given), `since_used` (as applied, incremental runs included), "
                             "`incremental`, `sites`, `langs`"),
    Column("status", str, "`running`, `ok`, `partial` (some pages failed), `failed` (no site reachable), "
                          "`interrupted` (stopped by a signal, or killed: a killed run is marked when the next run "
                          "starts)"),
    _counter("requests", "HTTP requests made (retries and redirects included)"),
    _counter("pages_fetched", "release pages downloaded"),
    _counter("releases_new", "what happened to the releases seen"),
    _counter("releases_updated", "what happened to the releases seen"),
    _counter("releases_unchanged", "what happened to the releases seen"),
    _counter("releases_skipped", "releases fetched but published before `--since`"),
    _counter("releases_removed", "archived releases found gone (HTTP 404/410) in this run"),
    _counter("releases_without_date", "new releases for which no publication date was found (left null, never "
                                      "guessed)"),
    _counter("pages_not_modified", "conditional requests answered 304 (no download, no re-extraction)"),
    _counter("pages_disallowed", "release URLs not requested because robots.txt disallows them"),
    Column("errors", int, "number of failures", default=0),
    Column("error_log", str, "JSON array of `{\"url\", \"error\"}`", default="[]"),
)

RUN_COUNTERS: tuple[str, ...] = (
    "requests", "pages_fetched", "pages_not_modified", "pages_disallowed", "releases_new", "releases_updated",
    "releases_unchanged", "releases_skipped", "releases_removed", "releases_without_date",
)

SEARCH_META: tuple[Column, ...] = (
    Column("key", str, "what the row records: `stemmer`, the stemmers and tokeniser that built "
                       "`releases_stemmed_fts` (when they change, the index is rebuilt)", primary_key=True, since=3),
    Column("value", str, "e.g. `tokens 1; snowball PyStemmer 3.1.0; kk suffixes 1`", since=3),
)

KEPT_RESPONSES: tuple[Column, ...] = (
    Column("url", str, "primary key: a robots.txt, listing page or sitemap URL, as requested", primary_key=True,
           since=5),
    Column("etag", str, "the validators it was served with: the next run asks for it with `If-None-Match` / "
                        "`If-Modified-Since`, and a `304 Not Modified` is read as this copy", since=5),
    Column("last_modified", str, "the validators it was served with: the next run asks for it with "
                                 "`If-None-Match` / `If-Modified-Since`, and a `304 Not Modified` is read as this "
                                 "copy", since=5),
    Column("content_type", str, "as served (media type, then the charset of the header)", since=5),
    Column("charset", str, "as served (media type, then the charset of the header)", since=5),
    Column("content", bytes, "the body as served, zlib-compressed", since=5),
)

ATTACHMENTS: tuple[Column, ...] = (
    Column("id", int, "integer primary key", primary_key=True, since=9),
    Column("release_id", int, "the release linking it (a document linked from several language versions has a row "
                              "for each)", not_null=True, references=("releases", "id"), since=9),
    Column("url", str, "the document's URL, as the release links it", not_null=True, since=9),
    Column("title", str, "the link's text on the release page", since=9),
    Column("status", str, "`text` (its text is in `text`), `no text` (read, but it holds no text: a scan), "
                          "`encrypted` or `broken` (kept as downloaded, logged; never fails the run), `missing` "
                          "(HTTP 404 or 410), `too large` (over `max_page_bytes`), `not fetched` (on a host that is "
                          "not a configured site's, or disallowed by robots.txt)", not_null=True, since=9),
    Column("error", str, "why there is no text (the reader's message, the HTTP status), else null", since=9),
    Column("fetched_at", str, "when it was downloaded (or found missing)", since=9),
    Column("content_type", str, "as served (`application/pdf`, the Word media type …)", since=9),
    Column("size", int, "bytes downloaded", since=9),
    Column("pages", int, "pages of a PDF, else null", since=9),
    Column("text", str, "the document's plain text, paragraphs separated by a blank line; searched with the "
                        "release (the stemmed search finds a release by its attachments' words)", since=9),
    Column("warc_file", str, "the WARC file and offset of the response it was read from (as in `pages`), else null",
           since=9),
    Column("warc_offset", int, "the WARC file and offset of the response it was read from (as in `pages`), else null",
           since=9),
    Column("content", bytes, "the file as downloaded, when it is in no WARC file (capture off), else null", since=9),
)

VERSION_PARTS: tuple[str, ...] = ("title", "body", "date")
"""What a version can change (``release_versions.changed``), in the order the column lists them."""


def version_changes(before: tuple[str, str, str | None], after: tuple[str, str, str | None]) -> list[str]:
    """Which of :data:`VERSION_PARTS` differ between two ``(title, body, published_date)``: texts with
    whitespace collapsed (as ``content_hash`` compares them), dates as given."""
    return [part for part, old, new in zip(VERSION_PARTS, before, after)
            if (old != new if part == "date" else " ".join(old.split()) != " ".join(new.split()))]


TABLES: dict[str, tuple[Column, ...]] = {
    "releases": RELEASES,
    "release_urls": RELEASE_URLS,
    "release_versions": RELEASE_VERSIONS,
    "pages": PAGES,
    "template_blocks": TEMPLATE_BLOCKS,
    "runs": RUNS,
    "search_meta": SEARCH_META,
    "kept_responses": KEPT_RESPONSES,
    "attachments": ATTACHMENTS,
}

TRANSLATIONS: tuple[Column, ...] = (
    Column("release_id", int, "the release (an id in `releases`)"),
    Column("site", str, "as in `releases`, for the release"),
    Column("translation_group", str, "as in `releases`, for the release"),
    Column("published_date", str, "as in `releases`, for the release"),
    Column("lang", str, "the release's language, title, text and canonical URL"),
    Column("title", str, "the release's language, title, text and canonical URL"),
    Column("body", str, "the release's language, title, text and canonical URL"),
    Column("url", str, "the release's language, title, text and canonical URL"),
    Column("translation_id", int, "another language version of the same release (an id in `releases`)"),
    Column("translation_lang", str, "that version's language, title, text and canonical URL"),
    Column("translation_title", str, "that version's language, title, text and canonical URL"),
    Column("translation_body", str, "that version's language, title, text and canonical URL"),
    Column("translation_url", str, "that version's language, title, text and canonical URL"),
)

VIEW_COLUMNS: dict[str, tuple[Column, ...]] = {
    "releases_unique": RELEASES,
    "translations": TRANSLATIONS,
}

Table = Union[str, tuple[Column, ...]]


def columns(table: Table) -> tuple[Column, ...]:
    """The columns of a table or view, given by name (``"releases"``) or as its tuple."""
    if isinstance(table, tuple):
        return table
    if table in TABLES:
        return TABLES[table]
    if table in VIEW_COLUMNS:
        return VIEW_COLUMNS[table]
    raise KeyError(f"no table or view {table!r} in archive.columns")


def as_of(table: Table, version: int) -> tuple[Column, ...]:
    """The columns the table has at schema ``version`` (those with ``since <= version``)."""
    return tuple(column for column in columns(table) if column.since <= version)


def added_in(table: Table, version: int) -> tuple[Column, ...]:
    """The columns migration ``version`` adds to the table."""
    return tuple(column for column in columns(table) if column.since == version)


def names(table: Table, version: int | None = None) -> tuple[str, ...]:
    """Column names in table order (of schema ``version`` when given)."""
    chosen = columns(table) if version is None else as_of(table, version)
    return tuple(column.name for column in chosen)


def by_name(table: Table) -> dict[str, Column]:
    """``{name: Column}`` for a table or view."""
    return {column.name: column for column in columns(table)}


def primary_key(table: Table) -> tuple[str, ...]:
    return tuple(column.name for column in columns(table) if column.primary_key)


def markdown_table(table: Table) -> str:
    """The README's table for ``table``: one row per column, adjacent columns with the same
    description in one row."""
    rows: list[tuple[list[str], str]] = []
    for column in columns(table):
        if rows and rows[-1][1] == column.description:
            rows[-1][0].append(column.name)
        else:
            rows.append(([column.name], column.description))
    lines = ["| column | meaning |", "|---|---|"]
    lines += ["| {} | {} |".format(", ".join(f"`{name}`" for name in group), description.replace("|", "\\|"))
              for group, description in rows]
    return "\n".join(lines) + "\n"
