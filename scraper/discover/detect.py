"""Work out a new site's config entry from what it serves (``scrape sites add``).

Read in this order, each step from what the previous one found: the home page (its languages:
hreflang links, else the language switcher, else two-letter path prefixes linked from it), the
robots.txt (a ``Sitemap:`` line), the news listing of the first language (the linked path most
other links continue, e.g. ``/news`` for ``/news/<slug>``), its pagination (Drupal's ``?page=N``),
the sitemap (``/sitemap.xml`` when robots.txt names none) and the release URL pattern (the listing's
links under the news path). What could not be found is listed with the config key to set by hand.

The parsing steps are pure functions of the page text; :func:`detect_site` does the requests.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper.fetch import FetchError, Fetcher

LANG_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z]{2,4})?")
PREFIX = re.compile(r"^/([a-z]{2,3}(?:-[A-Za-z]{2,4})?)(?=/|$)")
DEFAULT_PATTERN = r"^/({news}/[^/]+|node/\d+)/?$"
NEWS_WORDS = ("news", "press-releases", "press-release", "media", "stories", "novosti", "zhanalyktar")


@dataclass
class Detected:
    """What was found, ready for config.yaml, and what was not (``missing``: problem -> key to set)."""

    base_url: str
    languages: dict[str, str] = field(default_factory=dict)
    languages_from: str = ""
    news_path: str | None = None
    paged: bool = False
    sitemap: str | None = None
    sitemap_from: str = ""
    release_pattern: str | None = None
    releases_seen: int = 0
    template: str = "unknown"
    missing: list[tuple[str, str]] = field(default_factory=list)

    def entry(self, key: str) -> dict:
        entry = {"key": key, "base_url": self.base_url, "languages": dict(self.languages),
                 "news_path": self.news_path, "sitemap": self.sitemap}
        if self.release_pattern and self.release_pattern != DEFAULT_PATTERN.format(news="news"):
            entry["release_pattern"] = self.release_pattern
        return entry


def _paths(html: str, page_url: str, host: str) -> list[str]:
    """The site-local paths of the page's links (no query, no fragment, no trailing slash)."""
    paths = []
    for anchor in LexborHTMLParser(html).css("a[href]"):
        url = urlsplit(urljoin(page_url, anchor.attributes.get("href") or ""))
        if url.netloc.lower() == host and url.scheme in ("http", "https"):
            paths.append(url.path.rstrip("/") or "/")
    return paths


def languages_from_page(html: str, page_url: str) -> tuple[dict[str, str], str]:
    """Language code -> path prefix ("" at the root), and where they were read."""
    tree = LexborHTMLParser(html)
    host = urlsplit(page_url).netloc.lower()
    for selector, source in (("link[rel=alternate][hreflang]", "hreflang links"),
                             ("a[hreflang]", "the language switcher"),
                             (".language-switcher a[lang], .links a[lang], a.language-link[lang]", "the language switcher")):
        found: dict[str, str] = {}
        for node in tree.css(selector):
            lang = (node.attributes.get("hreflang") or node.attributes.get("lang") or "").strip()
            href = node.attributes.get("href") or ""
            if not LANG_CODE.fullmatch(lang) or not href:
                continue
            url = urlsplit(urljoin(page_url, href))
            if url.netloc.lower() != host:
                continue
            match = PREFIX.match(url.path)
            found.setdefault(lang, f"/{match.group(1)}" if match and match.group(1) == lang else "")
        if found:
            return found, source
    counts = Counter(m.group(1) for path in _paths(html, page_url, host) if (m := PREFIX.match(path)))
    prefixes = {code: f"/{code}" for code, n in counts.items() if n >= 3}
    if prefixes:
        lang = tree.css_first("html")
        root = (lang.attributes.get("lang") or "").split("-")[0] if lang is not None else ""
        if root and root not in prefixes:
            prefixes = {root: "", **prefixes}
        return prefixes, "path prefixes of the home page's links"
    return {}, ""


def news_path_from_page(html: str, page_url: str, prefix: str) -> str | None:
    """The linked path that most other links of the page continue (``/news`` for ``/news/<slug>``),
    relative to the language ``prefix``; news-like words break ties."""
    host = urlsplit(page_url).netloc.lower()
    paths = [p[len(prefix):] or "/" for p in _paths(html, page_url, host) if not prefix or p.startswith(prefix)]
    linked = set(paths)
    scores = Counter()
    for path in paths:
        parts = path.strip("/").split("/")
        if len(parts) >= 2:
            parent = "/" + "/".join(parts[:-1])
            if parent in linked:
                scores[parent] += 1
    if not scores:
        return next((f"/{word}" for word in NEWS_WORDS if f"/{word}" in linked), None)
    return max(scores, key=lambda p: (scores[p] + (0.5 if p.strip("/").split("/")[-1] in NEWS_WORDS else 0), -len(p)))


