"""URL normalisation: one spelling per page, so the same release is never stored twice.

Built on w3lib's ``canonicalize_url`` (percent-encoding, query order, fragments, case of scheme
and host, default ports) plus what matters for Drupal news sites: tracking parameters are dropped
and a trailing slash on the path is removed (``/news/x/`` and ``/news/x`` are one page).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|ref_src|s_cid)$",
    re.IGNORECASE,
)


def normalize_url(url: str) -> str:
    """The canonical spelling of ``url``; idempotent: ``normalize_url(normalize_url(u)) == normalize_url(u)``."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return url
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    )
    netloc = parts.netloc.lower()
    if (parts.scheme.lower(), parts.port) in (("http", 80), ("https", 443)):
        netloc = netloc.rsplit(":", 1)[0]
    path = parts.path
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    url = urlunsplit((parts.scheme.lower(), netloc, path or "/", query, ""))
    return canonicalize_url(url, keep_fragments=False)
