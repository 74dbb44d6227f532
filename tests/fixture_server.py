"""Serve a fixture site from ``tests/fixtures/<site>/site`` over real HTTP on 127.0.0.1.

URL -> file: ``name = path.strip('/') or 'index'``; a query adds ``@<query>``; a last segment
without an extension adds ``.html``. ``__BASE__`` in a file becomes ``http://127.0.0.1:PORT``.
Tests can add ``overrides`` (path+query -> (status, content type, body)) and read ``requests``.

Run it by hand to try the scraper offline::

    python tests/fixture_server.py --port 8765
    scrape run --config tests/fixtures/fixture-config.yaml --since 2021-01-01
"""

from __future__ import annotations

import argparse
import mimetypes
import posixpath
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
}


@dataclass
class Served:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    at: float


def file_for(root: Path, target: str) -> Path | None:
    """The fixture file serving ``target`` (path and query), or None if outside ``root``."""
    parts = urlsplit(target)
    path = posixpath.normpath(unquote(parts.path))
    name = path.strip("/") or "index"
    if parts.query:
        name += "@" + parts.query
    if "." not in name.rsplit("/", 1)[-1]:
        name += ".html"
    candidate = (root / name).resolve()
    return candidate if candidate.is_relative_to(root.resolve()) else None


class FixtureServer:
    """A threaded HTTP server for one fixture site; use as a context manager."""

    def __init__(self, root: Path, port: int = 0):
        self.root = Path(root)
        self.overrides: dict[str, Served] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> "FixtureServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def serve(self, target: str) -> Served:
        if target in self.overrides:
            return self.overrides[target]
        path = file_for(self.root, target)
        if path is None or not path.is_file():
            return Served(404, "text/html; charset=utf-8", b"<html><body><h1>Page not found</h1></body></html>")
        body = path.read_bytes().replace(b"__BASE__", self.base_url.encode())
        content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Served(200, content_type, body)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                with server._lock:
                    server.requests.append(Request(self.path, dict(self.headers), time.monotonic()))
                served = server.serve(self.path)
                self.send_response(served.status)
                self.send_header("Content-Type", served.content_type)
                self.send_header("Content-Length", str(len(served.body)))
                for name, value in served.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(served.body)

            def log_message(self, format: str, *args) -> None:
                pass

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve an iom-archive fixture site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--site", default="kazakhstan", help="folder under tests/fixtures/")
    args = parser.parse_args()
    with FixtureServer(FIXTURES / args.site / "site", args.port) as server:
        print(f"serving {args.site} fixture site at {server.base_url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
