"""Fetching: polite HTTP GETs to the configured hosts only.

One :class:`Fetcher` per run wraps an ``httpx.Client``. It enforces the host allow-list (also on
every redirect hop), a minimum delay between two requests to the same host, a response size cap,
timeouts and a few retries with exponential backoff for transient failures. Network failures
become :class:`FetchError`, whose message names the URL and the cause.

The httpx transport is the testing seam: pass ``transport=httpx.MockTransport(handler)`` in unit
tests; end-to-end tests use a real server on 127.0.0.1.
"""

from __future__ import annotations

import logging
import random
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable
from urllib.parse import urljoin, urlsplit

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
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 300.0
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
    max_connections: int = 2
    obey_robots: bool = True


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
    finally UTF-8 with replacement characters.
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
            return content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("utf-8", errors="replace")


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


class Fetcher:
    """Polite GETs: allow-listed hosts, per-host delay, size cap, retries."""

    def __init__(
        self,
        settings: FetchSettings,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_request: Callable[[str], None] | None = None,
    ):
        """``on_request(url)`` is called before every request sent (retries and redirects included)."""
        self.settings = settings
        self._on_request = on_request
        self._sleep = sleep
        self._clock = clock
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, RobotsRules] = {}
        self.requests_made = 0
        limits = httpx.Limits(max_connections=settings.max_connections, max_keepalive_connections=settings.max_connections)
        self._client = httpx.Client(
            transport=transport,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,
            limits=limits,
            http2=HTTP2 and transport is None,
        )

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET ``url``, following at most :data:`MAX_REDIRECTS` redirects within allowed hosts."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            self._check_host(current)
            robots = self.robots_for(current)
            if not robots.allowed(current):
                if robots.unreachable:
                    raise RobotsDisallowed(current, f"not requested: robots.txt unreachable ({robots.unreachable})")
                raise RobotsDisallowed(current, "disallowed by the site's robots.txt; not requested")
            response = self._get_with_retries(current, headers)
            if response.status in (301, 302, 303, 307, 308) and response.location:
                current = urljoin(current, response.location)
                continue
            return Response(
                url=current,
                requested_url=url,
                status=response.status,
                content=response.content,
                content_type=response.content_type,
                etag=response.etag,
                last_modified=response.last_modified,
                _charset=response.charset,
            )
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def robots_for(self, url: str) -> RobotsRules:
        """The robots.txt rules of ``url``'s host, fetched once per run."""
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if host not in self._robots:
            self._robots[host] = self._fetch_robots(f"{parts.scheme}://{parts.netloc}/robots.txt")
        return self._robots[host]

    def _fetch_robots(self, robots_url: str) -> RobotsRules:
        agent = self.settings.user_agent
        if not self.settings.obey_robots:
            return RobotsRules.allow_all(agent)
        try:
            response = self._get_with_retries(robots_url, {})
        except FetchError as exc:
            log.warning("%s; treating the whole site as disallowed for this run (RFC 9309)", exc)
            return RobotsRules.disallow_all(agent, str(exc))
        if response.status == 200:
            rules = RobotsRules.parse(decode_body(response.content, response.charset), agent)
            log.info("%s: crawl delay %.1f s", robots_url, rules.min_delay())
            return rules
        if 400 <= response.status < 500:
            return RobotsRules.allow_all(agent)
        log.warning("%s: HTTP %s; treating the whole site as disallowed for this run (RFC 9309)",
                    robots_url, response.status)
        return RobotsRules.disallow_all(agent, f"{robots_url}: HTTP {response.status}")

    def _check_host(self, url: str) -> None:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if parts.scheme not in ("http", "https") or host not in self.settings.allowed_hosts:
            raise FetchError(url, f"host {host or '(none)'} is not one of the configured sites; not requested")

    def _get_with_retries(self, url: str, headers: dict[str, str]) -> "_RawResponse":
        """One GET with retries on connection errors, timeouts, truncated bodies, 429 and 5xx."""
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            wait = self._backoff(attempt)
            try:
                response = self._get_once(url, headers)
                if response.status == 200 and looks_truncated(response.content, response.content_type):
                    raise FetchError(url, f"truncated response ({len(response.content)} bytes, no </html>)")
            except FetchError as exc:
                if last:
                    raise
                log.info("%s; retrying in %.1f s", exc, wait)
            else:
                if response.status not in RETRY_STATUSES or last:
                    return response
                asked = retry_after_seconds(response.retry_after)
                wait = max(wait, asked) if asked is not None else wait
                log.info("%s: HTTP %s; retrying in %.1f s", url, response.status, wait)
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        base = self.settings.backoff * (2**attempt)
        return base + random.uniform(0, base / 2)

    def _wait_for_turn(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            robots = self._robots.get(host)
            delay = max(self.settings.request_delay, robots.min_delay() if robots else 0.0)
            wait = delay - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)
        self._last_request[host] = self._clock()

    def _get_once(self, url: str, headers: dict[str, str]) -> "_RawResponse":
        self._wait_for_turn(urlsplit(url).netloc.lower())
        self.requests_made += 1
        if self._on_request is not None:
            self._on_request(url)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.settings.max_page_bytes:
                        raise FetchError(url, f"response larger than {self.settings.max_page_bytes} bytes; abandoned")
                    chunks.append(chunk)
                return _RawResponse.from_httpx(response, b"".join(chunks))
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out after {self.settings.timeout:g} s") from None
        except httpx.ConnectError as exc:
            raise FetchError(url, f"cannot connect ({_reason(exc)})") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {_reason(exc)}") from None


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

    @classmethod
    def from_httpx(cls, response: httpx.Response, content: bytes) -> "_RawResponse":
        content_type, _, params = response.headers.get("content-type", "").partition(";")
        charset = None
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "charset":
                charset = value.strip("\"' ") or None
        return cls(
            status=response.status_code,
            content=content,
            content_type=content_type.strip().lower(),
            charset=charset,
            location=response.headers.get("location"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            retry_after=response.headers.get("retry-after"),
        )


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "Errno -2" in text:
        return "host name not found"
    return text
