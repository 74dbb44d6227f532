"""The search results page of the release tables, fast at a million releases.

For ``/<db>/releases?_search=…`` (and ``releases_unique``, raw mode, the facet filters site, lang,
status, needs_review, year and tag, ``_next``, ``_size``, ``_facet_size``, ``_translations``),
Datasette's own SQL looks up every match in ``releases`` three to eight times (page sorted by
date, count, each facet): ~150-200 ms each for a word in 7% of a million releases. Here
(:func:`prepare`, called by the plugin's ``asgi_wrapper`` before Datasette sees the request):

1. the matches are read from the full-text index alone (``select group_concat(rowid) … match
   escape_fts(?)``, the connection's own ``escape_fts``: the same query the search box makes), and
   kept for the last :data:`RECENT_SEARCHES` searches (a facet clicked or the next page asks again);
2. filtered, counted, paged (newest first, ties by id, as Datasette's ``_next`` keys continue) and
   faceted in memory with :mod:`archive.search.ranked`, over per-release columns read once from
   the ``published_date`` index (schema 10; by ``scrape serve`` as it starts, :func:`preload`) and
   again when the archive file changes;
3. a page lists :data:`RESULTS_PAGE_SIZE` results unless ``_size`` says otherwise;
4. Datasette then renders the page as usual for the request without ``_search`` and with
   ``id in (<the page's ids>)`` as its only filter (``filters_from_request``), ``_nocount``,
   ``_nofacet`` and only ``id`` (``_col``: the results list reads its columns itself); the plugin's
   ``extra_template_vars`` give the template the count, the facets, the
   next page and every link as they are for the request as asked (:func:`template_overrides`).

The page shows what Datasette's would (same rows, count, facets and links); JSON, CSV and any other
request (another sort, other filters, ``_facet=``, ``_table=rows``, a query FTS5 rejects) go to
Datasette's table view unchanged. :data:`CURRENT` carries the prepared page from the ASGI wrapper
to the hooks of the same request.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import os
import re
import sqlite3
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import numpy as np
from datasette.filters import Filters
from datasette.utils import (
    path_with_added_args,
    path_with_format,
    path_with_removed_args,
    path_with_replaced_args,
    tilde_decode,
    tilde_encode,
)
from datasette.utils.asgi import Request

from archive.queries import connect_readonly
from archive.search import ranked
from archive.serve import results
from archive.serve.names import STEMMED_INDEX

EXACT_INDEX = "releases_fts"
TABLES = ("releases", "releases_unique")
#: Arguments the fast page handles (any other sends the request to Datasette's table view).
OWN_ARGS = {"_search", "_searchmode", "_fts_table", "_next", "_size", "_facet_size", "_translations", "_sort_desc",
            "_context", "_trace"}
FILTER_ARGS = {**{column: column for column in ranked.CODED}, "published_date__startswith": "year",
               "tags__arraycontains": "tags"}
REMOVED = ("_search", "_searchmode", "_fts_table", "_next")
#: The columns the results list shows (archive.serve.results.SHOWN), in the sort menu of small screens.
SHOWN = ("id",) + results.SHOWN
SORT = "published_date"
#: Results a page lists unless ``_size`` says otherwise (Datasette's table pages: 100): a researcher
#: scans them by their snippets, and a page of 50 renders in half the time.
RESULTS_PAGE_SIZE = 50

CURRENT: contextvars.ContextVar[Prepared | None] = contextvars.ContextVar("iom_search_page", default=None)


@dataclass
class Prepared:
    """One results page, worked out: what the hooks of its request need."""

    database: str
    table: str
    scope: dict  # the request as asked (the raw-mode fix applied)
    search: str
    count: int
    ids: list[int]  # the page's releases, in order
    next_token: str | None
    facets: list[tuple[dict, list[tuple[Any, int]]]] = field(default_factory=list)  # (config, counts)
    facet_size: int = 6
    fts_table: str = STEMMED_INDEX
    raw: bool = False
    filters: list[tuple[str, str]] = field(default_factory=list)
    size: int = 100

    def equivalent_sql(self) -> tuple[str, dict[str, str]]:
        """The page as one SQL query (what "View and edit SQL" opens): Datasette's own for this search."""
        match = ":search" if self.raw else "escape_fts(:search)"
        where = [f"id in (select rowid from [{self.fts_table}] where [{self.fts_table}] match {match})"]
        params = {"search": self.search}
        for number, (key, value) in enumerate(self.filters):
            name = f"p{number}"
            params[name] = value
            if key == "published_date__startswith":
                where.append(f"[published_date] like :{name} || '%'")
            elif key == "tags__arraycontains":
                where.append(f":{name} in (select value from json_each([tags]))")
            else:
                where.append(f"[{key}] = :{name}")
        return (f"select * from [{self.table}] where {' and '.join(where)} order by [{SORT}] desc "
                f"limit {self.size + 1}", params)

    def where(self) -> str:
        return f"id in ({', '.join(map(str, self.ids))})" if self.ids else "0"


