"""The ``scrape`` command line: a thin click layer over :mod:`scraper.pipeline`.

Exit codes: 0 success; 1 unexpected error; 2 bad config or usage; 3 the run finished but some
pages failed (listed in the ``runs`` table); 4 no configured site could be reached.
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import date
from pathlib import Path

import click

from archive.store import ArchiveError
from scraper import pipeline
from scraper.config import Config, ConfigError, load_config

EXIT_OK = 0
EXIT_CONFIG = 2
EXIT_PARTIAL = 3
EXIT_UNREACHABLE = 4

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class ConfigProblem(click.ClickException):
    exit_code = EXIT_CONFIG


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING if verbose < 2 else logging.DEBUG)


def _load(config_path: str) -> Config:
    try:
        return load_config(config_path)
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from None


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

    \b
    Example:
        scrape run --since 2024-01-01
        datasette archive.db
    """


@cli.command()
@config_option
@click.option("--since", callback=_parse_since, metavar="YYYY-MM-DD",
              help="Only releases published on or after this date (older listing pages are not read).")
@click.option("--site", "sites", multiple=True, metavar="KEY", help="Only this site (repeatable).")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Only this language, e.g. ru (repeatable).")
@click.option("--archive", "archive_override", type=click.Path(dir_okay=False),
              help="Archive file; default: 'archive' from the config.")
@click.option("-v", "--verbose", count=True, help="Log each release (-vv: each request).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors, no summary.")
def run(config_path, since, sites, langs, archive_override, verbose, quiet) -> None:
    """Discover, fetch, clean and archive releases from every configured site.

    \b
    Examples:
        scrape run --since 2024-01-01
        scrape run --site kazakhstan --lang ru --since 2023-06-01 -v
        scrape run --config tests/fixtures/fixture-config.yaml --archive /tmp/fixture.db
    """
    _setup_logging(verbose, quiet)
    config = _load(config_path)
    for key in sites:
        if key not in {site.key for site in config.sites}:
            raise ConfigProblem(f"--site {key}: no such site in {config_path} (have: {', '.join(s.key for s in config.sites)})")
    path = archive_path(config, config_path, archive_override)
    started = time.monotonic()
    try:
        report = pipeline.run(config, path, pipeline.RunOptions(since=since, sites=tuple(sites), langs=tuple(langs)))
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    if not quiet:
        counts = report.counts
        click.echo(
            f"{path}: {counts['releases_new']} new, {counts['releases_updated']} updated, "
            f"{counts['releases_unchanged']} unchanged, {counts['releases_skipped']} older than --since; "
            f"{counts['pages_fetched']} pages in {counts['requests']} requests, "
            f"{len(report.errors)} errors, {time.monotonic() - started:.1f} s",
            err=True,
        )
    for error in report.errors:
        click.echo(f"error: {error['url']}: {error['error']}", err=True)
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
    path = archive_path(config, config_path, archive_override)
    if not path.exists():
        raise click.ClickException(f"no archive at {path}; run `scrape run` first")
    try:
        report = pipeline.reextract(config, path, pipeline.RunOptions(sites=tuple(sites), langs=tuple(langs)))
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
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


def main() -> None:  # pragma: no cover - console entry point alias
    cli()
