"""Discovery on hostile input: listing teasers found in linear time (same answers as the quadratic
climb they replace), sitemaps to the protocol's limits, each sitemap read once."""

from __future__ import annotations

import gzip
from urllib.parse import urljoin

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.config import Site
from scraper.discover import Candidate, is_release_url, parse_listing, parse_sitemap, read_sitemap, release_language
from scraper.discover.listings import _teaser_date
from scraper.discover.sitemaps import MAX_SITEMAP_URLS, gunzipped
from scraper.fetch import Fetcher, FetchSettings
from scraper.urls import normalize_url
from support.helpers import FIXTURES

SITE = Site(key="kz", base_url="http://127.0.0.1:1", languages={"en": "", "ru": "/ru", "kk": "/kk"})
LISTINGS = sorted(p for p in FIXTURES.glob("*/*/**/news*.html") if "@" in p.name or p.name == "news.html")


def quadratic_listing(html: str, page_url: str, site: Site, lang: str) -> list[Candidate]:
    """The listing parser before issue 17: climbs from each link, re-reading every link of every ancestor."""
    tree = LexborHTMLParser(html)
    found: dict[str, Candidate] = {}
    for anchor in tree.css("a[href]"):
        url = normalize_url(urljoin(page_url, anchor.attributes.get("href") or ""))
        if url in found or not is_release_url(site, url) or release_language(site, url) != lang:
            continue
        teaser, node = anchor, anchor.parent
        while node is not None and node.tag not in ("body", "html"):
            hrefs = {normalize_url(urljoin(page_url, a.attributes.get("href") or "")) for a in node.css("a[href]")}
            if any(h != url and is_release_url(site, h) for h in hrefs):
                break
            teaser, node = node, node.parent
        found[url] = Candidate(url=url, lang=lang, listed_date=_teaser_date(teaser, lang))
    return list(found.values())


@pytest.mark.parametrize("path", LISTINGS[:12], ids=lambda p: str(p.relative_to(FIXTURES))[:60])
def test_linear_listing_finds_the_same_teasers_and_dates_as_the_quadratic_climb(path):
    lang = path.parent.name if path.parent.name in ("ru", "kk") else "en"
    html = path.read_text(encoding="utf-8").replace("__BASE__", SITE.base_url)
    page_url = SITE.language_root(lang) + "/news"
    fast = parse_listing(html, page_url, SITE, lang).items
    assert fast == quadratic_listing(html, page_url, SITE, lang)
    assert fast, "each fixture listing lists releases"


def test_teasers_sharing_an_ancestor_are_told_apart():
    html = """<html><body><div class="list">
      <div><h3><a href="/news/a">A</a></h3><span>2 May 2024</span></div>
      <div><h3><a href="/news/b">B</a></h3><a href="/news/b">more</a><span>3 May 2024</span></div>
      <p><a href="/news/c">C</a> 4 May 2024</p></div></body></html>"""
    items = parse_listing(html, SITE.base_url + "/news", SITE, "en").items
    dates = {c.url.rsplit("/", 1)[1]: c.listed_date and c.listed_date.isoformat() for c in items}
    assert dates == {"a": "2024-05-02", "b": "2024-05-03", "c": None}  # c's date is bare text, not an element


def urlset(entries: str) -> bytes:
    return (f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:xhtml="http://www.w3.org/1999/xhtml">{entries}</urlset>').encode()


def test_sitemap_alternates_are_read():
    xml = urlset('<url><loc>https://k/news/a</loc><xhtml:link rel="alternate" hreflang="ru" href="https://k/ru/news/a"/>'
                 '<xhtml:link rel="alternate" hreflang="kk" href="https://k/kk/news/a"/></url>')
    (entry,), _ = parse_sitemap(xml)
    assert entry.alternates == ("https://k/ru/news/a", "https://k/kk/news/a")


def test_a_sitemap_broken_halfway_keeps_the_entries_before_the_break():
    xml = urlset("<url><loc>https://k/news/a</loc></url><url><loc>https://k/news/b</loc></url>")[:-len("</urlset>")]
    entries, _ = parse_sitemap(xml + b"<url><loc>")
    assert [e.url for e in entries] == ["https://k/news/a", "https://k/news/b"]


def test_a_sitemap_past_the_protocols_url_limit_is_cut_there():
    xml = urlset("".join(f"<url><loc>https://k/news/{i}</loc></url>" for i in range(MAX_SITEMAP_URLS + 10)))
    entries, _ = parse_sitemap(xml)
    assert len(entries) == MAX_SITEMAP_URLS


def test_gzip_sitemap_files_are_read_but_not_past_the_size_limit():
    xml = urlset("<url><loc>https://k/news/a</loc></url>")
    assert gunzipped(gzip.compress(xml)) == xml
    assert gunzipped(gzip.compress(b" " * 10_000), limit=1000) is None


def test_each_sitemap_is_read_once_whatever_the_indexes_say():
    base = "https://kazakhstan.iom.int"
    site = Site(key="kz", base_url=base, languages={"en": ""})
    index = lambda *urls: "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)  # noqa: E731
    files = {
        "/sitemap.xml": f"<sitemapindex>{index(base + '/sitemap.xml', base + '/a.xml', base + '/a.xml#x')}</sitemapindex>",
        "/a.xml": f"<sitemapindex>{index(base + '/sitemap.xml', base + '/b.xml')}</sitemapindex>",
        "/b.xml": f"<urlset><url><loc>{base}/news/x</loc></url></urlset>",
    }
    seen = []

    def handler(request):
        seen.append(request.url.path)
        return httpx.Response(200, headers={"content-type": "application/xml"}, text=files[request.url.path])

    settings = FetchSettings(user_agent="iom-archive/0.1", allowed_hosts=frozenset({"kazakhstan.iom.int"}),
                             request_delay=0, retries=0, obey_robots=False)
    found = read_sitemap(Fetcher(settings, transport=httpx.MockTransport(handler)), site, None)
    assert [c.url for c in found.candidates] == [base + "/news/x"]
    assert seen == ["/sitemap.xml", "/a.xml", "/b.xml"]
