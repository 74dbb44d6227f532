"""The ``scrape`` command line: a thin click layer over :mod:`scraper.pipeline`.

Exit codes: 0 success; 1 unexpected error; 2 bad config or usage; 3 the run finished but some
pages failed (listed in the ``runs`` table); 4 no configured site could be reached; 5 another run
is writing to the archive (``scrape run`` and ``scrape reextract`` refuse to start).

The commands' work lives in library modules: :mod:`scraper.pipeline` (run), :mod:`scraper.schedule`,
:mod:`archive.queries` with :mod:`archive.status` and :mod:`archive.export` (status, sites, export),
:mod:`archive.serve.metadata` (serve) and :mod:`scraper.cli.display` (log lines, progress, summaries).
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import click

from archive.lock import ArchiveLocked
from archive.store import ArchiveError
from scraper import pipeline
from scraper.cli import display as logs
from scraper.config import Config, ConfigError, load_config

EXIT_OK = 0
EXIT_CONFIG = 2
EXIT_PARTIAL = 3
EXIT_UNREACHABLE = 4
EXIT_LOCKED = 5

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class ConfigProblem(click.ClickException):
    exit_code = EXIT_CONFIG


class ArchiveBusy(click.ClickException):
    """Another ``scrape run`` (or reextract) holds the archive's lock."""

    exit_code = EXIT_LOCKED


def _setup_logging(verbose: int, quiet: bool, log_json: bool = False) -> None:
    """Log lines on stderr (JSON with ``log_json``) and, on a terminal, a progress line."""
    logs.setup_logging(verbose, quiet, log_json)


def _load(config_path: str) -> Config:
    try:
        return load_config(config_path)
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from None


def _check_selection(config: Config, config_path: str, sites: tuple[str, ...], langs: tuple[str, ...]) -> None:
    """``--site`` and ``--lang`` must name configured sites and languages (exit 2 otherwise)."""
    keys = [site.key for site in config.sites]
    for key in sites:
        if key not in keys:
            raise ConfigProblem(f"--site {key}: no such site in {config_path} (have: {', '.join(keys)})")
    chosen = [site for site in config.sites if not sites or site.key in sites]
    known = sorted({lang for site in chosen for lang in site.languages})
    for lang in langs:
        if lang not in known:
            raise ConfigProblem(f"--lang {lang}: not a language of the selected sites (have: {', '.join(known)})")


def archive_path(config: Config, config_path: str, override: str | None) -> Path:
    """``--archive`` as given, else the config's ``archive`` relative to the config file's folder."""
    if override:
        return Path(override)
    path = Path(config.archive)
    return path if path.is_absolute() else Path(config_path).resolve().parent / path


def _parse_since(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


config_option = click.option(
    "-c", "--config", "config_path", default="config.yaml", show_default=True, envvar="SCRAPE_CONFIG",
    type=click.Path(dir_okay=False), help="Config file (also $SCRAPE_CONFIG).",
)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="iom-archive")
def cli() -> None:
    """Collect IOM country-office press releases into a searchable SQLite archive.

    Each command has its own help with examples: scrape COMMAND --help.

    \b
    Examples:
        scrape run --since 2024-01-01     collect once (first run: pick how far back)
        scrape schedule                   collect on config.yaml's schedule, until stopped
        scrape status                     last runs, totals per site and language
        scrape serve                      explore in Datasette, http://127.0.0.1:8001
        scrape export -f csv -o all.csv   releases for spreadsheets, R or pandas

    \b
    Exit codes: 0 success; 1 unexpected error; 2 bad config or usage; 3 the run
    finished but some pages failed (see scrape status); 4 no site was reachable;
    5 another run is writing to the archive.
    """


@cli.command()
@config_option
@click.option("--since", callback=_parse_since, metavar="YYYY-MM-DD",
              help="Only releases published on or after this date (older listing pages are not read).")
@click.option("--site", "sites", multiple=True, metavar="KEY", help="Only this site (repeatable).")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Only this language, e.g. ru (repeatable).")
@click.option("--archive", "archive_override", type=click.Path(dir_okay=False),
              help="Archive file; default: 'archive' from the config.")
@logs.logging_options
def run(config_path, since, sites, langs, archive_override, verbose, quiet, log_json) -> None:
    """Discover, fetch, clean and archive releases from every configured site.

    \b
    Examples:
        scrape run --since 2024-01-01
        scrape run --site kazakhstan --lang ru --since 2023-06-01 -v
        scrape run --config tests/fixtures/fixture-config.yaml --archive /tmp/fixture.db
        scrape run --log-json 2>> collect.log
    """
    _setup_logging(verbose, quiet, log_json)
    config = _load(config_path)
    _check_selection(config, config_path, sites, langs)
    path = archive_path(config, config_path, archive_override)
    started = time.monotonic()
    try:
        report = pipeline.run(config, path, pipeline.RunOptions(since=since, sites=tuple(sites), langs=tuple(langs)))
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    except ArchiveLocked as exc:
        raise ArchiveBusy(str(exc)) from None
    logs.echo_summary(path, report, time.monotonic() - started, quiet=quiet, log_json=log_json)
    if report.status == "failed":
        sys.exit(EXIT_UNREACHABLE)
    if report.status == "partial":
        sys.exit(EXIT_PARTIAL)


