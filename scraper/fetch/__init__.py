"""Stage 3, fetch: polite HTTP for one run (allowed hosts, robots.txt, per-host delay, retries,
conditional requests, size cap, a total deadline per request and one per run). :class:`Fetcher` is
the client; its transport is the test seam."""

from scraper.fetch.client import (
    FetchError,
    Fetcher,
    FetchSettings,
    Kept,
    OffSiteRedirect,
    Response,
    RobotsDisallowed,
    RobotsUnreachable,
    RunDeadlineReached,
    decode_body,
    looks_truncated,
    retry_after_seconds,
)

__all__ = [
    "FetchError", "Fetcher", "FetchSettings", "Kept", "OffSiteRedirect", "Response", "RobotsDisallowed", "RobotsUnreachable",
    "RunDeadlineReached", "decode_body", "looks_truncated", "retry_after_seconds",
]
