"""WARC files on the fetching side: what a run writes, and what ``scrape import`` reads.

Writing: every HTTP exchange the :class:`~scraper.fetch.Fetcher` completes (robots.txt, sitemaps,
listings, pages; redirects and 304s included) goes to a :class:`~archive.warcs.WarcRecorder`.
:func:`exchange_recorder` adapts the recorder to the fetcher's ``on_exchange`` hook, called with the
``httpx.Response`` and its body once the body is complete (under the size cap and the deadline); a
request that failed (no answer, cut off) has no exchange to record.

Reading: :func:`read_captures` turns the records of any WARC file (ours, Webrecorder's, a crawler's;
gzip per record, whole-file gzip or plain) into :class:`Captured` responses, as if fetched at the
record's ``WARC-Date``: ``response`` records with their HTTP headers, ``resource`` records (a body
and a ``Content-Type``, no HTTP) as a 200. Chunked and gzip/brotli-encoded payloads are decoded by
warcio; ``revisit`` records carry no body and are counted, not read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import httpx
from warcio.archiveiterator import ArchiveIterator

from archive.warcs import WarcRecorder
from scraper.fetch.client import Response, _RawResponse

__all__ = ["Captured", "WarcFileError", "exchange_recorder", "read_captures"]


class WarcFileError(Exception):
    """A WARC file that cannot be read on (not a WARC, damaged, cut short): ``str`` says where."""


@dataclass(frozen=True)
class Captured:
    """One record of a WARC file read as a response: ``index`` is its place among the file's records,
    ``response`` is ``None`` for a record that holds no response (``revisit``, ``request`` …) and
    ``location`` the ``Location`` header of a redirect."""

    index: int
    kind: str
    url: str | None
    response: Response | None = None
    location: str | None = None


def capture_time(warc_date: str | None) -> str | None:
    """A ``WARC-Date`` (``2019-05-01T10:00:00Z``, fractions allowed) as the archive writes times
    (``2019-05-01T10:00:00+00:00``); None when absent or unreadable."""
    if not warc_date:
        return None
    try:
        moment = datetime.fromisoformat(warc_date.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def read_captures(path: str | Path, max_bytes: int) -> Iterator[Captured]:
    """Every record of the WARC file at ``path``, in order; a body larger than ``max_bytes`` is not
    read (its record comes without a response). Raises :class:`WarcFileError` where the file stops
    being readable; the records before it have been yielded."""
    index = -1
    try:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                index += 1
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type not in ("response", "resource") or not url:
                    yield Captured(index, record.rec_type, url)
                    continue
                body = record.content_stream().read(max_bytes + 1)
                if len(body) > max_bytes:
                    yield Captured(index, "too large", url)
                    continue
                yield _captured(index, record, url, body)
    except OSError as exc:
        raise WarcFileError(f"{path}: {exc.strerror or exc}") from None
    except Exception as exc:  # noqa: BLE001 (warcio and gzip raise many kinds for a damaged file)
        where = f"after record {index + 1}" if index >= 0 else "at its first record"
        raise WarcFileError(f"{path}: not a readable WARC file {where} ({type(exc).__name__}: {exc})") from None


def _captured(index: int, record, url: str, body: bytes) -> Captured:
    fetched_at = capture_time(record.rec_headers.get_header("WARC-Date"))
    if record.rec_type == "resource" or record.http_headers is None:
        headers = {"content-type": record.rec_headers.get_header("Content-Type") or ""}
        status = 200
    else:
        headers = {name.lower(): value for name, value in record.http_headers.headers}
        status = int(record.http_headers.get_statuscode() or 0)
    raw = _RawResponse.from_headers(status, body, headers)
    response = Response(url=url, requested_url=url, status=status, content=body, content_type=raw.content_type,
                        etag=raw.etag, last_modified=raw.last_modified, _charset=raw.charset,
                        **({"fetched_at": fetched_at} if fetched_at else {}))
    return Captured(index, record.rec_type, url, response, raw.location)


def exchange_recorder(recorder: WarcRecorder) -> Callable[[httpx.Response, bytes], tuple[str, int]]:
    """``on_exchange`` for a :class:`~scraper.fetch.Fetcher`: writes the exchange, returns where its
    response record is (file, offset)."""

    def on_exchange(response: httpx.Response, body: bytes) -> tuple[str, int]:
        request = response.request
        return recorder.record(
            str(request.url), request.method, list(request.headers.items()), response.http_version,
            response.status_code, response.reason_phrase, list(response.headers.items()), body,
        )

    return on_exchange
