"""The captures a web archive holds of a site: its CDX API, as the Wayback Machine (and pywb, and
OpenWayback) answer it.

Pure functions, no I/O: :func:`cdx_query` builds the query for every capture under a URL prefix
(``matchType=prefix``) that was a ``200`` HTML page, identical successive captures collapsed
(``collapse=digest``), from a date on, as JSON (``output=json``: a header row naming the fields,
then one row per capture); :func:`parse_cdx` reads the answer; :func:`capture_address` is where a
capture is read as archived (``{timestamp}id_/{url}``: the original bytes, no rewriting).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import quote, urlencode

FIELDS = ("timestamp", "original", "statuscode", "mimetype", "digest")


class CdxError(ValueError):
    """An answer that is not a CDX JSON answer."""


@dataclass(frozen=True)
class CdxCapture:
    timestamp: str  # YYYYMMDDhhmmss, UTC
    url: str
    status: str
    mimetype: str
    digest: str

    @property
    def captured_at(self) -> str:
        """The capture's time as the archive writes times (``2019-05-01T10:00:00+00:00``)."""
        moment = datetime.strptime(self.timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S")
        return moment.replace(tzinfo=timezone.utc).isoformat()


def cdx_query(endpoint: str, prefix: str, since: date | None = None) -> str:
    """The CDX query for the captures of every URL under ``prefix`` (``host/path``, no scheme)."""
    params = [("url", prefix), ("matchType", "prefix"), ("output", "json"), ("fl", ",".join(FIELDS)),
              ("filter", "statuscode:200"), ("filter", "mimetype:text/html"), ("collapse", "digest")]
    if since:
        params.append(("from", since.strftime("%Y%m%d")))
    return f"{endpoint}?{urlencode(params)}"


def parse_cdx(text: str) -> list[CdxCapture]:
    """The captures of a JSON CDX answer (an empty answer: none)."""
    if not text.strip():
        return []
    try:
        rows = json.loads(text)
    except ValueError as exc:
        raise CdxError(f"not a JSON CDX answer ({exc})") from None
    if not isinstance(rows, list) or not rows or not all(isinstance(row, list) for row in rows):
        raise CdxError("not a JSON CDX answer (a list of rows, the first naming the fields)")
    header, *captures = rows
    missing = [name for name in FIELDS if name not in header]
    if missing:
        raise CdxError(f"the CDX answer has no field {', '.join(missing)}")
    at = {name: header.index(name) for name in FIELDS}
    return [CdxCapture(*(str(row[at[name]]) for name in FIELDS)) for row in captures if len(row) == len(header)]


def capture_address(template: str, capture: CdxCapture) -> str:
    """Where the capture is read as archived, e.g. ``https://web.archive.org/web/20190501100000id_/https://…``."""
    return template.format(timestamp=capture.timestamp, url=quote(capture.url, safe=":/?&=%#+,;@~!$*'()"))
