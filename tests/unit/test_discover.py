"""Discovery parsing: listing teasers with dates, the pager, sitemaps, and language by prefix."""

from __future__ import annotations

from datetime import date

import pytest

from scraper.config import Site
from scraper.discover import is_release_url, parse_listing, parse_sitemap, release_language

SITE = Site(key="kz", base_url="https://kazakhstan.iom.int", languages={"en": "", "ru": "/ru", "kk": "/kk"})


@pytest.mark.parametrize("url, lang, is_release", [
    ("https://kazakhstan.iom.int/news/forum", "en", True),
    ("https://kazakhstan.iom.int/ru/news/forum", "ru", True),
    ("https://kazakhstan.iom.int/kk/news/forum/", "kk", True),
    ("https://kazakhstan.iom.int/news", "en", False),
    ("https://kazakhstan.iom.int/ru", "ru", False),
    ("https://kazakhstan.iom.int/russia/news/x", "en", False),
    ("https://kazakhstan.iom.int/news/x/y", "en", False),
    ("https://www.iom.int/news/forum", None, False),
])
def test_language_and_release_by_path(url, lang, is_release):
    assert release_language(SITE, url) == lang
    assert is_release_url(SITE, url) is is_release


LISTING = """<html><body><nav><a href="/news/not-a-teaser-menu-link">Menu</a></nav>
<div class="view-content">
  <div class="views-row"><article><h3><a href="/ru/news/b">B</a></h3><time datetime="2023-05-01T10:00:00Z">1 мая 2023</time></article></div>
  <div class="views-row"><article><h3><a href="/ru/news/c?utm_source=x">C</a></h3><div class="date">15 марта 2022 г.</div><p>Text</p></article></div>
  <div class="views-row"><article><h3><a href="/ru/news/d">D</a></h3><p>no date</p></article></div>
  <div class="views-row"><a href="/news/english">English teaser on a Russian listing</a></div>
</div>
<nav class="pager"><ul><li class="pager__item--next"><a href="?page=3" rel="next">Далее</a></li></ul></nav>
</body></html>"""


def test_parse_listing_reads_teaser_dates_and_next_page():
    page = parse_listing(LISTING, "https://kazakhstan.iom.int/ru/news?page=2", SITE, "ru")
    assert [(c.url, c.listed_date) for c in page.items] == [
        ("https://kazakhstan.iom.int/ru/news/b", date(2023, 5, 1)),
        ("https://kazakhstan.iom.int/ru/news/c", date(2022, 3, 15)),
        ("https://kazakhstan.iom.int/ru/news/d", None),
    ]
    assert page.next_url == "https://kazakhstan.iom.int/ru/news?page=3"


def test_last_listing_page_has_no_next():
    assert parse_listing("<html><body><p>Nothing</p></body></html>", "https://kazakhstan.iom.int/news", SITE, "en").next_url is None


def test_parse_sitemap_urlset_and_index():
    urlset = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url><loc>https://kazakhstan.iom.int/news/a</loc><lastmod>2023-02-01T10:00Z</lastmod>
       <xhtml:link rel="alternate" hreflang="ru" href="https://kazakhstan.iom.int/ru/news/a"/></url>
  <url><loc>https://kazakhstan.iom.int/news/b</loc></url>
</urlset>"""
    entries, nested = parse_sitemap(urlset)
    assert [(e.url, e.lastmod) for e in entries] == [
        ("https://kazakhstan.iom.int/news/a", date(2023, 2, 1)),
        ("https://kazakhstan.iom.int/news/b", None),
    ]
    assert nested == []
    index = """<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://kazakhstan.iom.int/sitemap.xml?page=1</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index) == ([], ["https://kazakhstan.iom.int/sitemap.xml?page=1"])


def test_malformed_sitemap_yields_nothing():
    assert parse_sitemap("<urlset><url><loc>broken") == ([], [])
