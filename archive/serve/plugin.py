"""The Datasette plugin for archives: the release page, a year facet, and prefix search.

Registered through the ``datasette`` entry point in pyproject.toml (``iom_archive``), so every
``datasette`` in the environment loads it: ``scrape serve``, ``datasette archive.db`` and
``datasette serve archive.db --get …`` alike. It acts only on databases that are archives: those whose
metadata says so (``plugins: {iom-archive: {archive: true}}``, what :func:`archive.serve.metadata.metadata`
produces; ``false`` turns it off) or, without that key, that have the archive's tables (see
:func:`has_archive_tables`). Other databases in the same Datasette are untouched; ``/<db>/release/<pk>``
on one of them is still the row page of its table ``release``, if it has one.

* ``/<database>/release/<id>`` reads like the release: title, date, dateline, language, site, the
  body as paragraphs and lists, tags, attachments and images as links, then links to its other
  language versions, its versions, the release it duplicates and its cross-posts, every URL that
  served it, and the original page. Titles in ``releases``, ``releases_unique`` and
  ``translations`` link to it. The page is the template ``templates/release.html`` next to this
  module (added to Datasette's template search path after ``--template-dir`` and other plugins, so a
  ``release.html`` there replaces it).
* A ``year`` facet type (``{"year": "published_date"}`` in metadata, or ``?_facet_year=published_date``)
  counts rows per year; selecting a year filters ``published_date__startswith=YYYY``.
* ``escape_fts`` (Datasette's search-box escaping) keeps a trailing ``*`` as an FTS5 prefix query,
  so ``мигрант*`` works in the default search mode while hyphenated words (``көші-қон``) still do.
"""

from __future__ import annotations

import json
import re
import sqlite3
import weakref
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args
from datasette.utils.asgi import NotFound, Request, Response
from datasette.version import __version__ as datasette_version
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup

from archive import columns
from archive.serve.names import PLUGIN_NAME

TEMPLATES = Path(__file__).parent / "templates"
RELEASE_TEMPLATE = "release.html"
ARCHIVE_TABLES = ("releases", "release_urls", "release_versions", "pages", "runs")
LANGUAGES = {"en": "English", "ru": "Русский", "kk": "Қазақша", "fr": "Français", "es": "Español", "ar": "العربية"}
RELEASE_TABLES = ("releases", "releases_unique")
_FTS_SPLIT = re.compile(r'\s+|(".*?")')


# --- which databases are archives ---------------------------------------------------------------

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


# --- search ------------------------------------------------------------------------------------

def escape_fts(query: str) -> str:
    """Datasette's escaping (every word quoted, so hyphens and FTS5 operators are plain text), except
    that a word ending in ``*`` becomes a prefix query: ``мигрант*`` -> ``"мигрант"*``."""
    if query.count('"') % 2:
        query += '"'
    words = [bit for bit in _FTS_SPLIT.split(query) if bit and bit != '""']
    escaped = []
    for word in words:
        if word.startswith('"'):
            escaped.append(word)
        elif word.endswith("*") and word.rstrip("*"):
            escaped.append('"{}"*'.format(word.rstrip("*")))
        else:
            escaped.append('"{}"'.format(word))
    return " ".join(escaped)


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, which registers escape_fts
def prepare_connection(conn, database, datasette):
    explicit = configured(datasette, database) if database else False
    if explicit or (explicit is None and has_archive_tables(conn)):
        conn.create_function("escape_fts", 1, escape_fts, deterministic=True)


# --- year facet ------------------------------------------------------------------------------

class YearFacet(Facet):
    """Counts per year of an ISO date column, newest year first."""

    type = "year"

    async def suggest(self):
        return []

    async def facet_results(self):
        results, timed_out = [], []
        args = dict(self.get_querystring_pairs())
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            sql = (f"select substr({escape_sqlite(column)}, 1, 4) as value, count(*) as count from ({self.sql}) "
                   f"where {escape_sqlite(column)} glob '[0-9][0-9][0-9][0-9]*' group by value order by value desc")
            rows = (await self.ds.execute(self.database, sql, self.params, truncate=False)).rows
            key = f"{column}__startswith"
            values = []
            for row in rows:
                selected = args.get(key) == row["value"]
                toggle = (path_with_removed_args(self.request, {key: row["value"]}) if selected
                          else path_with_added_args(self.request, {key: row["value"]}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, toggle), "selected": selected})
            results.append({
                "name": f"{column} (year)", "type": self.type, "results": values, "truncated": False,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": path_with_removed_args(self.request, {"_facet_year": column}),
            })
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [YearFacet]


