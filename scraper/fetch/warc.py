"""The fetcher's WARC seam: every HTTP exchange the :class:`~scraper.fetch.Fetcher` completes (robots.txt,
sitemaps, listings, pages; redirects and 304s included) goes to a :class:`~archive.warcs.WarcRecorder`.

:func:`exchange_recorder` adapts the recorder to the fetcher's ``on_exchange`` hook, called with the
``httpx.Response`` and its body once the body is complete (under the size cap and the deadline); a
request that failed (no answer, cut off) has no exchange to record.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from archive.warcs import WarcRecorder

__all__ = ["exchange_recorder"]


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
