"""Serve a fixture site from ``tests/fixtures/<site>/site`` over real HTTP on 127.0.0.1.

URL -> file: ``name = path.strip('/') or 'index'``; a query adds ``@<query>``; a last segment
without an extension adds ``.html``. ``__BASE__`` in a file becomes ``http://127.0.0.1:PORT``.
Tests can add ``overrides`` (path+query -> (status, content type, body)) and read ``requests``
(one :class:`Request` per request received: path, headers, server-side ``time.monotonic()`` of
its arrival, the status answered and the fault injected, if any).

Run it by hand to try the scraper offline::

    python tests/support/fixture_server.py --port 8765
    scrape run --config tests/fixtures/fixture-config.yaml --since 2021-01-01

On another port, ``--write-config`` writes a copy of ``tests/fixtures/fixture-config.yaml`` pointed at
it (and at ``--archive``, default ``demo.db`` next to the copy)::

    python tests/support/fixture_server.py --port 9000 --write-config demo-config.yaml
    scrape run --config demo-config.yaml --since 2021-01-01

``--port 0`` takes a free port (the line it prints names it). It serves until Ctrl-C, SIGINT or
SIGTERM (``kill PID``, the process id it prints) and then exits 0; a port in use is refused with
exit 2 and a message naming it.

(``--validators`` adds ETag/Last-Modified and 304s; ``--fault-rate 0.33 --seed 8`` injects the
transient faults below on a third of the requests, robots.txt spared; ``--folder legacy``.)

Conditional requests
--------------------
``FixtureServer(root, validators=True)`` (or set ``server.validators``) sends an ``ETag`` (a hash
of the body as served, with the server's own address written as ``__BASE__`` again, so the same
page has the same ETag on every port) and a ``Last-Modified`` (``server.last_modified``, a fixed date) with every
200 response, and answers ``304 Not Modified`` (no body) to a matching ``If-None-Match``, or, when
that header is absent, to an ``If-Modified-Since`` on or after ``Last-Modified`` (RFC 9110 13.2.2).
A request that gets a fault is never answered 304 (a truncated or empty body is sent whatever
the client holds); the charset faults carry validators of the bytes they send.
``validators="etag"`` or ``"last-modified"`` sends only that one. Off by default, so tests that
do not ask for it see the plain server.

Fault injection
---------------
Deterministic, for resilience tests. A fault is one of :data:`FAULT_KINDS`:

``500``, ``503``
    that HTTP status, a small HTML error page.
``429``
    Too Many Requests with ``Retry-After: <fault.retry_after>`` (default ``1`` second).
``stall``
    read the request, send nothing for ``fault.stall`` seconds (default 3; longer than the
    client's ``timeout`` in a test config), then close the connection.
``drop``
    close the connection without sending any response.
``truncate``
    send the headers with the full ``Content-Length``, then only the first half of the body,
    and close (the client sees an incomplete message).
``cut``
    a complete, well-formed HTTP response whose HTML body stops in the middle, before
    ``</body></html>`` (``Content-Length`` matches what is sent; only the HTML shows it). On a
    non-HTML response (robots.txt, sitemap) it acts as ``truncate``.
``empty``
    ``200 OK``, ``text/html``, an empty body.
``utf8-as-cp1251``
    the UTF-8 page, with ``Content-Type: text/html; charset=windows-1251``.
``cp1251-as-utf8``
    the page encoded in Windows-1251 (characters outside it, e.g. Kazakh letters, as HTML
    numeric character references), with ``charset=utf-8`` in the header and the page's own
    ``<meta charset="utf-8">`` left as it is.
``cp1251-as-latin1``
    the page encoded in Windows-1251 (as above), served as ``charset=iso-8859-1``, its
    ``<meta charset>`` removed: every byte decodes as Latin-1, into mojibake.
``koi8r-no-charset``
    the page encoded in KOI8-R (characters outside it as numeric character references), with no
    charset in the header and its ``<meta charset>`` removed.
``trickle``
    the status line and headers at once, then the body ``fault.trickle_bytes`` bytes (default
    64) at a time, one chunk every ``fault.trickle_every`` seconds (default 2): every read
    arrives well within a read timeout, the whole response never does.
``trickle-headers``
    the same, from the first byte of the status line on.

A fault is *transient* (``times=N``: the first N requests of that URL get it, later ones are
served normally) or *permanent* (``times=None``). Two ways to place faults:

* on chosen URLs: ``server.fault("/news/slug", "503", times=None)`` (path and query exactly as
  requested, like ``overrides``; a path-level fault wins over random ones);
* on a fraction of all requests: ``server.inject(rate=1/3, kinds=TRANSIENT_FAULTS,
  max_per_url=2, seed=7)``. Request number k of URL u is faulted when
  ``sha256(seed, u, k)`` (as a number in [0, 1)) is below ``rate``, as long as u has had fewer
  than ``max_per_url`` faults; the kind is picked from ``kinds`` by another hash. The same seed
  gives the same faults on the same requests whatever the timing, and with client retries >
  ``max_per_url`` every URL is eventually served.

``server.clear_faults()`` removes both. ``server.faults_served()`` lists ``(path, kind)`` of every
fault injected so far; ``Request.fault`` says the same per request.

Timing and counting helpers: ``server.gaps(paths=None)`` (seconds between consecutive
requests, measured at the server), ``server.wait_for_requests(n, timeout)`` (block until n
requests arrived, e.g. to kill a client mid-run), ``server.max_open_connections`` (most
connections open at once).
"""

