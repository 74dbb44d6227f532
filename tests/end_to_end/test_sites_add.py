"""``scrape sites add`` and ``scrape sites check`` on the fixture sites (issue 13): languages, listing,
pagination, sitemap and release pattern worked out from the pages; config.yaml kept as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.fixture_server import FIXTURES, FixtureServer, Served
from support.helpers import KAZAKHSTAN, scrape
from scraper.config import load_config

SHIPPED = Path(__file__).resolve().parents[2] / "config.yaml"
NOT_FOUND = Served(404, "text/html; charset=utf-8", b"<html><body>Page not found</body></html>")


@pytest.fixture
def config(tmp_path):
    """The shipped config.yaml, comments and all, without its politeness delay (a local server)."""
    path = tmp_path / "config.yaml"
    path.write_text(SHIPPED.read_text(encoding="utf-8").replace("request_delay: 2.0", "request_delay: 0"),
                    encoding="utf-8")
    return path


def home_without(server: FixtureServer, lang: str) -> Served:
    """The home page with the hreflang link of ``lang`` taken out."""
    html = (server.root / "index.html").read_text(encoding="utf-8").replace("__BASE__", server.base_url)
    html = re.sub(rf'<link rel="alternate" hreflang="{lang}"[^>]*>', "", html)
    return Served(200, "text/html; charset=utf-8", html.encode())


def test_three_languages_with_english_at_the_root_are_written_keeping_the_file(config):
    before = config.read_text(encoding="utf-8")
    with FixtureServer(KAZAKHSTAN / "site") as server:
        result = scrape("sites", "add", server.base_url, "--key", "kz2", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "languages: en (at the root), ru (/ru), kk (/kk), from hreflang links" in result.output
    assert "news listing: /news, paged with ?page=N" in result.output
    assert "sitemap: /sitemap.xml (from robots.txt)" in result.output
    assert "template: Drupal 9/10 IOM theme" in result.output
    after = config.read_text(encoding="utf-8")
    assert after.startswith(before)  # comments, order and every other entry kept
    site = load_config(config).site("kz2")
    assert site.languages == {"en": "", "ru": "/ru", "kk": "/kk"} and site.news_path == "/news"
    assert site.sitemap == "/sitemap.xml" and site.release_pattern == r"^/(news/[^/]+|node/\d+)/?$"


def test_dry_run_writes_nothing_and_a_key_cannot_be_added_twice(config):
    before = config.read_text(encoding="utf-8")
    with FixtureServer(KAZAKHSTAN / "site") as server:
        dry = scrape("sites", "add", server.base_url, "--key", "kz2", "--dry-run", "--config", str(config))
        again = scrape("sites", "add", server.base_url, "--key", "kazakhstan", "--config", str(config))
    assert dry.exit_code == 0 and "- key: kz2" in dry.output and config.read_text(encoding="utf-8") == before
    assert again.exit_code == 2 and "'kazakhstan' is configured already" in again.output


def test_a_two_language_site_without_a_sitemap(config):
    with FixtureServer(KAZAKHSTAN / "site") as server:
        server.overrides["/"] = home_without(server, "kk")
        server.overrides["/robots.txt"] = Served(200, "text/plain", b"User-agent: *\nDisallow: /admin/\n")
        server.overrides["/sitemap.xml"] = NOT_FOUND
        result = scrape("sites", "add", server.base_url, "--key", "two", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "languages: en (at the root), ru (/ru), from hreflang links" in result.output
    assert "sitemap: none found (listing pages only)" in result.output
    site = load_config(config).site("two")
    assert site.languages == {"en": "", "ru": "/ru"} and site.sitemap is None


def test_a_one_language_site_at_the_root(config):
    with FixtureServer(FIXTURES / "global" / "site") as server:
        result = scrape("sites", "add", server.base_url, "--key", "global", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "languages: en (at the root), from hreflang links" in result.output
    assert load_config(config).site("global").languages == {"en": ""}


def test_a_site_that_cannot_be_worked_out_names_the_key_to_set(config):
    before = config.read_text(encoding="utf-8")
    with FixtureServer(KAZAKHSTAN / "site") as server:
        server.overrides["/"] = Served(200, "text/html; charset=utf-8",
                                       b'<html lang="en"><head><link rel="alternate" hreflang="en" href="/"></head>'
                                       b"<body><p>Under maintenance</p></body></html>")
        result = scrape("sites", "add", server.base_url, "--key", "broken", "--config", str(config))
    assert result.exit_code == 2
    assert "missing: no news listing linked from the en home page; set 'news_path' by hand" in result.output
    assert config.read_text(encoding="utf-8") == before


def test_check_reads_a_few_releases_per_language_and_stores_nothing(tmp_path):
    with FixtureServer(KAZAKHSTAN / "site") as server:
        config = tmp_path / "config.yaml"
        config.write_text(f"archive: archive.db\nrequest_delay: 0\nsites:\n  - key: kz\n    base_url: {server.base_url}\n"
                          "    languages: {en: '', ru: /ru, kk: /kk}\n", encoding="utf-8")
        result = scrape("sites", "check", "kz", "-n", "2", "--config", str(config))
    assert result.exit_code == 0, result.output
    for lang in ("en", "ru", "kk"):
        assert f"\n{lang}:\n" in "\n" + result.output
        assert f"language detected: {lang}" in result.output
    assert result.output.count("    title: ") == 6 and result.output.count("first words: ") == 6
    assert "dateline: Astana" in result.output
    assert not (tmp_path / "archive.db").exists()