@cli.command()
@config_option
@click.option("--site", "sites", multiple=True, metavar="KEY", help="Only this site (repeatable).")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Only this language (repeatable).")
@click.option("--archive", "archive_override", type=click.Path(dir_okay=False, exists=True),
              help="Archive file; default: 'archive' from the config.")
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
    _setup_logging(verbose, False)
    config = _load(config_path)
    _check_selection(config, config_path, sites, langs)
    path = archive_path(config, config_path, archive_override)
    if not path.exists():
        raise click.ClickException(f"no archive at {path}; run `scrape run` first")
    try:
        report = pipeline.reextract(config, path, pipeline.RunOptions(sites=tuple(sites), langs=tuple(langs)))
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    except ArchiveLocked as exc:
        raise ArchiveBusy(str(exc)) from None
    counts = report.counts
    click.echo(
        f"{path}: {counts['releases_updated']} releases changed, {counts['releases_unchanged']} unchanged, "
        f"{counts['releases_new']} new, {len(report.errors)} pages still failing",
        err=True,
    )
    for error in report.errors:
        click.echo(f"error: {error['url']}: {error['error']}", err=True)
    if report.errors:
        sys.exit(EXIT_PARTIAL)


archive_option = click.option(
    "--archive", "archive_override", type=click.Path(dir_okay=False),
    help="Archive file; default: 'archive' from the config (which is then not needed).",
)


def _archive_for_reading(config_path: str, archive_override: str | None) -> Path:
    """The archive to read: ``--archive`` (no config needed), else the config's ``archive``."""
    if archive_override:
        return Path(archive_override)
    return archive_path(_load(config_path), config_path, None)


def _open_readonly(path: Path):
    from archive.queries import ArchiveMissing, connect_readonly

    try:
        return connect_readonly(path)
    except ArchiveMissing as exc:
        raise ConfigProblem(str(exc)) from None
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@config_option
@click.option("--since", callback=_parse_since, metavar="YYYY-MM-DD",
              help="Each run: only releases published on or after this date.")
@click.option("--days", type=click.IntRange(min=1), metavar="N",
              help="Each run: only releases published in the last N days (default: since the last "
                   "successful run, minus the config's overlap_days).")
@click.option("--site", "sites", multiple=True, metavar="KEY", help="Only this site (repeatable).")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Only this language (repeatable).")
@archive_option
@click.option("--run-now", is_flag=True, help="Also run once right away, then on the schedule.")
@click.option("--misfire-grace", type=click.IntRange(min=1), default=3600, show_default=True, metavar="SECONDS",
              help="A run that could not start on time (machine asleep, previous run still going) "
                   "still starts if it is at most this late; later ones are skipped.")
@click.option("--timezone", "zone", metavar="ZONE",
              help="Time zone of the schedule, e.g. Asia/Almaty (default: the machine's).")
@click.option("--next", "show_next", type=click.IntRange(min=1), metavar="N",
              help="Print the next N run times and exit (check a schedule).")
