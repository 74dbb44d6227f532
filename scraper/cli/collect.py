"""The commands that write the archive: ``scrape run``, ``reextract``, ``import``, ``schedule``."""

from __future__ import annotations

import sys
import time
from datetime import datetime

import click

from archive.errors import ExitCode, UsageError
from archive.store import Archive
from scraper import pipeline
from scraper import schedule as scheduling
from scraper.cli import display
from scraper.cli.options import (
    archive_option,
    archive_path,
    config_option,
    existing_archive,
    load_selection,
    logging_options,
    parse_date_option,
    selection_options,
    since_option,
)

RUN_EXIT = {"ok": ExitCode.OK, "partial": ExitCode.PARTIAL, "failed": ExitCode.UNREACHABLE}


@click.command()
@config_option
@since_option("Only releases published on or after this date (older listing pages are not read).")
@selection_options
@archive_option
@logging_options
def run(config_path, since, sites, langs, archive_override, verbose, quiet, log_json) -> None:
    """Discover, fetch, clean and archive releases from every configured site.

    \b
    Examples:
        scrape run --since 2024-01-01
        scrape run --site kazakhstan --lang ru --since 2023-06-01 -v
        scrape run --config tests/fixtures/fixture-config.yaml --archive /tmp/fixture.db
        scrape run --log-json 2>> collect.log
    """
    console = display.setup_logging(verbose, quiet, log_json)
    config = load_selection(config_path, sites, langs)
    path = archive_path(config, config_path, archive_override)
    started = time.monotonic()
    report = pipeline.run(config, path, pipeline.RunOptions(since=since, sites=tuple(sites), langs=tuple(langs)),
                          on_event=console.on_event)
    display.echo_summary(path, report, time.monotonic() - started, quiet=quiet, log_json=log_json)
    sys.exit(RUN_EXIT[report.status])


@click.command()
@config_option
@selection_options
@archive_option
@click.option("-v", "--verbose", count=True, help="Log each release.")
def reextract(config_path, sites, langs, archive_override, verbose) -> None:
    """Re-run extraction over the raw pages stored in the archive (no network).

    Use it after upgrading iom-archive: every stored page is extracted again with the current
    extractor and the site templates learned from all stored pages. A release gets a new
    version only where its text really changed; pages that failed before are tried again.

    \b
    Example:
        scrape reextract
        scrape reextract --site kazakhstan --lang kk
    """
    display.setup_logging(verbose, False)
    config = load_selection(config_path, sites, langs)
    path = existing_archive(archive_path(config, config_path, archive_override))
    report = pipeline.reextract(config, path, pipeline.RunOptions(sites=tuple(sites), langs=tuple(langs)))
    counts = report.counters
    click.echo(
        f"{path}: {counts.releases_updated} releases changed, {counts.releases_unchanged} unchanged, "
        f"{counts.releases_new} new, {len(report.errors)} pages still failing",
        err=True,
    )
    for error in report.errors:
        click.echo(f"error: {error['url']}: {error['error']}", err=True)
    if report.errors:
        sys.exit(ExitCode.PARTIAL)


@click.command("import")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@config_option
@selection_options
@archive_option
@click.option("-v", "--verbose", count=True, help="Log each release.")
def import_warcs(paths, config_path, sites, langs, archive_override, verbose) -> None:
    """Archive the releases held in WARC files (ours, Webrecorder's, a crawl's), no network.

    Every 200 HTML capture of a configured site's release URL goes through the same extraction,
    cleaning and dedupe as a run; each release, URL and version it adds is marked source 'warc'
    with the capture's time (captured_at). A capture older than an archived release's text is
    kept as an earlier version; the current text stays. Exit 3 when a file cannot be read on or
    a capture cannot be extracted (each is listed; the rest is imported).

    \b
    Examples:
        scrape import crawl-2019.warc.gz
        scrape import archive.warc/*.warc.gz --site kazakhstan --lang ru
    """
    display.setup_logging(verbose, False)
    config = load_selection(config_path, sites, langs)
    path = archive_path(config, config_path, archive_override)
    result = pipeline.import_warcs(config, path, paths, pipeline.RunOptions(sites=tuple(sites), langs=tuple(langs)))
    _echo_captures(f"{path}: {result.records} records in {len(paths)} files, {result.captures} release captures",
                   result)


@click.command()
@config_option
@selection_options
@click.option("--from", "since", callback=parse_date_option, metavar="YYYY-MM-DD",
              help="Only captures made on or after this date.")
@archive_option
@click.option("-v", "--verbose", count=True, help="Log each release.")
def recover(config_path, sites, langs, since, archive_override, verbose) -> None:
    """Archive the releases a web archive kept of a site (the Wayback Machine by default).

    Asks the CDX API (config cdx_api) for the captures of the site's release URLs, reads them
    politely as archived (capture_url), and archives them as a run would, marked source
    'recovered' with the capture's timestamp: releases the live site no longer has are added;
    an archived release gains a capture as an earlier version only when its text differs.
    Exit 4 when the CDX API cannot be asked, 3 when some captures could not be read.

    \b
    Examples:
        scrape recover --site kazakhstan
        scrape recover --site kazakhstan --lang ru --from 2015-01-01
    """
    if not sites:
        raise click.UsageError("give the site to recover: --site KEY (repeatable)")
    display.setup_logging(verbose, False)
    config = load_selection(config_path, sites, langs)
    path = archive_path(config, config_path, archive_override)
    result = pipeline.recover(config, path, pipeline.RunOptions(sites=tuple(sites), langs=tuple(langs)), since)
    _echo_captures(f"{path}: {result.records} captures listed, {result.captures} of release pages read", result)