# --- links from tables ---------------------------------------------------------------------------

@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if value is None or column not in ("title", "translation_title"):
        return None
    keys = row.keys() if hasattr(row, "keys") else ()
    target = None
    if table in RELEASE_TABLES and column == "title" and "id" in keys:
        target = row["id"]
    elif table == "translations" and column == "title" and "release_id" in keys:
        target = row["release_id"]
    elif table == "translations" and column == "translation_title" and "translation_id" in keys:
        target = row["translation_id"]
    if target is None:
        return None

    async def link():
        if not await is_archive(datasette, database):
            return None
        return Markup('<a href="{}">{}</a>').format(release_path(datasette, database, target), value)

    return link


def release_path(datasette, database: str, release_id: Any) -> str:
    return f"{datasette.urls.database(database)}/release/{release_id}"


# --- the release page --------------------------------------------------------------------------

def body_html(body: str) -> Markup:
    """Paragraphs (blocks separated by a blank line) as <p>; a block of several lines as a list."""
    parts = []
    for block in body.split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if len(lines) == 1:
            parts.append(Markup("<p>{}</p>").format(lines[0]))
        elif lines:
            parts.append(Markup("<ul>{}</ul>").format(Markup("").join(Markup("<li>{}</li>").format(l) for l in lines)))
    return Markup("\n").join(parts)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """Find templates/release.html after every other template directory. (Datasette looks for a plugin's
    templates/ itself only when the plugin is a package, or from Python 3.12 on.)"""
    env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(TEMPLATES))])


async def release_page(datasette, request, send):
    database = request.url_vars["database"]
    if not await is_archive(datasette, database):
        return await row_page(datasette, request, send)
    release_id = int(request.url_vars["id"])
    await datasette.ensure_permissions(
        request.actor, [("view-table", (database, "releases")), ("view-database", database), "view-instance"]
    )
    db = datasette.get_database(database)

    async def rows(sql: str, params: list) -> list[dict]:
        return [dict(row) for row in (await db.execute(sql, params)).rows]

    found = await rows("select * from releases where id = ?", [release_id])
    if not found:
        raise NotFound(f"no release {release_id}")
    release = found[0]
    brief = "select id, site, lang, title, published_date from releases"
    context = {
        "database": database,
        "datasette_version": datasette_version,
        "release": release,
        "language": LANGUAGES.get(release["lang"], release["lang"]),
        "languages": LANGUAGES,
        "body": body_html(release["body"] or ""),
        "tags": json.loads(release["tags"] or "[]"),
        "images": json.loads(release["images"] or "[]"),
        "attachments": json.loads(release["attachments"] or "[]"),
        "translations": await rows(f"{brief} where translation_group = ? and id != ? order by lang, id",
                                   [release["translation_group"], release_id]),
        "versions": await rows("select id, version, seen_at, title from release_versions where release_id = ? "
                               "order by version", [release_id]),
        "original": (await rows(f"{brief} where id = ?", [release["duplicate_of"]]) or [None])[0]
        if release["duplicate_of"] else None,
        "duplicates": await rows(f"{brief} where duplicate_of = ? order by published_date, id", [release_id]),
        "release_urls": await rows("select url, first_seen from release_urls where release_id = ? "
                                   "order by first_seen, url", [release_id]),
        "release_url": lambda other: release_path(datasette, database, other),
    }
    return Response.html(await datasette.render_template(RELEASE_TEMPLATE, context, request=request))


async def row_page(datasette, request, send):
    """What Datasette serves at ``/<database>/release/<pk>`` without this plugin: the row page of the
    database's table ``release``, for databases that are not archives (404 when there is no such table)."""
    from datasette.views.row import RowView

    try:
        db = datasette.get_database(request.url_vars["database"])
    except KeyError:
        raise NotFound("Database not found") from None
    if not await db.table_exists("release"):
        raise NotFound(f"{db.name} is not an iom-archive archive and has no table release")
    url_vars = {"database": request.url_vars["database"], "table": "release", "pks": request.url_vars["id"],
                "format": None}
    row_request = Request(dict(request.scope, url_route={"kwargs": url_vars}), request.receive)
    return await RowView.as_view(datasette)(row_request, send)


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/release/(?P<id>[0-9]+)$", release_page)]