@logs.logging_options
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
    from datetime import datetime

    from archive.store import Archive
    from scraper import schedule as scheduling

    if since and days is not None:
        raise click.UsageError("give --since or --days, not both")
    _setup_logging(verbose, quiet, log_json)
    config = _load(config_path)
    for key in sites:
        if key not in {site.key for site in config.sites}:
            raise ConfigProblem(f"--site {key}: no such site in {config_path} (have: {', '.join(s.key for s in config.sites)})")
    try:
        tz = scheduling.time_zone(zone)
    except ValueError as exc:
        raise ConfigProblem(f"--timezone: {exc}") from None
    try:
        trigger = scheduling.crontab_trigger(config.schedule, timezone=tz)
    except ValueError as exc:
        raise ConfigProblem(f"{config_path}: schedule: {exc}") from None
    upcoming = scheduling.next_fire_times(trigger, show_next or 1, datetime.now(tz))
    if show_next:
        for moment in upcoming:
            click.echo(moment.strftime("%a %Y-%m-%d %H:%M %Z"))
        return
    path = archive_path(config, config_path, archive_override)
    try:
        Archive(path).close()  # fail now, not at 2 a.m., if the archive cannot be used
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    collect = scheduling.collection_job(
        config, path, pipeline.RunOptions(since=since, sites=tuple(sites), langs=tuple(langs)),
        on_report=lambda report, seconds: logs.echo_summary(path, report, seconds, quiet=quiet, log_json=log_json),
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


@cli.command()
@config_option
@archive_option
@click.option("--runs", "run_count", type=click.IntRange(min=1), default=10, show_default=True, metavar="N",
              help="How many recent runs to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the same information as JSON.")
def status(config_path, archive_override, run_count, as_json) -> None:
    """Show the last runs and what the archive holds, per site and language.

    Reads the archive read-only, so it is safe while a run is going. Shows each recent run's
    start, duration, status and counts (new, updated, unchanged, older than --since, found
    removed, failed), the failures of the latest run that had any, releases per site and language
    with their oldest and newest dates, and the newest release of every site.

    \b
    Examples:
        scrape status
        scrape status --runs 30 --json
    """
    import json

    from archive import queries
    from archive.status import status_text

    path = _archive_for_reading(config_path, archive_override)
    conn = _open_readonly(path)
    try:
        data = {
            "archive": str(path),
            "summary": queries.archive_summary(conn),
            "runs": queries.recent_runs(conn, run_count),
            "totals": queries.totals(conn),
            "newest": queries.newest_per_site(conn),
        }
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(status_text(path, data["summary"], data["runs"], data["totals"], data["newest"]))


@cli.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the sites as JSON.")
def sites(config_path, as_json) -> None:
    """List the configured sites, their languages and where their releases are discovered.

    \b
    Example:
        scrape sites --config tests/fixtures/fixture-config.yaml
    """
    import json

    from scraper.cli.sites import site_entry, sites_text

    config = _load(config_path)
    if as_json:
        click.echo(json.dumps([site_entry(site) for site in config.sites], ensure_ascii=False, indent=2))
    else:
        click.echo(sites_text(config))


@cli.command()
@config_option
@click.option("-f", "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="JSON Lines (one object per release) or CSV (one row per release).")
@click.option("--since", callback=_parse_since, metavar="YYYY-MM-DD",
              help="Only releases published on or after this date (undated ones are left out).")
@click.option("--site", "sites", multiple=True, metavar="KEY", help="Only this site (repeatable).")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Only this language (repeatable).")
@click.option("--unique", is_flag=True, help="Leave out cross-posts (releases with a duplicate_of).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write to this file (replaced only when complete); default: standard output.")
@click.option("--bom", is_flag=True, help="Start with a UTF-8 byte order mark, so Excel reads Cyrillic CSV correctly.")
@archive_option
def export(config_path, fmt, since, sites, langs, unique, output, bom, archive_override) -> None:
    """Export releases as JSON Lines or CSV, oldest first, for work outside SQLite.

    Every column of `releases` is included (see the README); in JSON Lines, tags, images,
    attachments and alternates are real arrays and objects, in CSV they are JSON text.

    \b
    Examples:
        scrape export --format csv --since 2024-01-01 --output releases-2024.csv
        scrape export --lang kk --unique > kazakh.jsonl
    """
    from archive import queries
    from archive.export import export as write_rows
    from archive.export import export_to_file

    path = _archive_for_reading(config_path, archive_override)
    conn = _open_readonly(path)
    columns = queries.release_columns(conn)
    rows = queries.export_rows(conn, since=since, sites=sites, langs=langs, unique=unique)
    try:
        if output:
            count = export_to_file(rows, fmt, output, columns, bom=bom)
        else:
            stream = click.get_text_stream("stdout")
            if bom:
                stream.write("\ufeff")
            count = write_rows(rows, fmt, stream, columns)
            stream.flush()
    except BrokenPipeError:  # e.g. `scrape export | head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        conn.close()
    click.echo(f"{count} releases exported" + (f" to {output}" if output else ""), err=True)


@cli.command()
@config_option
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Port to listen on.")
@click.option("--immutable", is_flag=True,
              help="Open the file as immutable (faster; only for a copy no run writes to while it is served).")
@click.option("--get", "get_path", metavar="PATH",
              help="Fetch one path (e.g. /archive/releases.json), print it and exit; exit 1 unless HTTP 200.")
@click.option("--metadata", "print_metadata", is_flag=True,
              help="Print the Datasette metadata as JSON and exit (for running `datasette` yourself).")
def serve(config_path, archive_override, host, port, immutable, get_path, print_metadata) -> None:
    """Explore the archive in Datasette: search, facets, canned queries and release pages.

    Opens the archive read-only, so browsing never blocks a nightly run and new releases appear
    without a restart. `releases` opens newest first with a search box and facets on site,
    language, year and tags; a release's title leads to its page (text, date, dateline, links to
    translations, versions and cross-posts).

    \b
    Examples:
        scrape serve                      # then open http://127.0.0.1:8001/archive/releases
        scrape serve --get "/archive/releases.json?_search=trafficking"
        scrape serve --metadata > metadata.json
    """
    import json

    from archive.serve import metadata as browse

    path = _archive_for_reading(config_path, archive_override)
    if print_metadata:
        click.echo(json.dumps(browse.metadata(browse.database_name(path)), ensure_ascii=False, indent=2))
        return
    _open_readonly(path).close()
    datasette = browse.make_datasette(path, immutable=immutable)
    if get_path:
        import asyncio

        response = asyncio.run(datasette.client.get(get_path))
        click.echo(response.text)
        if response.status_code != 200:
            click.echo(f"HTTP {response.status_code} for {get_path}", err=True)
            sys.exit(1)
        return
    import uvicorn

    name = browse.database_name(path)
    click.echo(f"Serving {path} {'immutable' if immutable else 'read-only'} at "
               f"http://{host}:{port}/{name}/releases (Ctrl-C to stop)", err=True)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")


def main() -> None:  # pragma: no cover - console entry point alias
    cli()
