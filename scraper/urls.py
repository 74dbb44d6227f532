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


# A URL already spelt canonically but for a trailing slash: http(s), a lower-case ASCII host (a
# non-default port below 10000), a path of unreserved characters without empty, "." or ".."
# segments, no query, no fragment. Most release URLs are; they need none of the work below
# (w3lib's canonicalize_url took ~3% of an extraction). tests/unit/test_urls.py checks that both
# ways give the same spelling.
_PLAIN = re.compile(
    r"(?P<scheme>https?)://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?::(?P<port>[1-9][0-9]{0,3}))?(?P<path>(?:/(?!\.\.?(?:/|$))[A-Za-z0-9._~-]+)*/?)"
)


def normalize_url(url: str) -> str:
    """The canonical spelling of ``url``; idempotent: ``normalize_url(normalize_url(u)) == normalize_url(u)``."""
    url = url.strip()
    plain = _PLAIN.fullmatch(url)
    if plain is not None and (plain["scheme"], plain["port"]) not in (("http", "80"), ("https", "443")):
        path = plain["path"]
        if not path:
            return url + "/"
        return url[:-1] if len(path) > 1 and path.endswith("/") else url
    return _canonicalize(url)


def _canonicalize(url: str) -> str:
    """:func:`normalize_url` by the general rules (any URL)."""
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
