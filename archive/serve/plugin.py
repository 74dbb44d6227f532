"""The Datasette plugin for archives: stemmed search, scannable results, release pages, feeds, guards.

Registered through the ``datasette`` entry point in pyproject.toml (``iom_archive``), so every
``datasette`` in the environment loads it: ``scrape serve``, ``datasette archive.db`` and
``datasette serve archive.db --get …`` alike. It acts only on databases that are archives
(:mod:`archive.serve.archives`: metadata ``plugins: {iom-archive: {archive: true}}``, ``false`` turns it
off, else the archive's tables). Other databases in the same Datasette are untouched.

* **Search** (``prepare_connection``): on an archive's connections ``escape_fts``, the function
  Datasette's search box and ``?_search=`` call, turns the query into an FTS5 expression over the
  stemmed index ``releases_stemmed_fts`` (:mod:`archive.search.query`, stemmed in every language of
  the archive), which the metadata names as the tables' ``fts_table``. ``_searchmode=raw`` searches
  the exact forms in ``releases_fts`` with FTS5 syntax (:mod:`archive.serve.guard`).
* **Results** (``extra_template_vars`` + ``templates/_table.html``): ``releases`` and
  ``releases_unique`` list each result as title, date, language, site, snippet and other language
  versions (:mod:`archive.serve.results`), with export links (all rows as CSV, with a BOM for Excel;
  JSON; Atom); ``_table=rows`` shows Datasette's own table. Long text cells in other list views are
  snippets (``render_cell``). ``templates/index.html`` and ``database.html`` lead with a search box.
* **Pages** (``register_routes``, :mod:`archive.serve.pages`): ``/<db>/release/<id>`` and
  ``/<db>/release/<id>/versions`` (the versions compared word by word). Titles in the release tables,
  the ``translations`` view and the canned queries link to release pages.
* **Feeds** (``register_output_renderer``, :mod:`archive.serve.feed`): ``.atom`` of any search or facet.
* **Year facet**: ``{"year": "published_date"}`` in metadata or ``?_facet_year=published_date``.
* **Guards** (``asgi_wrapper``, :mod:`archive.serve.guard`): raw-mode hyphens, the CSV BOM, no
  absolute paths in ``/-/`` pages, no value over 32 MB per query (``randomblob``).

Templates live in ``templates/`` next to this module, searched after ``--template-dir`` and other
plugins and before Datasette's own (whose templates ours extend as ``default:…``).
"""

from __future__ import annotations

import sqlite3
import weakref
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args
from jinja2 import FileSystemLoader
from markupsafe import Markup

from archive.search import index as stemmed_index
from archive.search.query import DEFAULT_LANGS, stemmed_match
from archive.search.stemmers import stem_text
from archive.serve import feed, guard, pages, results, searchpage
from archive.serve.archives import (  # noqa: F401
    archive_names,
    connection_is_archive,
    has_archive_tables,
    is_archive,
)
from archive.serve.links import release_path, safe_url  # noqa: F401 (re-exported)
from archive.serve.names import (
    INTERNAL_TABLES,
    LINKED_QUERIES,
    SEARCHABLE_TABLES,
    STEMMED_INDEX,
)

TEMPLATES = Path(__file__).parent / "templates"
RELEASE_TABLES = ("releases", "releases_unique")


# --- search ------------------------------------------------------------------------------------

def escape_fts(query: str, langs: tuple[str, ...] = DEFAULT_LANGS) -> str:
    """The search box's query as an FTS5 expression over the stemmed index (see :mod:`archive.search.query`)."""
    return stemmed_match(query, langs)


def archive_languages(conn: sqlite3.Connection) -> tuple[str, ...]:
    """The languages of the archive's releases (the stemmers a query is stemmed with), else en, ru, kk."""
    try:
        found = tuple(row[0] for row in conn.execute("SELECT lang FROM releases GROUP BY lang") if row[0])
    except sqlite3.DatabaseError:
        found = ()
    return tuple(dict.fromkeys(found + DEFAULT_LANGS))


_served_archives: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Datasette -> archive names


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, which registers its escape_fts
def prepare_connection(conn, database, datasette):
    if not connection_is_archive(conn, datasette, database):
        return
    _served_archives.setdefault(datasette, set()).add(database)
    langs = archive_languages(conn)
    conn.create_function("escape_fts", 1, lambda query: escape_fts(query or "", langs), deterministic=True)
    conn.create_function(stemmed_index.FUNCTION, 2, stem_text, deterministic=True)
    guard.limit_connection(conn)


@hookimpl
def get_metadata(datasette, key, database, table):
    """What every archive needs whatever metadata it is served with (a plain ``datasette archive.db``
    included): the release tables search the stemmed index (``escape_fts`` above writes its queries),
    and the internal tables are hidden. Metadata given to Datasette takes precedence."""
    tables = {name: {"fts_table": STEMMED_INDEX, "fts_pk": "id"} for name in SEARCHABLE_TABLES}
    tables.update({name: {"hidden": True} for name in INTERNAL_TABLES})
    return {"databases": {name: {"tables": tables} for name in _served_archives.get(datasette, ())}}


