"""How listing and sitemap parsing scale with the number of links (issue 17: they must be linear).

    python benchmarks/parse_scaling.py [--sizes 500,1000,2000,10000] [--checkout PATH] [--repeat 3]

For each size N: a Drupal-like news listing page with N release teasers (a linked title, a
``<time>``, a teaser paragraph, pager links, the site's menus), parsed by
:func:`scraper.discover.parse_listing`; and a sitemap with N release URLs (plus ``lastmod`` and
hreflang alternates), parsed by :func:`scraper.discover.parse_sitemap` with the work discovery
does per entry (normalising the URL, deciding whether it is a release and in which language).
Prints the median time and its ratio to the smallest size (linear: the ratio of the sizes), and
the peak memory of parsing a sitemap of the protocol's 50,000 URLs.

``--checkout PATH`` times another checkout of iom-archive instead (e.g. a ``git worktree`` of an
older commit), to compare before and after. No figure here is asserted by tests
(tests/end_to_end/test_hostile_sites.py asserts that 4,000 links parse in well under 5 s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

MENU = "".join(f'<li><a href="/about/section-{i}">Section {i}</a></li>' for i in range(60))


def listing_html(n: int) -> str:
    rows = "".join(
        f'<div class="views-row"><article class="teaser"><h3><a href="/news/release-number-{i}">Release {i}</a>'
        f'</h3><div class="date"><time datetime="2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}T10:00:00Z">'
        f"{i % 28 + 1} May 2024</time></div><p>Teaser text of release {i}, with a few words.</p>"
        f'<a href="/news/release-number-{i}" class="more">Read more</a></article></div>'
        for i in range(n)
    )
    pager = '<nav class="pager"><ul><li class="pager__item--next"><a href="?page=2" rel="next">Next</a></li></ul></nav>'
    return (f"<html><head><title>News</title></head><body><nav><ul>{MENU}</ul></nav>"
            f"<main><div class='view-content'>{rows}</div>{pager}</main><footer><ul>{MENU}</ul></footer></body></html>")


def sitemap_xml(n: int) -> bytes:
    entries = "".join(
        f"<url><loc>https://kazakhstan.iom.int/news/release-number-{i}</loc><lastmod>2024-05-{i % 28 + 1:02d}</lastmod>"
        f'<xhtml:link rel="alternate" hreflang="ru" href="https://kazakhstan.iom.int/ru/news/release-number-{i}"/>'
        "</url>"
        for i in range(n)
    )
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:xhtml="http://www.w3.org/1999/xhtml">{entries}</urlset>').encode()


def timed(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,1000,2000,10000")
    parser.add_argument("--checkout", type=Path, help="time the parsers of another checkout")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=120.0,
                        help="skip larger sizes once one takes longer than this (old quadratic code)")
    args = parser.parse_args()
    root = (args.checkout or Path(__file__).resolve().parent.parent).resolve()
    sys.path.insert(0, str(root))
    from scraper.config import Site
    from scraper.discover import is_release_url, parse_listing, parse_sitemap, release_language
    from scraper.urls import normalize_url

    site = Site(key="kz", base_url="https://kazakhstan.iom.int", languages={"en": "", "ru": "/ru", "kk": "/kk"})

    def read_entries(xml: bytes) -> int:
        entries, _ = parse_sitemap(xml)
        found = 0
        for entry in entries:
            url = normalize_url(entry.url)
            if is_release_url(site, url) and release_language(site, url):
                found += 1
        return found

    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"parsers of {root}")
    print(f"{'links':>7}  {'listing s':>10}  {'ratio':>6}  {'sitemap s':>10}  {'ratio':>6}  (linear ratio)")
    first: tuple[float, float] | None = None
    skip_listing = False
    for n in sizes:
        html, xml = listing_html(n), sitemap_xml(n)
        if skip_listing:
            listing = float("nan")
        else:
            page = parse_listing(html, "https://kazakhstan.iom.int/news", site, "en")
            assert len(page.items) == n, (len(page.items), n)
            listing = timed(lambda: parse_listing(html, "https://kazakhstan.iom.int/news", site, "en"),
                            1 if n > 2000 and args.checkout else args.repeat)
            skip_listing = listing > args.max_seconds
        assert read_entries(xml) == n
        sitemap = timed(lambda: read_entries(xml), args.repeat)
        first = first or (listing, sitemap)
        print(f"{n:>7}  {listing:>10.3f}  {listing / first[0]:>6.1f}  {sitemap:>10.3f}  {sitemap / first[1]:>6.1f}"
              f"  ({n / sizes[0]:.0f})")
    xml = sitemap_xml(50_000)
    tracemalloc.start()
    entries, _ = parse_sitemap(xml)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"sitemap of 50,000 URLs ({len(xml) / 1e6:.1f} MB): {len(entries)} entries, "
          f"peak memory while parsing {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
