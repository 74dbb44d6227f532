"""Fetching: polite HTTP GETs to the configured hosts only.

One :class:`Fetcher` per run wraps an ``httpx.Client``. It enforces the host allow-list (also on
every redirect hop), a minimum delay between two requests to the same host (robots.txt's
Crawl-delay raises it, up to ``max_crawl_delay``), a response size cap, a total deadline per
request (connect and every read together: a server trickling a few bytes at a time is cut off at
``timeout``), an optional deadline for the whole run (:class:`RunDeadlineReached`) and a few
retries with exponential backoff for transient failures. A host that refused or dropped
:data:`HOST_DOWN_AFTER` connections in a row is not contacted again for :data:`HOST_DOWN_SECONDS`
(its URLs fail at once instead of each waiting through its retries). Network failures become
:class:`FetchError`, whose message names the URL and the cause.

The httpx transport is the testing seam: pass ``transport=httpx.MockTransport(handler)`` in unit
tests; end-to-end tests use a real server on 127.0.0.1.
"""

from __future__ import annotations

import codecs
import logging
import random
import re
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from collections.abc import Mapping
from typing import Callable
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from archive.errors import ExitCode, IomArchiveError
from scraper.fetch.robots import RobotsRules

try:  # brotli is optional for httpx; ask for it only when it can be decoded
    import brotli  # noqa: F401

    ACCEPT_ENCODING = "gzip, deflate, br"
except ImportError:  # pragma: no cover
    ACCEPT_ENCODING = "gzip, deflate"

try:
    import h2  # noqa: F401

    HTTP2 = True
except ImportError:  # pragma: no cover
    HTTP2 = False

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5  # also for robots.txt (RFC 9309 2.3.1.2: follow at least five)
MAX_RETRY_AFTER = 300.0
HOST_DOWN_AFTER = 3  # connection failures in a row after which a host is taken as down …
HOST_DOWN_SECONDS = 60.0  # … for this long (then one request may try again)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


class FetchError(IomArchiveError):
    """A URL that could not be fetched; ``str()`` says which and why. A run records it per URL and
    goes on; only a site none of whose pages can be reached fails the run (exit 4)."""

    exit_code = ExitCode.UNREACHABLE

    def __init__(self, url: str, cause: str):
        super().__init__(f"{url}: {cause}")
        self.url = url
        self.cause = cause


class RobotsDisallowed(FetchError):
    """The site's robots.txt does not allow this URL for our user agent; it was not requested."""


class OffSiteRedirect(FetchError):
    """A redirect to a host outside the configured sites (another site, ``localhost``, a metadata
    address): not followed. ``target`` is where it pointed."""

    def __init__(self, url: str, cause: str, target: str):
        super().__init__(url, cause)
        self.target = target


class RobotsUnreachable(RobotsDisallowed):
    """Not requested because the host's robots.txt could not be read (5xx, no answer): RFC 9309 then
    disallows the whole host for this run. A failure (retried next run), not the site's choice."""


