"""``scrape extract FILE|URL|-``: the extractor as a tool of its own, without an archive.

Reads one page (a file, standard input, or a URL fetched with the project's polite
:class:`~scraper.fetch.Fetcher`: robots.txt, the configured user agent, timeouts and size cap) and
prints its body, or with ``--json`` every field :func:`scraper.extract.extract` returns. Nothing is
stored. No learned template is applied (there is no archive to learn it from); a configured site's
``hints`` are used when the page is on its host.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit

import click

from archive.errors import UsageError
from scraper.cli.options import config_option
from scraper.config import DEFAULT_USER_AGENT, Config, Hints, load_config
from scraper.extract import Extracted, extract
from scraper.fetch import Fetcher, FetchError, FetchSettings, decode_body
from scraper.pipeline import fetch_settings
from scraper.pipeline.collect import response_problem


@click.command("extract")
@click.argument("source", metavar="FILE|URL|-")
@click.option("--json", "as_json", is_flag=True, help="Print every field as JSON, not only the body.")
@click.option("--url", "page_url", metavar="URL",
              help="The page's address, for its canonical URL and links (a FILE or - has none of its own).")
@click.option("--lang", metavar="CODE", help="Language of the page when it does not say (e.g. kk).")
@config_option
def extract_command(source, as_json, page_url, lang, config_path) -> None:
    """Print the body of one page (or with --json every field), without touching an archive.

    SOURCE is an HTML file, - for standard input, or an http(s) URL, fetched politely (robots.txt,
    the user agent and limits of the config when there is one; else the defaults). A body that
    may be incomplete (too short, or cleaning had to fall back) is printed with a warning on
    stderr. Exit 3 when the page holds no article to extract.

    \b
    Examples:
        scrape extract page.html
        curl -s https://kazakhstan.iom.int/news/some-release | scrape extract - --url https://kazakhstan.iom.int/news/some-release
        scrape extract --json https://kazakhstan.iom.int/news/some-release
    """
    config = _optional_config(config_path)
    if source.startswith(("http://", "https://")):
        html, page_url = _fetch(source, config)
    elif source == "-":
        html = decode_body(sys.stdin.buffer.read(), None)
    else:
        path = Path(source)
        if not path.is_file():
            raise UsageError(f"{source}: no such file (give a file, - for standard input, or an http(s) URL)")
        html = decode_body(path.read_bytes(), None)
        page_url = page_url or path.resolve().as_uri()
    page_url = page_url or "http://localhost/"
    extracted = extract(html, page_url, lang_hint=lang, hints=_hints(config, page_url))
    if extracted.needs_review:
        click.echo(f"warning: {page_url}: {extracted.review}; check the text against the page", err=True)
    click.echo(json.dumps(as_record(extracted), ensure_ascii=False, indent=2) if as_json else extracted.body)


def as_record(extracted: Extracted) -> dict:
    """Every field of an extraction as JSON-ready values (dates as ``YYYY-MM-DD``)."""
    record = asdict(extracted)
    record["published_date"] = extracted.published_date.isoformat() if extracted.published_date else None
    record["word_count"] = extracted.word_count
    record["needs_review"] = extracted.needs_review
    return record


def _optional_config(config_path: str) -> Config | None:
    """The config when its file exists (the default config.yaml need not)."""
    return load_config(config_path) if Path(config_path).is_file() else None


def _hints(config: Config | None, page_url: str) -> Hints | None:
    host = (urlsplit(page_url).hostname or "").lower()
    for site in config.sites if config else ():
        if (urlsplit(str(site.base_url)).hostname or "").lower() == host:
            return site.hints
    return None


def _fetch(url: str, config: Config | None) -> tuple[str, str]:
    """The page at ``url`` (decoded) and the URL it was served at, fetched with the project's Fetcher."""
    host = urlsplit(url).netloc.lower()
    if config is not None:
        settings = fetch_settings(config)
        settings = FetchSettings(**{**asdict(settings), "allowed_hosts": settings.allowed_hosts | {host}})
    else:
        settings = FetchSettings(user_agent=DEFAULT_USER_AGENT, allowed_hosts=frozenset({host}))
    with Fetcher(settings) as fetcher:
        response = fetcher.get(url)
    problem = response_problem(response)
    if problem:
        raise FetchError(url, problem)
    return response.text, response.url
