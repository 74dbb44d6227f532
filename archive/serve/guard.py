"""What the plugin does to requests, responses and connections, below the pages themselves.

* :func:`asgi_wrapper` (the ``asgi_wrapper`` hook), for archives only:
  - a raw-mode search (``_searchmode=raw``: FTS5 syntax, exact word forms) on ``releases`` or
    ``releases_unique`` goes to the exact-form index ``releases_fts`` (``_fts_table``; the default
    search box uses the stemmed one), with hyphenated words quoted so that ``көші-қон`` is a phrase,
    not an FTS5 syntax error;
  - the HTML results page of a search on them is worked out by :mod:`archive.serve.searchpage`
    (fast at a million releases) before Datasette renders it;
  - ``_bom=1`` on a CSV adds a UTF-8 byte order mark, so Excel reads Cyrillic correctly;
  - the ``/-/`` introspection pages (``/-/databases.json`` …) show a database's file name, not its
    absolute path on the server;
  - the request being served is kept in :data:`CURRENT_REQUEST` for the hooks that Datasette gives no
    request (``render_cell``).
* :func:`limit_connection`: a query cannot make a value larger than :data:`MAX_VALUE_BYTES`
  (``randomblob(300000000)``, ``zeroblob``, ``printf('%.*c', …)``): SQLite's length limit, and capped
  ``randomblob``/``zeroblob`` where Python cannot set limits.
"""

from __future__ import annotations

import contextvars
import os
import re
import sqlite3
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

from archive.search.query import quote_hyphenated
from archive.serve import searchpage
from archive.serve.archives import is_archive

MAX_VALUE_BYTES = 32 * 1024 * 1024  # the largest value a query may make: above any stored page or body
MMAP_BYTES = 1024 * 1024 * 1024  # read the archive through memory mapping: a search's row lookups twice as fast
EXACT_INDEX = "releases_fts"
SEARCHABLE = ("releases", "releases_unique")
BOM = "\ufeff".encode("utf-8")
_TABLE_PATH = re.compile(r"^/(?P<database>[^/]+)/(?P<table>releases|releases_unique)(?:\.(?P<format>\w+))?$")

CURRENT_REQUEST: contextvars.ContextVar[dict | None] = contextvars.ContextVar("iom_archive_request", default=None)


def current_args() -> dict[str, str]:
    """The query-string arguments of the request being served (the last value of a repeated one), else {}."""
    scope = CURRENT_REQUEST.get()
    return dict(_args(scope.get("query_string", b""))) if scope else {}


@lru_cache(maxsize=64)
def _args(query_string: bytes) -> tuple[tuple[str, str], ...]:  # render_cell asks for every cell of a page
    return tuple(dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)).items())


def current_path() -> str:
    scope = CURRENT_REQUEST.get()
    return scope.get("path", "") if scope else ""


def _raw_search_args(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    keys = {key for key, _ in pairs}
    fixed = [(key, quote_hyphenated(value) if key.startswith("_search") and key != "_searchmode" else value)
             for key, value in pairs]
    if "_fts_table" not in keys:
        fixed.append(("_fts_table", EXACT_INDEX))
    return fixed


def _with_bom(send):
    started = {"done": False}

    async def wrapped(message):
        if message["type"] == "http.response.start":
            headers = [(k, str(int(v) + len(BOM)).encode() if k.lower() == b"content-length" else v)
                       for k, v in message.get("headers", [])]
            message = {**message, "headers": headers}
        elif message["type"] == "http.response.body" and not started["done"]:
            started["done"] = True
            message = {**message, "body": BOM + message.get("body", b"")}
        await send(message)

    return wrapped


def _alternate_link(send, url: str):
    """The ``Link: …json; rel="alternate"`` header of a results page naming its JSON as asked."""
    async def wrapped(message):
        if message["type"] == "http.response.start":
            headers = [(k, re.sub(rb"^[^;]*", url.encode("latin-1", "replace"), v)
                        if k.lower() == b"link" and b'rel="alternate"' in v else v)
                       for k, v in message.get("headers", [])]
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


def _redacting(send, paths: dict[bytes, bytes]):
    """Buffer a (small) introspection response and replace absolute paths with file names."""
    state = {"start": None, "body": b""}

    async def wrapped(message):
        if message["type"] == "http.response.start":
            state["start"] = message
            return
        if message["type"] == "http.response.body":
            state["body"] += message.get("body", b"")
            if message.get("more_body"):
                return
            body = state["body"]
            for full, name in paths.items():
                body = body.replace(full, name)
            start = state["start"]
            headers = [(k, str(len(body)).encode() if k.lower() == b"content-length" else v)
                       for k, v in start.get("headers", [])]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)

    return wrapped


def _database_paths(datasette) -> dict[bytes, bytes]:
    paths = {}
    for db in datasette.databases.values():
        if db.path:
            name = os.path.basename(db.path)
            for form in {db.path, os.path.abspath(db.path), os.path.realpath(db.path)}:
                for encoded in (form, form.replace("/", "\\/")):
                    paths[encoded.encode("utf-8")] = name.encode("utf-8")
    return dict(sorted(paths.items(), key=lambda item: -len(item[0])))  # longest first


def asgi_wrapper(datasette):
    def wrap(app):
        async def guarded(scope, receive, send):
            if scope.get("type") != "http":
                return await app(scope, receive, send)
            path = scope.get("path", "")
            pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            args = dict(pairs)
            match = _TABLE_PATH.match(path)
            prepared = None
            if match and args.get("_search") is not None and await is_archive(datasette, match["database"]):
                if args.get("_searchmode") == "raw":
                    pairs = _raw_search_args(pairs)
                    scope = {**scope, "query_string": urlencode(pairs).encode("latin-1")}
                if match["format"] is None and scope.get("method", "GET") == "GET":
                    fast = await searchpage.prepare(datasette, scope, pairs, match["database"], match["table"])
                    if fast is not None:
                        scope, prepared = fast
            if args.get("_bom") and path.endswith(".csv"):
                send = _with_bom(send)
            if path.startswith("/-/"):
                send = _redacting(send, _database_paths(datasette))
            if prepared is not None:
                send = _alternate_link(send, searchpage.json_url(datasette, prepared))
            token = CURRENT_REQUEST.set(prepared.scope if prepared else scope)
            page = searchpage.CURRENT.set(prepared)
            try:
                return await app(scope, receive, send)
            finally:
                searchpage.CURRENT.reset(page)
                CURRENT_REQUEST.reset(token)

        return guarded

    return wrap


def _capped(function):
    def capped(size):
        try:
            size = int(size)
        except (TypeError, ValueError):
            size = 0
        return None if size > MAX_VALUE_BYTES else function(max(size, 1))

    return capped


def limit_connection(conn: sqlite3.Connection) -> None:
    """No value larger than :data:`MAX_VALUE_BYTES` on this connection: SQLite's length limit (Python 3.11+:
    an oversized value is the error "string or blob too big"), else randomblob/zeroblob give NULL past it.
    Also maps up to :data:`MMAP_BYTES` of the file into memory (read-only connections: nothing to lose)."""
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    if hasattr(conn, "setlimit"):
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        return
    conn.create_function("randomblob", 1, _capped(os.urandom))
    conn.create_function("zeroblob", 1, _capped(bytes))