def is_paged(html: str) -> bool:
    return bool(re.search(r"""href=["'][^"']*[?&](amp;)?page=\d""", html))


def release_links(html: str, page_url: str, prefix: str, news_path: str) -> list[str]:
    host = urlsplit(page_url).netloc.lower()
    pattern = re.compile(DEFAULT_PATTERN.format(news=re.escape(news_path.strip("/"))))
    paths = [p[len(prefix):] for p in _paths(html, page_url, host) if not prefix or p.startswith(prefix + "/")]
    return sorted({p for p in paths if pattern.match(p)})


def sitemap_from_robots(text: str, base_url: str) -> str | None:
    host = urlsplit(base_url).netloc.lower()
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and value.strip():
            url = urlsplit(urljoin(base_url, value.strip()))
            if url.netloc.lower() == host:
                return url.path
    return None


def known_template(html: str) -> str:
    """Which IOM template a release page is (the body container the extractor knows), or "unknown"."""
    tree = LexborHTMLParser(html)
    for selector, name in ((".field--name-body", "Drupal 9/10 IOM theme (field--name-body)"),
                           (".paragraph--type--text", "Drupal Paragraphs"),
                           (".field-name-body", "Drupal 7 (field-name-body)"),
                           ("article", "generic article")):
        if tree.css_first(selector) is not None:
            return name
    return "unknown"


def detect_site(fetcher: Fetcher, base_url: str) -> Detected:
    """Read the home page, robots.txt, the news listing, the sitemap and one release of ``base_url``."""
    base_url = base_url.rstrip("/")
    found = Detected(base_url=base_url)
    try:
        home = fetcher.get(base_url + "/")
    except FetchError as exc:
        found.missing.append((f"the home page could not be read ({exc.cause})", "base_url"))
        return found
    if home.status != 200 or not home.is_html:
        found.missing.append((f"the home page answered HTTP {home.status}", "base_url"))
        return found
    found.languages, found.languages_from = languages_from_page(home.text, home.url)
    if not found.languages:
        found.missing.append(("no languages (no hreflang links, language switcher or language prefixes)", "languages"))
        return found
    try:
        robots = fetcher.get(base_url + "/robots.txt")
        if robots.status == 200:
            found.sitemap = sitemap_from_robots(robots.text, base_url)
            found.sitemap_from = "robots.txt" if found.sitemap else ""
    except FetchError:
        pass
    if found.sitemap is None:
        try:
            response = fetcher.get(base_url + "/sitemap.xml", max_bytes=50_000_000)
            if response.status == 200 and re.search(rb"<(urlset|sitemapindex)\b", response.content[:4096]):
                found.sitemap, found.sitemap_from = "/sitemap.xml", "/sitemap.xml answered"
        except FetchError:
            pass
    lang, prefix = next(iter(found.languages.items()))
    root_page = home if not prefix else _get(fetcher, base_url + prefix)
    found.news_path = news_path_from_page(root_page.text, root_page.url, prefix) if root_page else None
    if not found.news_path:
        found.missing.append((f"no news listing linked from the {lang} home page", "news_path"))
        return found
    listing = _get(fetcher, base_url + prefix + found.news_path)
    if listing is None:
        found.missing.append((f"the news listing {base_url + prefix + found.news_path} could not be read", "news_path"))
        found.news_path = None
        return found
    found.paged = is_paged(listing.text)
    links = release_links(listing.text, listing.url, prefix, found.news_path)
    found.releases_seen = len(links)
    if not links:
        found.missing.append((f"no release links under {found.news_path}/ on the listing", "release_pattern"))
        return found
    found.release_pattern = DEFAULT_PATTERN.format(news=re.escape(found.news_path.strip("/")))
    release = _get(fetcher, base_url + prefix + links[0])
    if release is not None:
        found.template = known_template(release.text)
    return found


def _get(fetcher: Fetcher, url: str):
    try:
        response = fetcher.get(url)
    except FetchError:
        return None
    return response if response.status == 200 and response.is_html else None
