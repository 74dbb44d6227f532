"""What a run, ``scrape recover`` and the onboarding checks open from the config: the fetcher's
settings (politeness, limits) and the WARC files the exchanges go into."""

from __future__ import annotations

import contextlib
from pathlib import Path

from archive.warcs import WarcRecorder, warc_dir, warcinfo
from scraper.config import Config
from scraper.fetch import FetchSettings


def fetch_settings(config: Config) -> FetchSettings:
    return FetchSettings(
        user_agent=config.user_agent,
        allowed_hosts=config.hosts,
        request_delay=config.request_delay,
        timeout=config.timeout,
        max_page_bytes=config.max_page_bytes,
        retries=config.retries,
        backoff=config.retry_backoff,
        max_connections=config.max_connections,
        max_connections_total=config.max_connections_total,
        obey_robots=config.obey_robots,
        max_crawl_delay=config.max_crawl_delay,
    )


def warc_recorder(config: Config, archive_path: str | Path, part: str):
    """The WARC files of a run (``part``: ``run 12``) or a ``scrape recover`` (``warc: true``, the
    default), else nothing."""
    if not config.warc:
        return contextlib.nullcontext()
    info = warcinfo(f"{Path(archive_path).name} {part}",
                    "IOM country-office press releases: " + ", ".join(s.base_url for s in config.sites),
                    **{"http-header-user-agent": config.user_agent,
                       "robots": "obey" if config.obey_robots else "ignore"})
    return WarcRecorder(warc_dir(archive_path), info, max_bytes=config.warc_max_mb * 1_000_000)
