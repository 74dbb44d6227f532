"""Addresses the pages link to: release pages, and only http(s) URLs taken from the archive."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

SAFE_SCHEMES = ("http", "https")


def safe_url(url: Any) -> str | None:
    """``url`` when it is an http(s) URL with a host, else None (``javascript:``, ``data:``, relative …):
    such a value is shown as text, never as a link."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc or any(c in url for c in "\x00\n\r\t"):
        return None
    return url


def release_path(datasette, database: str, release_id: Any) -> str:
    return f"{datasette.urls.database(database)}/release/{release_id}"