from __future__ import annotations

import argparse
import hashlib
import mimetypes
import os
import posixpath
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

FIXTURES = Path(__file__).parent.parent / "fixtures"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
}

FAULT_KINDS = (
    "500", "503", "429", "stall", "drop", "truncate", "cut", "empty", "utf8-as-cp1251", "cp1251-as-utf8",
    "cp1251-as-latin1", "koi8r-no-charset", "trickle", "trickle-headers",
)
#: Faults a polite client is expected to retry its way through (transport errors, 429, 5xx,
#: truncated bodies); the default for :meth:`FixtureServer.inject`.
TRANSIENT_FAULTS = ("500", "503", "429", "stall", "drop", "truncate", "cut")
CHARSET_FAULTS = ("utf8-as-cp1251", "cp1251-as-utf8", "cp1251-as-latin1", "koi8r-no-charset")
TRICKLE_FAULTS = ("trickle", "trickle-headers")
_META_CHARSET = re.compile(rb"<meta[^>]*charset[^>]*>", re.I)
#: A fixed, deterministic Last-Modified for every file.
LAST_MODIFIED = "Mon, 02 Dec 2024 10:00:00 GMT"


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
    status: int | None = None  # None when no response was sent (stall, drop)
    fault: str | None = None


@dataclass(frozen=True)
class Fault:
    """One kind of fault; ``times=None`` makes it permanent."""

    kind: str
    times: int | None = 1
    retry_after: str = "1"
    stall: float = 3.0
    trickle_bytes: int = 64
    trickle_every: float = 2.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; one of {', '.join(FAULT_KINDS)}")


@dataclass(frozen=True)
class FaultPlan:
    """Faults on a fraction of all requests (see the module docstring)."""

    rate: float
    kinds: tuple[str, ...] = TRANSIENT_FAULTS
    max_per_url: int = 1
    seed: int = 0
    exclude: frozenset[str] = frozenset()
    retry_after: str = "1"
    stall: float = 3.0

    def pick(self, target: str, attempt: int, faulted_so_far: int) -> Fault | None:
        if target in self.exclude or faulted_so_far >= self.max_per_url:
            return None
        if _unit_hash(self.seed, target, attempt, "fault") >= self.rate:
            return None
        kind = self.kinds[int(_unit_hash(self.seed, target, attempt, "kind") * len(self.kinds))]
        return Fault(kind, times=None, retry_after=self.retry_after, stall=self.stall)


