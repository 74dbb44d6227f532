"""What a run collects: the options a user gave, and the plan decided from them and the archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from archive.store import Archive
from scraper.config import Config, Site


@dataclass(frozen=True)
class RunOptions:
    """What one run collects (``scrape run`` options)."""

    since: date | None = None
    sites: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunPlan:
    """What a run does, decided once from the options and the archive's history."""

    since: date | None
    incremental: bool
    langs: tuple[str, ...]
    retry_urls: frozenset[str]
    revalidate_per_run: int


def selected_sites(config: Config, options: RunOptions) -> list[Site]:
    return [config.site(key) for key in options.sites] if options.sites else list(config.sites)


def selected_langs(site: Site, langs: tuple[str, ...]) -> list[str]:
    """The site's languages, limited to ``langs`` (``--lang``) when given."""
    return [lang for lang in site.languages if not langs or lang in langs]


def plan_run(config: Config, archive: Archive, options: RunOptions) -> RunPlan:
    """``--since`` as given; without it, since the last successful run minus ``overlap_days``.

    Without ``--since`` and with a successful run behind it, the run is incremental: listing pages
    stop at the first page that holds only archived releases. The very first run (or one after
    runs that never completed) reads everything.
    """
    since, incremental = options.since, False
    if since is None:
        last = archive.last_successful_run()
        if last is not None:
            since = date.fromisoformat(last["started_at"][:10]) - timedelta(days=config.overlap_days)
            incremental = True
    return RunPlan(
        since=since,
        incremental=incremental,
        langs=options.langs,
        retry_urls=frozenset(archive.urls_to_retry()),
        revalidate_per_run=config.revalidate_per_run,
    )
