"""A local web archive for the tests of ``scrape recover``: a CDX API and raw captures over real HTTP
on 127.0.0.1, answering as the Wayback Machine does (the subset iom-archive uses, with real semantics).

- ``GET /cdx/search/cdx?url=…``: the CDX server API. ``url`` is a URL key without scheme; with
  ``matchType=prefix`` (or a trailing ``*``) every capture whose URL starts with it, else exactly
  it. ``from`` / ``to`` are timestamp prefixes (``2019``, ``20190501``), inclusive. Each ``filter``
  is ``[!]field:regex`` (the regex must match the whole field; ``!`` negates). ``collapse=digest``
  drops a capture whose digest equals the previous one's (of the same URL, in the sorted order).
  ``fl`` names the fields; ``output=json`` gives a JSON list whose first row is the field names
  (an empty list when nothing matches), else space-separated lines. Captures sort by URL, then
  timestamp.
- ``GET /web/<timestamp>id_/<url>``: the capture of ``url`` at exactly that timestamp, as archived
  (its status, content type and body; ``id_`` means no rewriting); another timestamp redirects (302)
  to the nearest capture of that URL, as Wayback does; an unknown URL is a 404.
- ``/robots.txt``: 404 (everything allowed).

``requests`` lists every path requested; ``captures`` can be extended by a test before a request.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Capture:
    timestamp: str  # YYYYMMDDhhmmss
    url: str  # the original URL, with its scheme
    body: bytes
    status: int = 200
    mimetype: str = "text/html"

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.body).hexdigest().upper()

    def field(self, name: str) -> str:
        return {"timestamp": self.timestamp, "original": self.url, "statuscode": str(self.status),
                "mimetype": self.mimetype, "digest": self.digest, "urlkey": _key(self.url),
                "length": str(len(self.body))}[name]


def _key(url: str) -> str:
    """A URL without its scheme (and ``www.``), as CDX queries name it."""
    rest = url.split("://", 1)[-1]
    return rest[4:] if rest.startswith("www.") else rest


def cdx_answer(captures: list[Capture], query: list[tuple[str, str]]) -> tuple[str, str]:
    """The CDX API's answer to ``query`` over ``captures``: (content type, body)."""
    params = dict(query)
    url = params.get("url", "")
    prefix = params.get("matchType") == "prefix" or url.endswith("*")
    key = _key(url.rstrip("*"))
    found = [c for c in captures if (_key(c.url).startswith(key) if prefix else _key(c.url) == key)]
    if "from" in params:
        found = [c for c in found if c.timestamp[:len(params["from"])] >= params["from"]]
    if "to" in params:
        found = [c for c in found if c.timestamp[:len(params["to"])] <= params["to"]]
    for _name, value in (item for item in query if item[0] == "filter"):
        negate, expression = value.startswith("!"), value.lstrip("!")
        name, _, regex = expression.partition(":")
        found = [c for c in found if bool(re.fullmatch(regex, c.field(name))) != negate]
    found.sort(key=lambda c: (_key(c.url), c.timestamp))
    if params.get("collapse") == "digest":
        kept, previous = [], None
        for capture in found:
            if previous is None or (_key(previous.url), previous.digest) != (_key(capture.url), capture.digest):
                kept.append(capture)
            previous = capture
        found = kept
    fields = params.get("fl", "urlkey,timestamp,original,mimetype,statuscode,digest,length").split(",")
    rows = [[c.field(name) for name in fields] for c in found]
    if params.get("output") == "json":
        return "application/json", json.dumps([fields, *rows] if rows else [])
    return "text/plain", "".join(" ".join(row) + "\n" for row in rows)


class CdxServer:
    """``with CdxServer(captures) as archive:`` then ``archive.cdx_api`` and ``archive.capture_url``."""

    def __init__(self, captures: list[Capture]):
        self.captures = list(captures)
        self.requests: list[str] = []
        self.down = False  # answer 503 to everything (the archive is down)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append(self.path)
                status, content_type, body, headers = server.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.cdx_api = self.base_url + "/cdx/search/cdx"
        self.capture_url = self.base_url + "/web/{timestamp}id_/{url}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def answer(self, path: str) -> tuple[int, str, bytes, dict[str, str]]:
        if self.down:
            return 503, "text/html", b"<p>down for maintenance</p>", {}
        parts = urlsplit(path)
        if parts.path == "/cdx/search/cdx":
            content_type, text = cdx_answer(self.captures, parse_qsl(parts.query))
            return 200, content_type, text.encode("utf-8"), {}
        match = re.fullmatch(r"/web/(\d{1,14})id_/(.+)", path)
        if match:
            timestamp, url = match.groups()
            same = [c for c in self.captures if c.url == url]
            if not same:
                return 404, "text/html", b"<p>Wayback Machine has not archived that URL.</p>", {}
            exact = next((c for c in same if c.timestamp == timestamp), None)
            if exact is None:
                nearest = min(same, key=lambda c: abs(int(c.timestamp.ljust(14, "0")) - int(timestamp.ljust(14, "0"))))
                return 302, "text/html", b"", {"Location": f"/web/{nearest.timestamp}id_/{url}"}
            return exact.status, exact.mimetype, exact.body, {}
        return 404, "text/html", b"<p>not found</p>", {}

    def __enter__(self) -> CdxServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