def _unit_hash(*parts: object) -> float:
    digest = hashlib.sha256("\x00".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


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


def etag_for(body: bytes) -> str:
    """The deterministic ETag of a body: a quoted prefix of its SHA-256."""
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def not_modified(headers: dict[str, str], etag: str | None, last_modified: str | None) -> bool:
    """Whether a conditional GET with ``headers`` may be answered 304 (RFC 9110 13.2.2)."""
    lower = {name.lower(): value for name, value in headers.items()}
    if "if-none-match" in lower:
        if etag is None:
            return False
        wanted = {tag.strip().removeprefix("W/") for tag in lower["if-none-match"].split(",")}
        return "*" in wanted or etag.removeprefix("W/") in wanted
    if "if-modified-since" in lower and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(lower["if-modified-since"])
        except (TypeError, ValueError):
            return False
    return False


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # a client killed or timed out: expected here
            return
        super().handle_error(request, client_address)


class FixtureServer:
    """A threaded HTTP server for one fixture site; use as a context manager."""

    def __init__(self, root: Path, port: int = 0, validators: bool | str = False):
        self.root = Path(root)
        self.overrides: dict[str, Served] = {}
        self.requests: list[Request] = []
        self.validators = validators
        self.last_modified = LAST_MODIFIED
        self.path_faults: dict[str, Fault] = {}
        self.fault_plan: FaultPlan | None = None
        self.max_open_connections = 0
        self._open_connections = 0
        self._attempts: dict[str, int] = {}
        self._faulted: dict[str, int] = {}
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> "FixtureServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stopping.set()  # ends stalls at once
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- what the tests read ---------------------------------------------------------------

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def faults_served(self) -> list[tuple[str, str]]:
        with self._lock:
            return [(r.path, r.fault) for r in self.requests if r.fault]

    def gaps(self, paths: set[str] | None = None) -> list[float]:
        """Seconds between the arrivals of consecutive requests (of ``paths`` only, if given)."""
        with self._lock:
            times = sorted(r.at for r in self.requests if paths is None or r.path in paths)
        return [later - earlier for earlier, later in zip(times, times[1:])]

    def wait_for_requests(self, count: int, timeout: float = 30.0) -> bool:
        """Block until at least ``count`` requests have arrived; False on timeout."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)

    def reset(self) -> None:
        """Forget requests and per-URL attempt counts (faults and overrides stay)."""
        with self._lock:
            self.requests.clear()
            self._attempts.clear()
            self._faulted.clear()

    # --- faults ----------------------------------------------------------------------------

    def fault(self, target: str, kind: str, times: int | None = 1, **options) -> Fault:
        """Inject ``kind`` on ``target`` (path and query): its first ``times`` requests, or all (None)."""
        fault = Fault(kind, times=times, **options)
        with self._lock:
            self.path_faults[target] = fault
            self._faulted.pop(target, None)
        return fault

    def inject(self, rate: float, kinds=TRANSIENT_FAULTS, max_per_url: int = 1, seed: int = 0,
               exclude=(), **options) -> FaultPlan:
        """Fault about ``rate`` of all requests, at most ``max_per_url`` times per URL (deterministic)."""
        plan = FaultPlan(rate, tuple(kinds), max_per_url, seed, frozenset(exclude), **options)
        for kind in plan.kinds:
            Fault(kind)  # validates
        with self._lock:
            self.fault_plan = plan
        return plan

    def clear_faults(self) -> None:
        with self._lock:
            self.path_faults.clear()
            self.fault_plan = None
            self._faulted.clear()

    def _choose_fault(self, target: str) -> Fault | None:
        """Called under the lock for every request: the fault it gets, if any."""
        attempt = self._attempts[target] = self._attempts.get(target, 0) + 1
        faulted = self._faulted.get(target, 0)
        fault = self.path_faults.get(target)
        if fault is not None:
            if fault.times is not None and faulted >= fault.times:
                fault = None
        elif self.fault_plan is not None:
            fault = self.fault_plan.pick(target, attempt, faulted)
        if fault is not None:
            self._faulted[target] = faulted + 1
        return fault

    # --- responses -------------------------------------------------------------------------

    def serve(self, target: str) -> Served:
        if target in self.overrides:
            return self.overrides[target]
        path = file_for(self.root, target)
        if path is None or not path.is_file():
            return Served(404, "text/html; charset=utf-8", b"<html><body><h1>Page not found</h1></body></html>")
        body = path.read_bytes().replace(b"__BASE__", self.base_url.encode())
        content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Served(200, content_type, body)

    def _respond(self, target: str, headers: dict[str, str], fault: Fault | None) -> Served | None:
        """The response to send (None: send nothing), after the fault and the validators."""
        if fault is not None and fault.kind in ("500", "503", "429"):
            extra = {"Retry-After": fault.retry_after} if fault.kind == "429" else {}
            message = f"<html><body><h1>Error {fault.kind}</h1></body></html>".encode()
            return Served(int(fault.kind), "text/html; charset=utf-8", message, extra)
        if fault is not None and fault.kind == "empty":
            return Served(200, "text/html; charset=utf-8", b"")
        served = self.serve(target)
        if fault is not None and served.status == 200 and served.content_type.startswith("text/html"):
            if fault.kind == "utf8-as-cp1251":
                served = Served(200, "text/html; charset=windows-1251", served.body, dict(served.headers))
            elif fault.kind == "cp1251-as-utf8":
                body = served.body.decode("utf-8").encode("windows-1251", errors="xmlcharrefreplace")
                served = Served(200, "text/html; charset=utf-8", body, dict(served.headers))
            elif fault.kind in ("cp1251-as-latin1", "koi8r-no-charset"):
                codec, content_type = (("windows-1251", "text/html; charset=iso-8859-1") if fault.kind == "cp1251-as-latin1"
                                       else ("koi8-r", "text/html"))
                body = _META_CHARSET.sub(b"", served.body).decode("utf-8").encode(codec, errors="xmlcharrefreplace")
                served = Served(200, content_type, body, dict(served.headers))
            elif fault.kind == "cut":
                end = served.body.lower().rfind(b"</body")
                end = end if end > 0 else len(served.body)
                served = Served(200, served.content_type, served.body[: end * 2 // 3], dict(served.headers))
        if self.validators and served.status == 200 and (fault is None or fault.kind in CHARSET_FAULTS):
            tags = {}
            if self.validators in (True, "etag", "both"):
                tags["ETag"] = etag_for(served.body.replace(self.base_url.encode(), b"__BASE__"))
            if self.validators in (True, "last-modified", "both"):
                tags["Last-Modified"] = self.last_modified
            if fault is None and not_modified(headers, tags.get("ETag"), tags.get("Last-Modified")):
                return Served(304, served.content_type, b"", tags)
            served = Served(served.status, served.content_type, served.body, {**served.headers, **tags})
        return served

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms delayed-ACK stall

            def setup(self) -> None:
                super().setup()
                with server._lock:
                    server._open_connections += 1
                    server.max_open_connections = max(server.max_open_connections, server._open_connections)

            def finish(self) -> None:
                try:
                    super().finish()
                except OSError:
                    pass
                with server._lock:
                    server._open_connections -= 1

            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                arrived = time.monotonic()
                headers = dict(self.headers)
                with server._lock:
                    fault = server._choose_fault(self.path)
                served = None if fault is not None and fault.kind in ("stall", "drop") else \
                    server._respond(self.path, headers, fault)
                with server._arrived:
                    server.requests.append(Request(self.path, headers, arrived, served and served.status,
                                                   fault and fault.kind))
                    server._arrived.notify_all()
                if served is None:
                    if fault.kind == "stall":
                        server._stopping.wait(fault.stall)
                    self.close_connection = True
                    return
                partial = fault is not None and (
                    fault.kind == "truncate" or (fault.kind == "cut" and not served.content_type.startswith("text/html"))
                )
                if fault is not None and fault.kind in TRICKLE_FAULTS:
                    self._trickle(served, fault)
                    return
                try:
                    self.send_response(served.status)
                    self.send_header("Content-Type", served.content_type)
                    if served.status != 304:
                        self.send_header("Content-Length", str(len(served.body)))
                    for name, value in served.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if partial:
                        self.wfile.write(served.body[: len(served.body) // 2])
                        self.wfile.flush()
                        self.close_connection = True
                    elif served.status != 304:
                        self.wfile.write(served.body)
                except (BrokenPipeError, ConnectionResetError):  # the client went away (killed, timed out)
                    self.close_connection = True

            def _trickle(self, served: Served, fault: Fault) -> None:
                head = [f"HTTP/1.1 {served.status} OK", f"Content-Type: {served.content_type}",
                        f"Content-Length: {len(served.body)}", "Connection: close"]
                head += [f"{name}: {value}" for name, value in served.headers.items()]
                raw_head = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
                data, start = raw_head + served.body, 0
                if fault.kind == "trickle":
                    self.wfile.write(raw_head)
                    self.wfile.flush()
                    start = len(raw_head)
                self.close_connection = True
                try:
                    for offset in range(start, len(data), fault.trickle_bytes):
                        self.wfile.write(data[offset:offset + fault.trickle_bytes])
                        self.wfile.flush()
                        if server._stopping.wait(fault.trickle_every):
                            return
                except (BrokenPipeError, ConnectionResetError):  # the client gave up: what the test wants
                    return

            def log_message(self, format: str, *args) -> None:
                pass

        return Handler


FIXTURE_CONFIG = FIXTURES / "fixture-config.yaml"
FIXTURE_BASE = "http://127.0.0.1:8765"


def demo_config(base_url: str, archive: Path, template: Path = FIXTURE_CONFIG) -> str:
    """The fixture config (``tests/fixtures/fixture-config.yaml``, comments kept) with its sites at
    ``base_url`` and its archive at ``archive``."""
    text = template.read_text(encoding="utf-8").replace(FIXTURE_BASE, base_url)
    return re.sub(r"(?m)^archive:.*$", f"archive: {archive}", text, count=1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Serve an iom-archive fixture site on 127.0.0.1 until Ctrl-C, SIGINT or SIGTERM.")
    parser.add_argument("--port", type=int, default=8765, help="port to serve on (default 8765; 0: a free one)")
    parser.add_argument("--write-config", type=Path, metavar="PATH",
                        help="write a copy of tests/fixtures/fixture-config.yaml pointed at this server's port")
    parser.add_argument("--archive", type=Path, metavar="PATH",
                        help="the archive of the --write-config copy (default: demo.db next to it)")
    parser.add_argument("--site", default="kazakhstan", help="folder under tests/fixtures/")
    parser.add_argument("--folder", default="site", help="site, legacy or redesign")
    parser.add_argument("--validators", action="store_true", help="send ETag/Last-Modified, answer 304")
    parser.add_argument("--fault-rate", type=float, default=0.0,
                        help="fault this fraction of requests (transient faults, once per URL)")
    parser.add_argument("--seed", type=int, default=0, help="seed of --fault-rate")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill PID` stops it as cleanly as Ctrl-C
    try:
        server = FixtureServer(FIXTURES / args.site / args.folder, args.port, validators=args.validators)
    except OSError as exc:
        parser.exit(2, f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc} "
                       f"(another fixture server? stop it, or choose another port with --port)\n")
    with server:
        if args.fault_rate:
            server.inject(args.fault_rate, seed=args.seed, exclude={"/robots.txt"})
        if args.write_config:
            archive = (args.archive or args.write_config.parent / "demo.db").resolve()
            args.write_config.write_text(demo_config(server.base_url, archive), encoding="utf-8")
            print(f"wrote {args.write_config} (sites at {server.base_url}, archive {archive})", flush=True)
        print(f"serving {args.site} fixture site at {server.base_url} "
              f"(pid {os.getpid()}: Ctrl-C or kill {os.getpid()} to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