class RunDeadlineReached(BaseException):
    """The run's time limit (``max_run_minutes``) has come: no further request is made.

    A ``BaseException`` (like ``KeyboardInterrupt``), so that no ``except Exception`` on the way,
    meant for one bad page, swallows it: the run stops cleanly between two units of work."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


@dataclass(frozen=True)
class FetchSettings:
    """What the fetcher needs from the config, as one value object."""

    user_agent: str
    allowed_hosts: frozenset[str]
    request_delay: float = 1.0
    timeout: float = 30.0
    max_page_bytes: int = 10_000_000
    retries: int = 2
    backoff: float = 2.0
    max_connections: int = 2  # per host (one host's requests are sequential anyway)
    max_connections_total: int = 8  # all hosts together (a run reads hosts in parallel)
    obey_robots: bool = True
    max_crawl_delay: float = 60.0  # a robots.txt Crawl-delay above this is capped (and the cap logged)


@dataclass(frozen=True)
class Response:
    """A completed HTTP exchange (after redirects)."""

    url: str
    requested_url: str
    status: int
    content: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str = field(default_factory=lambda: utc_now())
    redirects: tuple[str, ...] = ()  # every URL redirected through, after requested_url, before url
    not_modified: bool = False  # a 304 answered with the copy kept from the last run (Fetcher.get_kept)
    warc: tuple[str, int] | None = None  # (file, offset) of its WARC response record, when recorded

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml")

    @property
    def text(self) -> str:
        return decode_body(self.content, self._charset)

    _charset: str | None = None


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def decode_body(content: bytes, header_charset: str | None) -> str:
    """Decode an HTML body whatever its headers claim.

    Order: a byte-order mark; valid UTF-8 (pages served with a wrong charset header are usually
    UTF-8, and real Windows-1251 text is practically never valid UTF-8); the HTTP charset; the
    ``<meta charset>``; Windows-1251 (the legacy encoding of Russian and Kazakh sites); and
    finally UTF-8 with replacement characters. A single-byte decoding that gives implausible text,
    Cyrillic read as Latin-1 ("Ìèãðàíòû": runs of accented capitals no Western language writes)
    or KOI8-R read as Windows-1251 (nearly every Cyrillic letter a capital), is replaced by the
    Cyrillic code page that charset-normalizer finds (:func:`cyrillic_guess`).
    """
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(content[:4096])
    meta = match.group(1).decode("ascii", "ignore") if match else None
    for charset in (header_charset, meta, "windows-1251"):
        if not charset or charset.lower().replace("-", "") == "utf8":
            continue
        try:
            text = content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
        if implausible(text, charset):
            guess = cyrillic_guess(content)
            if guess is not None:
                log.info("body declared or guessed as %s reads as mojibake; decoded as %s", charset, guess[0])
                return guess[1]
        return text
    return content.decode("utf-8", errors="replace")


_LATIN_CODECS = frozenset({"iso8859-1", "cp1252", "iso8859-15", "latin-1", "mac-roman"})
_LATIN_MOJIBAKE = re.compile("[\u00c0-\u00ff]{4,}")  # four accented Latin-1 letters in a row
_CYRILLIC = re.compile("[\u0400-\u04ff]")
#: Code pages tried when a page's own charset gives mojibake (Kazakh: KZ-1048).
CYRILLIC_CODECS = ("cp1251", "koi8_r", "koi8_u", "kz1048", "iso8859_5", "mac_cyrillic", "cp866")


def implausible(text: str, charset: str) -> bool:
    """Whether ``text``, decoded as ``charset``, looks like Cyrillic decoded with the wrong code page."""
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return False
    if name in _LATIN_CODECS:
        return len(_LATIN_MOJIBAKE.findall(text)) >= 3
    letters = _CYRILLIC.findall(text)
    if len(letters) < 20:
        return False
    capitals = sum(1 for letter in letters if letter.isupper())
    return capitals > 0.6 * len(letters)


def cyrillic_guess(content: bytes) -> tuple[str, str] | None:
    """``(code page, text)`` of the Cyrillic code page charset-normalizer finds for ``content``, if plausible."""
    from charset_normalizer import from_bytes  # imported when needed: only pages with a wrong charset

    best = from_bytes(content, cp_isolation=list(CYRILLIC_CODECS)).best()
    if best is None:
        return None
    text = str(best)
    return None if implausible(text, best.encoding) else (best.encoding, text)


def looks_truncated(content: bytes, content_type: str) -> bool:
    """An HTML document that stops before its end (no ``</body>`` or ``</html>`` near the end)."""
    if content_type not in ("text/html", "application/xhtml+xml") or not content.strip():
        return False
    tail = content[-2048:].lower()
    return b"</html" not in tail and b"</body" not in tail


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now if now is not None else time.time()
    return min(max(when.timestamp() - now, 0.0), MAX_RETRY_AFTER)


@dataclass(frozen=True)
class Kept:
    """The copy of a robots.txt, listing page or sitemap kept from an earlier run, with its
    validators: the next GET of its URL is conditional, and a 304 is answered with this copy."""

    content: bytes
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None


class Fetcher:
    """Polite GETs: allow-listed hosts, per-host delay, size cap, deadlines, retries."""

    def __init__(
        self,
        settings: FetchSettings,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_request: Callable[[str], None] | None = None,
        deadline: float | None = None,
        kept: dict[str, Kept] | None = None,
        on_exchange: Callable[[httpx.Response, bytes], tuple[str, int]] | None = None,
    ):
        """``on_request(url)`` is called before every request sent (retries and redirects included).
        ``on_exchange(response, body)`` after every complete response (the WARC seam,
        :mod:`scraper.fetch.warc`); what it returns is the response's ``warc``.

        ``deadline`` is the run's time limit, on ``clock``: no request starts after it (then
        :class:`RunDeadlineReached`), and none in flight lasts past it.

        ``kept`` (URL -> :class:`Kept`) are the robots.txt files, listing pages and sitemaps kept
        from the last run: :meth:`get_kept` and robots.txt ask for them conditionally. The copies
        downloaded anew this run are in :attr:`kept_updates`, for the caller to keep."""
        self.settings = settings
        self.kept = dict(kept or {})
        self.kept_updates: dict[str, Kept] = {}
        self._on_request = on_request
        self._on_exchange = on_exchange
        self._sleep = sleep
        self._clock = clock
        self._run_deadline = deadline
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._connect_failures: dict[str, int] = {}
        self._down_until: dict[str, float] = {}
        self.requests_made = 0
        total = max(settings.max_connections, settings.max_connections_total)
        limits = httpx.Limits(max_connections=total, max_keepalive_connections=total)
        self._deadlines = DeadlineBackend()
        if transport is None:
            transport = httpx.HTTPTransport(http2=HTTP2, limits=limits)
            self._deadlines.install(transport)
        self._client = httpx.Client(
            transport=transport,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,
            limits=limits,
        )

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None,
            max_bytes: int | None = None) -> Response:
        """GET ``url``, following at most :data:`MAX_REDIRECTS` redirects within allowed hosts.

        ``max_bytes`` raises the size cap for this request (sitemaps may be 50 MB)."""
        headers = _conditional(etag, last_modified)
        current = url
        hops: list[str] = []
        for _hop in range(MAX_REDIRECTS + 1):
            self._check_host(current)
            robots = self.robots_for(current)
            if not robots.allowed(current):
                if robots.unreachable:
                    raise RobotsUnreachable(current, f"not requested: robots.txt unreachable ({robots.unreachable})")
                raise RobotsDisallowed(current, "disallowed by the site's robots.txt; not requested")
            response = self._get_with_retries(current, headers, max_bytes)
            if response.status in (301, 302, 303, 307, 308) and response.location:
                target = urljoin(current, response.location)
                try:
                    self._check_host(target)
                except FetchError as exc:
                    raise OffSiteRedirect(url, f"redirected to {target}: {exc.cause.removesuffix('; not requested')}"
                                               "; not followed", target) from None
                current = target
                hops.append(target)
                continue
            return Response(
                url=current,
                requested_url=url,
                redirects=tuple(hops[:-1]),
                status=response.status,
                content=response.content,
                content_type=response.content_type,
                etag=response.etag,
                last_modified=response.last_modified,
                warc=response.warc,
                _charset=response.charset,
            )
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def get_kept(self, url: str, max_bytes: int | None = None) -> Response:
        """GET a listing page or sitemap conditionally on the copy kept from the last run (its ETag
        and Last-Modified): a 304 is answered with that copy (``not_modified``); a 200 carrying a
        validator is kept for the next run (:attr:`kept_updates`)."""
        kept = self.kept.get(url)
        response = self.get(url, etag=kept and kept.etag, last_modified=kept and kept.last_modified,
                            max_bytes=max_bytes)
        if response.status == 304 and kept is not None:
            return replace(response, status=200, content=kept.content, content_type=kept.content_type,
                           _charset=kept.charset, etag=kept.etag, last_modified=kept.last_modified,
                           not_modified=True)
        if response.status == 200:
            self._keep(url, response.content, response.content_type, response._charset, response.etag,
                       response.last_modified)
        return response

    def _keep(self, url: str, content: bytes, content_type: str, charset: str | None, etag: str | None,
              last_modified: str | None) -> None:
        if etag or last_modified:
            copy = Kept(content, content_type, charset, etag, last_modified)
            if self.kept.get(url) != copy:
                self.kept_updates[url] = copy

    def robots_for(self, url: str) -> RobotsRules:
        """The robots.txt rules of ``url``'s host, fetched once per run."""
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if host not in self._robots:
            self._robots[host] = self._fetch_robots(f"{parts.scheme}://{parts.netloc}/robots.txt")
        return self._robots[host]

    def _fetch_robots(self, robots_url: str) -> RobotsRules:
        """RFC 9309: up to five redirects followed (within the configured hosts), 4xx allows everything,
        5xx or no answer disallows the site for this run."""
        agent = self.settings.user_agent
        if not self.settings.obey_robots:
            return RobotsRules.allow_all(agent)
        current = robots_url
        try:
            kept = self.kept.get(robots_url)
            for _hop in range(MAX_REDIRECTS + 1):
                response = self._get_with_retries(
                    current, _conditional(kept.etag, kept.last_modified) if kept and current == robots_url else {})
                if response.status == 304 and kept is not None and current == robots_url:
                    response = _RawResponse(200, kept.content, kept.content_type, kept.charset, None, kept.etag,
                                            kept.last_modified)
                    break
                if response.status == 200 and current == robots_url:
                    self._keep(robots_url, response.content, response.content_type, response.charset,
                               response.etag, response.last_modified)
                if response.status not in (301, 302, 303, 307, 308) or not response.location:
                    break
                target = urljoin(current, response.location)
                try:
                    self._check_host(target)
                except FetchError:
                    log.warning("%s redirects to %s, outside the configured sites; not followed, so robots.txt "
                                "is taken as unavailable: everything allowed (RFC 9309)", robots_url, target)
                    return RobotsRules.allow_all(agent)
                log.info("%s redirects to %s", current, target)
                current = target
            else:
                log.warning("%s: more than %d redirects; robots.txt taken as unavailable: everything allowed "
                            "(RFC 9309)", robots_url, MAX_REDIRECTS)
                return RobotsRules.allow_all(agent)
        except FetchError as exc:
            log.warning("%s; treating the whole site as disallowed for this run (RFC 9309)", exc)
            return RobotsRules.disallow_all(agent, str(exc))
        if response.status == 200:
            rules = RobotsRules.parse(decode_body(response.content, response.charset), agent)
            asked = rules.min_delay()
            if asked > self.settings.max_crawl_delay:
                log.warning("%s asks for %g s between requests; capped at %g s (max_crawl_delay)",
                            current, asked, self.settings.max_crawl_delay)
            else:
                log.info("%s: crawl delay %.1f s", current, asked)
            return rules
        if 400 <= response.status < 500:
            return RobotsRules.allow_all(agent)
        log.warning("%s: HTTP %s; treating the whole site as disallowed for this run (RFC 9309)",
                    current, response.status)
        return RobotsRules.disallow_all(agent, f"{current}: HTTP {response.status}")

    def _check_host(self, url: str) -> None:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if parts.scheme not in ("http", "https") or host not in self.settings.allowed_hosts:
            raise FetchError(url, f"host {host or '(none)'} is not one of the configured sites; not requested")

    def _check_run_deadline(self, url: str) -> float | None:
        """Seconds left before the run's deadline (None: no deadline); raises when it has passed."""
        if self._run_deadline is None:
            return None
        left = self._run_deadline - self._clock()
        if left <= 0:
            raise RunDeadlineReached(url)
        return left

    def _get_with_retries(self, url: str, headers: dict[str, str], max_bytes: int | None = None) -> "_RawResponse":
        """One GET with retries on connection errors, timeouts, truncated bodies, 429 and 5xx."""
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            wait = self._backoff(attempt)
            try:
                response = self._get_once(url, headers, max_bytes)
                if response.status == 200 and looks_truncated(response.content, response.content_type):
                    raise FetchError(url, f"truncated response ({len(response.content)} bytes, no </html>)")
            except FetchError as exc:
                if last or self._host_down(urlsplit(url).netloc.lower()):
                    raise
                log.info("%s; retrying in %.1f s", exc, wait)
            else:
                if response.status not in RETRY_STATUSES or last:
                    return response
                asked = retry_after_seconds(response.retry_after)
                wait = max(wait, asked) if asked is not None else wait
                log.info("%s: HTTP %s; retrying in %.1f s", url, response.status, wait)
            left = self._check_run_deadline(url)
            self._sleep(min(wait, left) if left is not None else wait)
            self._check_run_deadline(url)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        base = self.settings.backoff * (2**attempt)
        return base + random.uniform(0, base / 2)

    def _crawl_delay(self, host: str) -> float:
        robots = self._robots.get(host)
        asked = min(robots.min_delay(), self.settings.max_crawl_delay) if robots else 0.0
        return max(self.settings.request_delay, asked)

    def _wait_for_turn(self, host: str, url: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            wait = self._crawl_delay(host) - (self._clock() - last)
            if wait > 0:
                left = self._check_run_deadline(url)
                self._sleep(min(wait, left) if left is not None else wait)
        self._check_run_deadline(url)
        self._last_request[host] = self._clock()

    def _host_down(self, host: str) -> bool:
        return self._down_until.get(host, float("-inf")) > self._clock()

    def _connection_failed(self, host: str) -> None:
        failures = self._connect_failures[host] = self._connect_failures.get(host, 0) + 1
        if failures >= HOST_DOWN_AFTER:
            self._down_until[host] = self._clock() + HOST_DOWN_SECONDS
            log.warning("%s: %d connections failed in a row; its URLs fail at once for the next %g s",
                        host, failures, HOST_DOWN_SECONDS)

    def _get_once(self, url: str, headers: dict[str, str], max_bytes: int | None = None) -> "_RawResponse":
        host = urlsplit(url).netloc.lower()
        if self._host_down(host):
            raise FetchError(url, f"not requested: {host} is down ({self._connect_failures[host]} connections "
                                  "failed in a row)")
        self._wait_for_turn(host, url)
        self.requests_made += 1
        if self._on_request is not None:
            self._on_request(url)
        limit = max_bytes or self.settings.max_page_bytes
        allowed = self.settings.timeout
        left = self._check_run_deadline(url)
        by_run = left is not None and left < allowed
        allowed = min(allowed, left) if left is not None else allowed
        deadline = time.monotonic() + allowed
        try:
            with self._deadlines.until(deadline), self._client.stream("GET", url, headers=headers) as response:
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(url, f"response larger than {limit} bytes; abandoned")
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("total deadline")
                    chunks.append(chunk)
                result = _RawResponse.from_httpx(response, b"".join(chunks))
                if self._on_exchange is not None:
                    result = replace(result, warc=self._on_exchange(response, result.content))
        except httpx.TimeoutException as exc:
            if by_run:
                raise RunDeadlineReached(url) from None
            if isinstance(exc, httpx.ConnectTimeout):
                self._connection_failed(host)
            raise FetchError(url, f"timed out: no complete response within {self.settings.timeout:g} s") from None
        except httpx.ConnectError as exc:
            self._connection_failed(host)
            raise FetchError(url, f"cannot connect ({_reason(exc)})") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {_reason(exc)}") from None
        self._connect_failures[host] = 0
        return result


def _conditional(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The headers of a GET conditional on these validators (none: an unconditional GET)."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend with every connect, read and write cut at one deadline per request.

    httpx's timeouts apply to each socket operation, so a server sending 64 bytes every 2 s never
    trips a 30 s read timeout; here each operation may only use the time left before the request's
    deadline (:meth:`until`), and an operation that starts after it times out at once."""

    def __init__(self, backend: httpcore.NetworkBackend | None = None):
        self._backend = backend or httpcore.SyncBackend()
        self._local = threading.local()

    def install(self, transport: httpx.HTTPTransport) -> bool:
        """Put this backend under ``transport``'s connection pool (httpx 0.27-0.28, httpcore 1.x)."""
        pool = getattr(transport, "_pool", None)
        if pool is None or not hasattr(pool, "_network_backend"):  # pragma: no cover (another httpx)
            log.warning("httpx internals changed: per-request deadlines are checked between chunks only")
            return False
        self._backend = pool._network_backend
        pool._network_backend = self
        return True

    def until(self, deadline: float) -> "_Until":
        return _Until(self._local, deadline)

    def left(self, timeout: float | None, error: type[Exception]) -> float | None:
        deadline = getattr(self._local, "deadline", None)
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise error("total deadline of the request passed")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = self._backend.connect_tcp(host, port, self.left(timeout, httpcore.ConnectTimeout),
                                           local_address=local_address, socket_options=socket_options)
        return _DeadlineStream(stream, self)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover
        return _DeadlineStream(self._backend.connect_unix_socket(
            path, self.left(timeout, httpcore.ConnectTimeout), socket_options=socket_options), self)

    def sleep(self, seconds: float) -> None:  # pragma: no cover
        self._backend.sleep(seconds)


class _Until:
    def __init__(self, local: threading.local, deadline: float):
        self._local, self._deadline = local, deadline

    def __enter__(self) -> None:
        self._previous = getattr(self._local, "deadline", None)
        self._local.deadline = self._deadline

    def __exit__(self, *exc_info) -> None:
        self._local.deadline = self._previous


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, backend: DeadlineBackend):
        self._stream, self._backend = stream, backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._backend.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._backend.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        stream = self._stream.start_tls(ssl_context, server_hostname, self._backend.left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(stream, self._backend)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


@dataclass(frozen=True)
class _RawResponse:
    status: int
    content: bytes
    content_type: str
    charset: str | None
    location: str | None
    etag: str | None
    last_modified: str | None
    retry_after: str | None = None
    warc: tuple[str, int] | None = None

    @classmethod
    def from_httpx(cls, response: httpx.Response, content: bytes) -> "_RawResponse":
        return cls.from_headers(response.status_code, content, response.headers)

    @classmethod
    def from_headers(cls, status: int, content: bytes, headers: Mapping[str, str]) -> "_RawResponse":
        """From a status, a body and headers (case-insensitive, or lower-case keys): httpx's, a WARC record's."""
        content_type, _, params = headers.get("content-type", "").partition(";")
        charset = None
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "charset":
                charset = value.strip("\"' ") or None
        return cls(
            status=status,
            content=content,
            content_type=content_type.strip().lower(),
            charset=charset,
            location=headers.get("location"),
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            retry_after=headers.get("retry-after"),
        )


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "Errno -2" in text:
        return "host name not found"
    return text
