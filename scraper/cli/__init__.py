"""The ``scrape`` command line: a thin click layer over the library.

Each command opens what it needs and calls one library function: :mod:`scraper.pipeline` (run,
reextract, import), :mod:`scraper.schedule`, :mod:`archive.queries` with :mod:`archive.status` and
:mod:`archive.export` (status, export), :mod:`archive.serve` (serve). Shared options, their checks
and the mapping of library errors to exit codes are written once, in :mod:`scraper.cli.options`;
log lines, the progress line and run summaries are :mod:`scraper.cli.display`.

Exit codes (:class:`archive.errors.ExitCode`): 0 success; 1 unexpected error; 2 bad config or
usage; 3 the run finished but some pages failed (listed in the ``runs`` table); 4 no configured
site could be reached; 5 another run is writing to the archive.
"""

from __future__ import annotations

import click

from scraper.cli.collect import import_warcs, recover, reextract, run, schedule
from scraper.cli.extract import extract_command
from scraper.cli.options import Group
from scraper.cli.read import export, serve, sites, status

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
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


for command in (run, reextract, import_warcs, recover, schedule, status, sites, export, serve, extract_command):
    cli.add_command(command)


def main() -> None:  # pragma: no cover - console entry point alias
    cli()
