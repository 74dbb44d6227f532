"""What the ``scrape`` commands share, written once: options, their checks, and error mapping.

- :class:`Group` turns every :class:`archive.errors.IomArchiveError` a command lets through into one
  red line on stderr and the error's exit code (no traceback), for every command alike.
- The option decorators (:data:`config_option`, :func:`selection_options`, :data:`archive_option`,
  :func:`since_option`, :func:`logging_options`) are the only definitions of those options.
- :func:`load_selection` loads the config and checks ``--site``/``--lang`` against it, the same way
  for every command that collects.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from archive.errors import ArchiveMissing, IomArchiveError, UsageError
from scraper.config import Config, load_config


class CommandError(click.ClickException):
    """An :class:`~archive.errors.IomArchiveError` as click reports it: message, then exit code."""

    def __init__(self, error: IomArchiveError):
        super().__init__(str(error))
        self.exit_code = int(error.exit_code)


class Group(click.Group):
    """A click group whose commands report library errors with their exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except IomArchiveError as exc:
            raise CommandError(exc) from None


def parse_date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def since_option(help: str) -> Callable:
    return click.option("--since", callback=parse_date_option, metavar="YYYY-MM-DD", help=help)


def until_option(help: str) -> Callable:
    return click.option("--until", callback=parse_date_option, metavar="YYYY-MM-DD", help=help)


def check_dates(since: date | None, until: date | None) -> None:
    if since and until and until < since:
        raise UsageError(f"--until {until} is before --since {since}: nothing could match")


def check_archived_selection(archived: dict[str, list[str]], where: str, sites: tuple[str, ...],
                             langs: tuple[str, ...], config: Config | None = None) -> None:
    """For the commands that read an archive: ``--site``/``--lang`` must name a site or language of the
    archive (``archived``: ``{site: [langs]}``) or of the config when there is one (exit 2 otherwise), the
    same rule as :func:`check_selection` for the commands that collect."""
    known_sites = dict(archived)
    for site in config.sites if config else ():
        known_sites[site.key] = sorted(set(known_sites.get(site.key, [])) | set(site.languages))
    for key in sites:
        if key not in known_sites:
            raise UsageError(f"--site {key}: no such site in {where} (have: {', '.join(sorted(known_sites)) or 'none'})")
    known = sorted({lang for key, found in known_sites.items() if not sites or key in sites for lang in found})
    for lang in langs:
        if lang not in known:
            raise UsageError(f"--lang {lang}: not a language of the selected sites in {where} "
                             f"(have: {', '.join(known) or 'none'})")


config_option = click.option(
    "-c", "--config", "config_path", default="config.yaml", show_default=True, envvar="SCRAPE_CONFIG",
    type=click.Path(dir_okay=False), help="Config file (also $SCRAPE_CONFIG).",
)

archive_option = click.option(
    "--archive", "archive_override", type=click.Path(dir_okay=False),
    help="Archive file; default: 'archive' from the config.",
)

read_archive_option = click.option(
    "--archive", "archive_override", type=click.Path(dir_okay=False),
    help="Archive file; default: 'archive' from the config (which is then not needed).",
)


def selection_options(command: Callable) -> Callable:
    """``--site KEY`` and ``--lang CODE`` (both repeatable), checked by :func:`load_selection`."""
    command = click.option("--lang", "langs", multiple=True, metavar="CODE",
                           help="Only this language, e.g. ru (repeatable).")(command)
    command = click.option("--site", "sites", multiple=True, metavar="KEY", help="Only this site (repeatable).")(command)
    return command


def logging_options(command: Callable) -> Callable:
    """``-v/--verbose``, ``-q/--quiet`` and ``--log-json``, shared by the commands that collect."""
    command = click.option("--log-json", is_flag=True,
                           help="Log one JSON object per line (for log collectors).")(command)
    command = click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors, no summary.")(command)
    command = click.option("-v", "--verbose", count=True, help="Log each release (-vv: each request).")(command)
    return command


def check_selection(config: Config, config_path: str, sites: tuple[str, ...], langs: tuple[str, ...]) -> None:
    """``--site`` and ``--lang`` must name configured sites and languages (exit 2 otherwise)."""
    keys = [site.key for site in config.sites]
    for key in sites:
        if key not in keys:
            raise UsageError(f"--site {key}: no such site in {config_path} (have: {', '.join(keys)})")
    chosen = [site for site in config.sites if not sites or site.key in sites]
    known = sorted({lang for site in chosen for lang in site.languages})
    for lang in langs:
        if lang not in known:
            raise UsageError(f"--lang {lang}: not a language of the selected sites (have: {', '.join(known)})")


def load_selection(config_path: str, sites: tuple[str, ...] = (), langs: tuple[str, ...] = ()) -> Config:
    """The config, with ``--site``/``--lang`` checked against it."""
    config = load_config(config_path)
    check_selection(config, config_path, sites, langs)
    return config


def archive_path(config: Config, config_path: str, override: str | None) -> Path:
    """``--archive`` as given, else the config's ``archive`` relative to the config file's folder."""
    if override:
        return Path(override)
    path = Path(config.archive)
    return path if path.is_absolute() else Path(config_path).resolve().parent / path


def archive_for_reading(config_path: str, archive_override: str | None) -> Path:
    """The archive to read: ``--archive`` (no config needed), else the config's ``archive``."""
    if override := archive_override:
        return Path(override)
    return archive_path(load_config(config_path), config_path, None)


def existing_archive(path: Path) -> Path:
    if not path.exists():
        raise ArchiveMissing(f"no archive at {path}; run `scrape run` first")
    return path