# --- the columns, per database, reloaded when the file changes -----------------------------------

_columns: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Database -> (stamp, Columns)
_locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _stamp(path: str | None) -> tuple:
    """What changes when the archive does: size and modification time of the file and its WAL."""
    found = []
    for name in (path, f"{path}-wal") if path else ():
        try:
            info = os.stat(name)
            found.append((info.st_size, info.st_mtime_ns))
        except OSError:
            found.append(None)
    return tuple(found)


def load_columns(conn: sqlite3.Connection) -> ranked.Columns:
    return ranked.Columns.from_rows(conn.execute(ranked.SQL))


def _stamp_of(db) -> tuple | None:
    return None if db.is_memory or not db.is_mutable else _stamp(db.path)


_preloads: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Database -> Future of (stamp, Columns)


def preload(db) -> concurrent.futures.Future:
    """Start reading the columns of ``db`` in a thread of its own (``scrape serve``, while the server
    starts: a million releases take seconds), so the first search need not; it waits for this instead."""
    future: concurrent.futures.Future = concurrent.futures.Future()
    _preloads[db] = future

    def read() -> None:
        try:
            stamp = _stamp_of(db)
            conn = connect_readonly(db.path)
            conn.row_factory = None
            try:
                future.set_result((stamp, load_columns(conn)))
            finally:
                conn.close()
        except BaseException as exc:  # noqa: BLE001 (the first search reads them itself, and says what is wrong)
            future.set_exception(exc)

    threading.Thread(target=read, name=f"iom-columns-{db.name}", daemon=True).start()
    return future


async def columns_of(db, stamp: tuple | None) -> ranked.Columns:
    """The per-release columns of ``db`` as of ``stamp`` (:func:`_stamp_of`, taken once per request)."""
    pending = _preloads.pop(db, None)
    if pending is not None:
        try:
            _columns.setdefault(db, await asyncio.wrap_future(pending))
        except Exception:  # noqa: BLE001
            pass
    kept = _columns.get(db)
    if kept and (kept[0] == stamp or not db.is_mutable):
        return kept[1]
    lock = _locks.setdefault(db, asyncio.Lock())
    async with lock:
        kept = _columns.get(db)
        if kept and (kept[0] == stamp or not db.is_mutable):
            return kept[1]
        loaded = await db.execute_fn(load_columns)
        _columns[db] = (stamp, loaded)
        return loaded


# --- which requests, and their arguments ----------------------------------------------------------

def _facet_configs(metadata: dict) -> list[dict] | None:
    """The table's facets as ``{"column", "kind"}`` (``kind``: a CODED column, year or tags), else None."""
    configs = []
    for facet in metadata.get("facets") or []:
        if isinstance(facet, str) and facet in ranked.CODED:
            configs.append({"column": facet, "kind": facet, "type": "column"})
        elif facet == {"year": SORT}:
            configs.append({"column": SORT, "kind": "year", "type": "year"})
        elif facet == {"array": "tags"}:
            configs.append({"column": "tags", "kind": "tags", "type": "array"})
        else:
            return None
    return configs


def _filters(pairs: list[tuple[str, str]], unique: bool) -> ranked.Filters | None:
    equal, year, tag = [], None, None
    for key, value in pairs:
        kind = FILTER_ARGS.get(key)
        if kind in ranked.CODED:
            equal.append((key, value))
        elif kind == "year":
            if year is not None or not re.fullmatch(r"[0-9]{4}", value):
                return None
            year = int(value)
        elif kind == "tags":
            if tag is not None:
                return None
            tag = value
    return ranked.Filters(tuple(equal), year, tag, unique)


def _next_key(columns: ranked.Columns, token: str, is_view: bool) -> tuple[int | None, int] | None:
    """(``after`` key, offset) for a ``_next`` token: an offset on the view, ``date,id`` on the table."""
    if is_view:
        return (None, int(token)) if token.isdigit() else None
    parts = token.split(",")
    if len(parts) != 2 or not tilde_decode(parts[1]).isdigit():
        return None
    date = None if parts[0] == "$null" else tilde_decode(parts[0])
    return ranked.after_key(columns, date, int(tilde_decode(parts[1]))), 0