@hookimpl
def filters_from_request(request, database, table, datasette):
    """On a results page worked out by :mod:`archive.serve.searchpage`: its releases, by id."""
    prepared = searchpage.CURRENT.get()
    if prepared is None or (prepared.database, prepared.table) != (database, table):
        return None
    return FilterArguments([prepared.where()], human_descriptions=[f'search matches "{prepared.search}"'],
                           extra_context={"supports_search": True, "search": prepared.search})


@hookimpl
def asgi_wrapper(datasette):
    return guard.asgi_wrapper(datasette)


# --- year facet ------------------------------------------------------------------------------

class YearFacet(Facet):
    """Counts per year of an ISO date column, newest year first."""

    type = "year"

    async def suggest(self):
        return []

    async def facet_results(self):
        facets, timed_out = [], []
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
            facets.append({  # Datasette's template adds the type: "published_date (year)"
                "name": column, "type": self.type, "results": values, "truncated": False,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": path_with_removed_args(self.request, {"_facet_year": column}),
            })
        return facets, timed_out


@hookimpl
def register_facet_classes():
    return [YearFacet]


# --- cells: links to release pages, long text as snippets -------------------------------------------

def _link_target(row_keys, row, column: str, table: str | None, query: str | None) -> Any:
    if table in RELEASE_TABLES and column == "title" and "id" in row_keys:
        return row["id"]
    if table == "translations" and column == "title" and "release_id" in row_keys:
        return row["release_id"]
    if table == "translations" and column == "translation_title" and "translation_id" in row_keys:
        return row["translation_id"]
    if table is None and query in LINKED_QUERIES:
        source = LINKED_QUERIES[query].get(column)
        if source and source in row_keys:
            return row[source]
    return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    parts = guard.current_path().strip("/").split("/")
    if table in RELEASE_TABLES and parts[-1].split(".")[0] == table and guard.current_args().get("_table") != "rows":
        return None  # the table page of a release table shows the results list: Datasette's cells are not displayed
    keys = row.keys() if hasattr(row, "keys") else ()
    query = None
    if table is None:
        query = parts[1] if len(parts) == 2 and parts[0] == database else None
    target = None if value is None else _link_target(keys, row, column, table, query)
    long_text = column in results.BODY_COLUMNS and isinstance(value, str) and len(value) > 300
    if target is None and not long_text:
        return None

    async def cell():
        if not await is_archive(datasette, database):
            return None
        if target is not None:
            return Markup('<a href="{}">{}</a>').format(release_path(datasette, database, target), value)
        args = guard.current_args()
        lang_column = "translation_lang" if column == "translation_body" else "lang"
        return results.short_cell(value, row[lang_column] if lang_column in keys else "",
                                  args.get("_search", ""), args.get("_searchmode") == "raw")

    return cell


# --- templates ---------------------------------------------------------------------------------

@hookimpl
def prepare_jinja2_environment(env, datasette):
    """Our templates after --template-dir and other plugins' folders, before Datasette's own. (Datasette
    looks for a plugin's templates/ itself only when the plugin is a package, or from Python 3.12 on.)"""
    loaders = getattr(env.loader, "loaders", [])
    first = loaders[0] if loaders else None
    if isinstance(first, FileSystemLoader) and str(TEMPLATES) not in first.searchpath:
        first.searchpath.insert(max(len(first.searchpath) - 1, 0), str(TEMPLATES))


def export_links(datasette, database: str, table: str, request) -> dict[str, str]:
    """All matching rows as CSV (streamed; with a BOM for Excel), JSON of the page, and the Atom feed."""
    query = "&".join(part for part in request.query_string.split("&")
                     if part and not part.startswith(("_next=", "_size=", "_table=", "_translations=")))
    join = (lambda base, extra: f"{base}?{'&'.join(p for p in (query, extra) if p)}")
    csv = datasette.urls.table(database, table, format="csv")
    return {
        "csv_excel": join(csv, "_stream=on&_dl=1&_size=max&_bom=1"),
        "csv": join(csv, "_stream=on&_dl=1&_size=max"),
        "json": join(datasette.urls.table(database, table, format="json"), "_shape=array&_size=max"),
        "atom": join(datasette.urls.table(database, table, format="atom"), ""),
    }


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def variables():
        found: dict[str, Any] = {"iom_archive": False}
        if template == "index.html":
            found["iom_archives"] = await archive_names(datasette)
        if not database or not await is_archive(datasette, database):
            return found
        found["iom_archive"] = True
        if view_name == "table" and table in RELEASE_TABLES and request is not None \
                and request.args.get("_table") != "rows":
            prepared = searchpage.CURRENT.get()
            if prepared is not None and (prepared.database, prepared.table) == (database, table):
                found.update(searchpage.template_overrides(datasette, prepared, ["json", "atom"]))
            asked = found.get("request", request)  # the request as asked, not the one Datasette was given

            async def iom_results(rows):
                return await results.result_items(datasette, database, asked, rows)

            found["iom_results"] = iom_results
            found["iom_export"] = export_links(datasette, database, table, asked)
        return found

    return variables


# --- pages and formats ---------------------------------------------------------------------------

@hookimpl
def register_routes():
    return [
        (r"^/(?P<database>[^/]+)/release/(?P<id>[0-9]+)$", pages.release_page),
        (r"^/(?P<database>[^/]+)/release/(?P<id>[0-9]+)/versions$", pages.versions_page),
    ]


@hookimpl
def register_output_renderer(datasette):
    return feed.renderer()