def _echo_captures(found: str, result) -> None:
    """The summary of ``scrape import`` or ``recover`` (what was found, then what became of it), each
    error on its own line; exit 3 when there were errors."""
    counts = result.report.counters
    click.echo(f"{found}: {counts.releases_new} new releases, {counts.releases_updated} updated, {result.earlier} "
               f"earlier versions, {counts.releases_unchanged} unchanged; {len(result.errors)} errors", err=True)
    if result.other_hosts:
        click.echo("not imported (no configured site there): " + ", ".join(
            f"{host} ({n} records)" for host, n in result.other_hosts.most_common()), err=True)
    for error in result.errors:
        click.echo(f"error: {error['url']}: {error['error']}", err=True)
    if result.errors:
        sys.exit(ExitCode.PARTIAL)


@click.command()
@config_option
@since_option("Each run: only releases published on or after this date.")
@click.option("--days", type=click.IntRange(min=1), metavar="N",
              help="Each run: only releases published in the last N days (default: since the last "
                   "successful run, minus the config's overlap_days).")
@selection_options
@archive_option
@click.option("--run-now", is_flag=True, help="Also run once right away, then on the schedule.")
@click.option("--misfire-grace", type=click.IntRange(min=1), default=3600, show_default=True, metavar="SECONDS",
              help="A run that could not start on time (machine asleep, previous run still going) "
                   "still starts if it is at most this late; later ones are skipped.")
@click.option("--timezone", "zone", metavar="ZONE",
              help="Time zone of the schedule, e.g. Asia/Almaty (default: the machine's).")
@click.option("--next", "show_next", type=click.IntRange(min=1), metavar="N",
              help="Print the next N run times and exit (check a schedule).")
@logging_options
def schedule(config_path, since, days, sites, langs, archive_override, run_now, misfire_grace, zone, show_next,
             verbose, quiet, log_json) -> None:
    """Run collection on the config's `schedule` (crontab syntax) until SIGTERM or Ctrl-C.

    A long-running process for a server (systemd, a container). The crontab line means what it
    means to cron: `0 2 * * 0` is Sundays at 02:00, `30 2 * * 1-5` weekdays at 02:30. One run at
    a time; runs missed while the machine slept or a run was still going are merged into one.
    SIGTERM or Ctrl-C abandons the release being collected (nothing half-written is kept), marks
    the run `interrupted` and exits 0. Like `scrape run` without --since, each run collects what
    appeared since the last successful run (minus the config's overlap_days).

    \b
    Examples:
        scrape schedule --next 5
        scrape schedule --run-now --log-json
        scrape schedule --days 14 --timezone Asia/Almaty
    """
    if since and days is not None:
        raise click.UsageError("give --since or --days, not both")
    display.setup_logging(verbose, quiet, log_json)
    config = load_selection(config_path, sites, langs)
    try:
        tz = scheduling.time_zone(zone)
    except ValueError as exc:
        raise UsageError(f"--timezone: {exc}") from None
    try:
        trigger = scheduling.crontab_trigger(config.schedule, timezone=tz)
    except ValueError as exc:
        raise UsageError(f"{config_path}: schedule: {exc}") from None
    upcoming = scheduling.next_fire_times(trigger, show_next or 1, datetime.now(tz))
    if show_next:
        for moment in upcoming:
            click.echo(moment.strftime("%a %Y-%m-%d %H:%M %Z"))
        return
    path = archive_path(config, config_path, archive_override)
    Archive(path).close()  # fail now, not at 2 a.m., if the archive cannot be used
    collect = scheduling.collection_job(
        config, path, pipeline.RunOptions(since=since, sites=tuple(sites), langs=tuple(langs)),
        on_report=lambda report, seconds: display.echo_summary(path, report, seconds, quiet=quiet, log_json=log_json),
        days=days, zone=tz,
    )
    scheduled = scheduling.Scheduled(collect, trigger, misfire_grace_time=misfire_grace, run_now=run_now, timezone=tz)
    if not quiet:
        click.echo(f"scrape schedule: collecting into {path} at '{config.schedule}' ({tz}); "
                   f"next run {'now' if run_now else upcoming[0].strftime('%a %Y-%m-%d %H:%M %Z')}; "
                   "stop with Ctrl-C or SIGTERM", err=True)
    scheduled.start()
    if not quiet:
        click.echo("scrape schedule: stopped" + (" (the run in progress was interrupted; the next run completes it)"
                                                 if scheduled.interrupted_runs else ""), err=True)