def _sizes(datasette, metadata: dict, args: dict[str, str]) -> tuple[int, int] | None:
    limit = datasette.setting("max_returned_rows")
    size = args.get("_size") or metadata.get("size") or min(RESULTS_PAGE_SIZE, datasette.page_size)
    size = limit if size == "max" else size
    try:
        size = int(size)
    except (TypeError, ValueError):
        return None
    if not 0 < size <= limit:
        return None  # Datasette's own error message
    facet_size = datasette.setting("default_facet_size")
    custom = args.get("_facet_size", "")
    if custom == "max":
        facet_size = limit
    elif custom.isdigit():
        facet_size = int(custom)
    elif metadata.get("facet_size"):
        facet_size = limit if metadata["facet_size"] == "max" else int(metadata["facet_size"])
    return size, min(facet_size, limit)


def _matches(conn: sqlite3.Connection, fts_table: str, search: str, raw: bool) -> np.ndarray | None:
    match = "?" if raw else "escape_fts(?)"
    try:
        (found,) = conn.execute(f"select group_concat(rowid) from [{fts_table}] where [{fts_table}] match {match}",
                                [search]).fetchone()
    except sqlite3.DatabaseError:
        return None  # Datasette's table view says what is wrong with the query
    if not found:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(found, dtype=np.int64, sep=",")  # parsed in C: 8x map(int) at 250,000 matches


#: The matches of the last searches (per database, its file's stamp, index and query): a facet clicked,
#: the next page or the translations grouped search again what was just searched. Small: a search
#: asked again after a few others reads the index again.
RECENT_SEARCHES = 8
_recent: dict[tuple, np.ndarray] = {}


async def matches_of(db, stamp: tuple | None, fts_table: str, search: str, raw: bool) -> np.ndarray | None:
    """The rowids the index matches for the search (None: FTS5 rejects the query), from
    :data:`_recent` when the archive has not changed (``stamp``) since it was searched."""
    key = (id(db), db.name, stamp, fts_table, search, raw)
    found = _recent.pop(key, None)
    if found is None:
        found = await db.execute_fn(lambda conn: _matches(conn, fts_table, search, raw))
        if found is None:
            return None
        found.setflags(write=False)  # shared by the requests that ask it again
    _recent[key] = found  # the most recent last
    while len(_recent) > RECENT_SEARCHES:
        del _recent[next(iter(_recent))]
    return found


async def prepare(datasette, scope: dict, pairs: list[tuple[str, str]], database: str,
                  table: str) -> tuple[dict, Prepared] | None:
    """The scope Datasette gets and the prepared page, for a results page this module serves; else None."""
    args = dict(pairs)
    search = args.get("_search", "")
    if table not in TABLES or not search.strip() or len(args) != len(pairs):
        return None
    if any(key not in OWN_ARGS and key not in FILTER_ARGS for key in args):
        return None
    metadata = datasette.table_metadata(database, table)
    if args.get("_sort_desc", SORT) != SORT or metadata.get("sort_desc") != SORT or metadata.get("sort"):
        return None
    raw = args.get("_searchmode") == "raw"
    fts_table = args.get("_fts_table") or metadata.get("fts_table") or STEMMED_INDEX
    if fts_table not in (STEMMED_INDEX, EXACT_INDEX) or args.get("_searchmode", "raw") not in ("raw", "escaped"):
        return None
    configs = _facet_configs(metadata)
    sizes = _sizes(datasette, metadata, args)
    filters = _filters(pairs, unique=table == "releases_unique")
    if configs is None or sizes is None or filters is None:
        return None
    size, facet_size = sizes
    try:
        db = datasette.get_database(database)
    except KeyError:
        return None
    stamp = _stamp_of(db)  # the archive file's state: the columns and the matches are this request's
    columns = await columns_of(db, stamp)
    after, offset = None, 0
    if args.get("_next"):
        key = _next_key(columns, args["_next"], is_view=table == "releases_unique")
        if key is None:
            return None
        after, offset = key
    found = await matches_of(db, stamp, fts_table, search, raw)
    if found is None:
        return None
    kept = ranked.keep(columns, found, filters)
    ids = ranked.page(columns, kept, size + 1, after=after, offset=offset)
    next_token = None
    if len(ids) > size:
        last = int(ids[size - 1])
        if table == "releases_unique":
            next_token = str(offset + size)
        else:
            date = ranked.date_of(columns, last)
            next_token = f"{'$null' if date is None else tilde_encode(date)},{last}"
        ids = ids[:size]
    groups = ranked.group_counts(columns, kept)  # (what every facet but tags counts from)
    prepared = Prepared(database, table, scope, search, len(kept), [int(i) for i in ids], next_token,
                        [(config, ranked.facet_counts(columns, kept, config["kind"], groups)) for config in configs],
                        facet_size, fts_table, raw, [(k, v) for k, v in pairs if k in FILTER_ARGS], size)
    # The filters are applied (the page's ids passed them): given to Datasette as well, SQLite would look up
    # every release of the site or language (its index) instead of the page's 50 ids.
    served = [(key, value) for key, value in pairs if key not in REMOVED and key not in FILTER_ARGS]
    served += [("_nocount", "1"), ("_nofacet", "1")]
    served += [("_col", "id")]  # the results list reads its columns itself (results.result_items): Datasette
    # need not select and format every cell of the page, which it does not show
    return {**scope, "query_string": urlencode(served).encode("latin-1")}, prepared


