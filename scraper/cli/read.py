"""The commands that only read: ``scrape status``, ``scrape sites``, ``scrape export``, ``scrape serve``."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import click

from archive import queries
from archive.errors import ArchiveError, ExitCode, UsageError
from archive.export import export as write_rows
from archive.export import export_to_file, write_binary_file
from archive.export_warc import WarcExport, write_warc
from archive.warcs import warc_dir, warcinfo
from archive.serve import metadata as browse
from archive.serve import searchpage
from archive.status import status_text
from scraper.cli.options import (
    Group,
    archive_for_reading,
    check_archived_selection,
    check_dates,
    config_option,
    read_archive_option,
    selection_options,
    since_option,
    until_option,
)
from scraper.cli import onboard
from scraper.cli.sites import site_entry, sites_text
from scraper.config import load_config


@click.command()
@config_option
@read_archive_option
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
    path = archive_for_reading(config_path, archive_override)
    conn = queries.connect_readonly(path)
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


@click.group(cls=Group, invoke_without_command=True)
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the sites as JSON.")
@click.pass_context
def sites(ctx, config_path, as_json) -> None:
    """List the configured sites, their languages and where their releases are discovered;
    `scrape sites add URL` adds one, `scrape sites check KEY` tries one.

    \b
    Examples:
        scrape sites --config tests/fixtures/fixture-config.yaml
        scrape sites add https://moldova.iom.int --dry-run
        scrape sites check moldova
    """
    if ctx.invoked_subcommand is not None:
        return
    config = load_config(config_path)
    if as_json:
        click.echo(json.dumps([site_entry(site) for site in config.sites], ensure_ascii=False, indent=2))
    else:
        click.echo(sites_text(config))


sites.add_command(onboard.add)
sites.add_command(onboard.check)


@click.command()
@config_option
@click.option("-f", "--format", "fmt", type=click.Choice(["jsonl", "csv", "warc"]), default="jsonl", show_default=True,
              help="JSON Lines (one object per release), CSV (one row per release), or WARC (the pages as "
                   "captured, with what was read from them, for a web archive).")
@since_option("Only releases published on or after this date (undated ones are left out).")
@until_option("Only releases published on or before this date (undated ones are left out).")
@selection_options
@click.option("--unique", is_flag=True, help="Leave out cross-posts (releases with a duplicate_of).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write to this file (replaced only when complete); default: standard output.")
@click.option("--bom", is_flag=True, help="Start with a UTF-8 byte order mark, so Excel reads Cyrillic CSV correctly.")
@read_archive_option
def export(config_path, fmt, since, until, sites, langs, unique, output, bom, archive_override) -> None:
    """Export releases as JSON Lines, CSV or WARC, oldest first, for work outside SQLite.

    Every column of `releases` is included (see the README); in JSON Lines, tags, images,
    attachments and alternates are real arrays and objects, in CSV they are JSON text. A WARC
    holds each release's page as captured (its HTTP exchange copied from the archive's WARC files)
    and a metadata record of the release, ready for a web archive (pywb, warcio, the Wayback Machine).

    \b
    Examples:
        scrape export --format csv --since 2024-01-01 --until 2024-12-31 --output releases-2024.csv
        scrape export --lang kk --unique > kazakh.jsonl
        scrape export --format warc --site kazakhstan --since 2024-01-01 --output kazakhstan-2024.warc.gz
    """
    check_dates(since, until)
    path = archive_for_reading(config_path, archive_override)
    conn = queries.connect_readonly(path)
    try:
        config = None if archive_override else load_config(config_path)
        check_archived_selection(queries.sites_and_langs(conn), f"the archive {path}" + (
            f" or {config_path}" if config else ""), sites, langs, config)
    except BaseException:
        conn.close()
        raise
    columns = queries.release_columns(conn)
    rows = queries.export_rows(conn, since=since, until=until, sites=sites, langs=langs, unique=unique)
    if fmt == "warc":
        try:
            _export_warc(conn, path, rows, output, bom, {"sites": sites, "langs": langs, "since": since,
                                                         "until": until, "unique": unique})
        finally:
            conn.close()
        return
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
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    except OSError as exc:
        raise ArchiveError(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        conn.close()
    click.echo(f"{count} releases exported" + (f" to {output}" if output else ""), err=True)


def _export_warc(conn, path, rows, output, bom, selection: dict) -> None:
    """``scrape export --format warc``: the file (written whole, then renamed) or binary standard output."""
    if bom:
        raise UsageError("--bom is for CSV and JSON Lines; a WARC file has none")
    if not output and sys.stdout.isatty():
        raise UsageError("a WARC file is binary: give --output FILE.warc.gz, or redirect standard output")
    chosen = ", ".join(f"{key} {', '.join(value) if isinstance(value, tuple) else value}"
                       for key, value in selection.items() if value)
    info = warcinfo(Path(path).name, "IOM country-office press releases exported from an iom-archive archive"
                    + (f" ({chosen})" if chosen else "") + ": each page as captured, then a metadata record "
                    "(application/json) of what was read from it")

    def write(out) -> WarcExport:
        return write_warc(rows, out, queries.release_pages(conn),
                          lambda release: queries.release_url_list(conn, release), warc_dir(path), info,
                          filename=Path(output).name if output else "export.warc.gz")
    try:
        if output:
            done = write_binary_file(output, write)
        else:
            stream = sys.stdout.buffer
            done = write(stream)
            stream.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    except OSError as exc:
        raise ArchiveError(f"cannot write {output}: {exc.strerror or exc}") from None
    for url, why in done.missing:
        click.echo(f"warning: {url}: its page could not be exported ({why})", err=True)
    missing = f", {len(done.missing)} pages missing" if done.missing else ""
    click.echo(f"{done.releases} releases exported as WARC ({done.captures} captured exchanges, {done.resources} pages "
               f"stored before WARC capture as resource records{missing})" + (f" to {output}" if output else ""),
               err=True)
    if done.missing:
        sys.exit(ExitCode.PARTIAL)


@click.command()
@config_option
@read_archive_option
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
    path = archive_for_reading(config_path, archive_override)
    if print_metadata:
        click.echo(json.dumps(browse.metadata(browse.database_name(path)), ensure_ascii=False, indent=2))
        return
    queries.connect_readonly(path).close()
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

    sock = listening_socket(host, port)
    name = browse.database_name(path)
    searchpage.preload(datasette.get_database(name))  # the per-release columns, so the first search need not wait
    shown_port = sock.getsockname()[1]
    click.echo(f"Serving {path} {'immutable' if immutable else 'read-only'} at "
               f"http://{host}:{shown_port}/{name}/releases (Ctrl-C to stop)", err=True)
    server = uvicorn.Server(uvicorn.Config(datasette.app(), log_level="warning"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it shut down on: stopping is success
        pass


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening, before anything says "Serving": a port in use is a
    usage error (exit 2) naming the address, not uvicorn's startup failure (exit 3)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc} (is another scrape serve or "
                         f"program using it? Stop it, or choose another port with --port)") from None
    sock.set_inheritable(True)
    return sock
