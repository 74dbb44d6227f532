"""``scrape sites add URL`` and ``scrape sites check KEY``: bring a new IOM site into the config."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click
import yaml

from archive.errors import ExitCode, UsageError
from scraper.cli.options import config_option
from scraper.config import ConfigError, load_config, parse_config
from scraper.discover.detect import Detected, detect_site
from scraper.fetch import Fetcher
from scraper.pipeline import fetch_settings
from scraper.pipeline.check import check_site


def default_key(base_url: str) -> str:
    """``kazakhstan`` for https://kazakhstan.iom.int; the host with dashes for anything else."""
    host = urlsplit(base_url).netloc.lower()
    if host.endswith(".iom.int"):
        return host.removesuffix(".iom.int").replace(".", "-")
    return "".join(c if c.isalnum() else "-" for c in host).strip("-")


def append_site(text: str, entry: dict, source: str) -> str:
    """The config text with ``entry`` appended to its ``sites`` list, everything else (comments and
    order) as it was; checked by the config loader. ``sites`` must be the file's last key."""
    root = yaml.compose(text)
    keys = [node.value for node, _ in root.value] if root is not None else []
    if not keys or keys[-1] != "sites":
        raise UsageError(f"{source}: 'sites' is not the last key of the file, so the new entry cannot be "
                         "appended safely; move 'sites' to the end or paste the entry printed with --dry-run")
    indent = next((line[: len(line) - len(line.lstrip())] for line in text.splitlines()
                   if line.lstrip().startswith("- key:")), "  ")
    block = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=120)
    block = "".join(indent + line if line.strip() else line for line in block.splitlines(keepends=True))
    new = text if text.endswith("\n") else text + "\n"
    new += block
    parse_config(new, source)  # validated as a whole (duplicate keys, patterns, ...) before anything is written
    return new


def found_text(found: Detected, key: str) -> str:
    lines = [f"{key}  {found.base_url}"]
    if found.languages:
        langs = ", ".join(f"{lang} ({prefix or 'at the root'})" for lang, prefix in found.languages.items())
        lines.append(f"  languages: {langs}, from {found.languages_from}")
    if found.news_path:
        lines.append(f"  news listing: {found.news_path}" + (", paged with ?page=N" if found.paged else ", one page"))
    if found.release_pattern:
        lines.append(f"  releases: {found.releases_seen} linked from the first listing page, "
                     f"pattern {found.release_pattern}")
        lines.append(f"  template: {found.template}")
    lines.append(f"  sitemap: {found.sitemap} (from {found.sitemap_from})" if found.sitemap
                 else "  sitemap: none found (listing pages only)")
    for problem, setting in found.missing:
        lines.append(f"  missing: {problem}; set '{setting}' by hand")
    return "\n".join(lines)


@click.command("add")
@click.argument("url")
@click.option("--key", help="The site's key (default: the subdomain, e.g. kazakhstan).")
@click.option("--dry-run", is_flag=True, help="Print what was found and the entry; write nothing.")
@config_option
def add(url, key, dry_run, config_path) -> None:
    """Work out a site's config entry from its pages and append it to config.yaml.

    Reads the home page, robots.txt, the news listing, the sitemap and one release: languages
    (hreflang, the language switcher, path prefixes), the listing and its pagination, the release
    URL pattern and whether the template is known. Comments and order of config.yaml are kept.

    \b
    Examples:
        scrape sites add https://moldova.iom.int --dry-run
        scrape sites add https://moldova.iom.int --key moldova
    """
    parts = urlsplit(url if "://" in url else "https://" + url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{url!r} is not a site URL such as https://moldova.iom.int")
    base_url = f"{parts.scheme}://{parts.netloc}"
    path = Path(config_path)
    try:
        config = load_config(path)
    except ConfigError as exc:
        raise UsageError(f"{exc} (fix it before adding a site)") from None
    key = key or default_key(base_url)
    if key in {site.key for site in config.sites}:
        raise UsageError(f"{path}: a site with key {key!r} is configured already; give another with --key")
    settings = dataclasses.replace(fetch_settings(config), allowed_hosts=frozenset({parts.netloc.lower()}))
    with Fetcher(settings) as fetcher:
        found = detect_site(fetcher, base_url)
    click.echo(found_text(found, key))
    if found.missing:
        click.echo(f"nothing written: {path} needs the settings named above for this site", err=True)
        sys.exit(ExitCode.USAGE)
    old = path.read_text(encoding="utf-8")
    text = append_site(old, found.entry(key), str(path))
    if dry_run:
        click.echo(f"\n--dry-run: this entry would be appended to {path}:\n")
        click.echo(text[len(old) + (not old.endswith("\n")):].rstrip("\n"))
        return
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    click.echo(f"added {key} to {path}; try it with: scrape sites check {key}")


@click.command("check")
@click.argument("key")
@click.option("-n", "per_language", type=click.IntRange(1, 20), default=3, show_default=True,
              help="Releases per language.")
@config_option
def check(key, per_language, config_path) -> None:
    """Read a few releases per language of one site and show what the extractor makes of them.

    Nothing is written to the archive. Per release: title, date, dateline, language detected,
    body length and the first words of the body.

    \b
    Example:
        scrape sites check moldova
    """
    config = load_config(config_path)
    site = config.site(key)
    with Fetcher(fetch_settings(config)) as fetcher:
        results = check_site(fetcher, site, per_language)
    failed = 0
    for lang in site.languages:
        click.echo(f"{lang}:")
        for item in (r for r in results if r.lang == lang):
            if item.error:
                failed += 1
                click.echo(f"  {item.url}\n    error: {item.error}")
                continue
            click.echo(f"  {item.url}\n    title: {item.title}\n    date: {item.date or '(none)'}"
                       f" · dateline: {item.dateline or '(none)'} · language detected: {item.detected or '?'}"
                       f" · body: {item.body_chars} characters\n    first words: {item.first_words} …")
    if failed:
        sys.exit(ExitCode.PARTIAL)