# --- what the template shows -------------------------------------------------------------------

def _pairs(request: Request) -> list[tuple[str, str]]:
    return parse_qsl(request.query_string, keep_blank_values=True)


def _facet_results(datasette, request: Request, prepared: Prepared) -> list[dict]:
    pairs = _pairs(request)
    results = []
    for config, counts in prepared.facets:
        column, kind = config["column"], config["kind"]
        key = {"year": f"{SORT}__startswith", "tags": "tags__arraycontains"}.get(kind, column)
        if kind == "year":
            ordered = sorted(counts, key=lambda item: item[0], reverse=True)
            shown, truncated = ordered, False
        else:
            ordered = sorted(counts, key=lambda item: (-item[1], str(item[0])))
            shown, truncated = ordered[:prepared.facet_size], len(ordered) > prepared.facet_size
        values = []
        for value, count in shown:
            selected = (key, str(value)) in pairs
            toggle = (path_with_removed_args(request, {key: str(value)}) if selected
                      else path_with_added_args(request, {key: value}))
            values.append({"value": value, "label": value, "count": count, "selected": selected,
                           "toggle_url": datasette.absolute_url(request, datasette.urls.path(toggle))})
        facet_arg = {"year": "_facet_year", "tags": "_facet_array"}.get(kind, "_facet")
        results.append({"name": column, "type": config["type"], "hideable": False, "truncated": truncated,
                        "results": values,
                        "toggle_url": datasette.urls.path(path_with_removed_args(request, {facet_arg: column}))})
    return sorted(results, key=lambda facet: (len(facet["results"]), facet["name"]), reverse=True)


def json_url(datasette, prepared: Prepared) -> str:
    """The JSON of the page as asked (the ``Link: rel=alternate`` header and ``<link>``)."""
    request = Request(prepared.scope, None)
    return datasette.absolute_url(request, datasette.urls.path(path_with_format(request=request, format="json")))


def template_overrides(datasette, prepared: Prepared, renderers: list[str]) -> dict[str, Any]:
    """The template variables of the page as asked (Datasette computed them for the request it got)."""
    request = Request(prepared.scope, None)
    next_url = None
    if prepared.next_token:
        next_url = datasette.absolute_url(request, datasette.urls.path(
            path_with_replaced_args(request, {"_next": prepared.next_token, "_sort_desc": SORT})))
    url_csv = datasette.urls.path(path_with_format(request=request, format="csv", extra_qs={"_size": "max"}))
    sql, params = prepared.equivalent_sql()
    facets = _facet_results(datasette, request, prepared)
    metadata = datasette.table_metadata(prepared.database, prepared.table)
    filters = Filters(sorted(prepared.filters), metadata.get("units", {}))
    sortable = metadata.get("sortable_columns") or SHOWN
    return {
        "filters": filters,
        "display_columns": [{"name": column, "sortable": column in sortable, "is_pk": column == "id", "type": "",
                             "notnull": 0, "description": (metadata.get("columns") or {}).get(column)}
                            for column in SHOWN],  # Datasette was given only id
        "is_sortable": any(column in sortable for column in SHOWN),
        "human_description_en": " ".join(part for part in (
            filters.human_description_en(extra=[f'search matches "{prepared.search}"']),
            f"sorted by {SORT} descending") if part),
        "request": request,
        "query": {"sql": sql, "params": params},
        "search": prepared.search,
        "supports_search": True,
        "filtered_table_rows_count": prepared.count,
        "sorted_facet_results": facets,
        "facet_results": {facet["name"]: facet for facet in facets},
        "alternate_url_json": json_url(datasette, prepared),
        "facets_timed_out": [],
        "next_url": next_url,
        "renderers": {name: datasette.urls.path(path_with_format(request=request, format=name))
                      for name in renderers},
        "url_csv": url_csv,
        "url_csv_path": url_csv.split("?")[0],
        "url_csv_hidden_args": [(key, value) for key, value in _pairs(request)
                                if key not in ("_labels", "_facet", "_size")] + [("_size", "max")],
        "form_hidden_args": [(key, value) for key, value in _pairs(request)
                             if key.startswith("_") and key not in ("_sort", "_sort_desc", "_search", "_next")
                             and "__" not in key],
    }
