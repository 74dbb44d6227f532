"""Helpers shared by the tests and benchmarks: golden data, config writing, the CLI in-process, queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml
from click.testing import CliRunner

from support.fixture_server import FIXTURES, FixtureServer  # noqa: F401 (re-exported)
from archive.store import Archive
from scraper.cli import cli
from scraper.fetch import decode_body

KAZAKHSTAN = FIXTURES / "kazakhstan"


def load_golden(site: str = "kazakhstan") -> dict:
    return yaml.safe_load((FIXTURES / site / "releases.yaml").read_text(encoding="utf-8"))


def expected_body(blocks: list) -> str:
    """The golden body text: paragraphs separated by a blank line, list items one per line."""
    parts = []
    for block in blocks:
        if isinstance(block, str):
            parts.append(block)
        else:
            (items,) = block.values()
            parts.append("\n".join(items))
    return "\n\n".join(parts)


def write_config(directory: Path, base_url: str, **settings) -> Path:
    """A config for the fixture site: no delay between requests, no retries, unless given; the
    revalidation sample on every run (tests make several "nights" in a few seconds)."""
    site = {
        "key": "kazakhstan",
        "base_url": base_url,
        "languages": {"en": "", "ru": "/ru", "kk": "/kk"},
        "news_path": "/news",
        "sitemap": "/sitemap.xml",
    }
    site.update(settings.pop("site", {}))
    config = {"archive": "archive.db", "request_delay": 0, "retries": 0, "timeout": 5, "revalidate_every_days": 0,
              "sites": [site]}
    config.update(settings)
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def scrape(*args: str):
    """Run the ``scrape`` CLI in-process; returns click's Result (exit_code, output)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def stored_page(db_path: Path, url: str) -> str:
    """A stored page's text as re-extraction reads it (from its WARC record, or ``raw_html``)."""
    with Archive(db_path, decode=decode_body) as archive:
        return archive.page_html(url)


def query(db_path: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def downgrade(db_path: Path, version: int) -> None:
    """Turn an archive back into one of schema ``version``, as an older iom-archive made it: the tables
    and columns of later migrations (``archive.columns``: ``since``) dropped, ``user_version`` set.
    The data of the columns kept stays, so an upgrade test can check that nothing is lost."""
    from archive import columns
    from archive.search import index

    conn = sqlite3.connect(db_path)
    for table, defined in columns.TABLES.items():
        later = [column for column in defined if column.since > version]
        if later and len(later) == len(defined):
            conn.execute(f"DROP TABLE [{table}]")
        for column in later if len(later) < len(defined) else ():
            conn.execute(f"ALTER TABLE [{table}] DROP COLUMN [{column.name}]")
    if version < 3:  # the stemmed index (search_meta, a table of schema 3, is dropped above)
        for name in index.TRIGGERS:
            conn.execute(f"DROP TRIGGER [{name}]")
        conn.execute(f"DROP TABLE [{index.TABLE}]")
    elif version < 9:  # the stemmed index as it was before attachments (schema 9)
        index.create(conn)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def copy_archive(source: Path, target: Path) -> Path:
    """Copy an archive with its WARC directory (where its pages are), as an operator backs one up."""
    import shutil

    from archive.warcs import warc_dir

    shutil.copy(source, target)
    if warc_dir(source).is_dir():
        shutil.copytree(warc_dir(source), warc_dir(target))
    return target


def write_two_site_config(directory: Path, kazakhstan: str, global_site: str, reverse: bool = False,
                          **settings) -> Path:
    """A config for the Kazakhstan fixture site (en/ru/kk) and the global one (en), no delay or
    retries unless given; ``reverse`` lists the global site first (which site a run reads first)."""
    sites = [
        {"key": "kazakhstan", "base_url": kazakhstan, "languages": {"en": "", "ru": "/ru", "kk": "/kk"}},
        {"key": "global", "base_url": global_site, "languages": {"en": ""}},
    ]
    config = {"archive": "archive.db", "request_delay": 0, "retries": 0, "timeout": 5, **settings,
              "sites": sites[::-1] if reverse else sites}
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path
