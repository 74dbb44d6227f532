"""News listing pages: release links with their teaser dates, and the Drupal pager (``?page=N``).

:func:`parse_listing` is pure and linear in the size of the page; :func:`walk_listing` fetches,
newest page first, and stops at the first page whose dated releases are all older than ``since``
(or, on incremental runs, all archived already). A listing page that cannot be read is a failure
of that page only (``Failure`` of kind ``listing``, retried by later runs from that page): the walk
of that language stops there, and the other languages, the sitemap and hreflang links go on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Callable
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.config import Site
from scraper.discover.rules import Candidate, Failure, is_release_url, record_failure, release_language
from scraper.fetch import FetchError, Fetcher, RobotsDisallowed, RobotsUnreachable
from scraper.text.dates import parse_date
from scraper.text.markup import estimated_depth
from scraper.urls import normalize_url

log = logging.getLogger("scraper.discover")

#: A listing page whose markup nests deeper than this is not parsed (the parser's time grows with
#: the square of the depth; real listings nest 15 to 40 deep).
MAX_LISTING_DEPTH = 1024


@dataclass(frozen=True)
class ListingPage:
    items: list[Candidate]
    next_url: str | None


@dataclass
class ListingWalk:
    """What walking one language's listing gave: release URLs, and how far it got."""

    candidates: list[Candidate] = field(default_factory=list)
    pages_read: int = 0
    disallowed: bool = False  # robots.txt does not let us read its first page


def parse_listing(html: str, page_url: str, site: Site, lang: str) -> ListingPage:
    """Release links on one listing page, each with the date shown in its teaser, and the next page.

    A link's teaser is the largest element around it that links to no other release. It is found
    in one pass over the page: every release link marks its ancestors with its URL (an ancestor
    reached by two different URLs is marked "several", and so are all of its own ancestors), each
    element changing mark at most twice, so the work is linear in the page, not in links x page.
    """
    tree = LexborHTMLParser(html)
    resolved: dict[str, str | None] = {}  # href as written -> the release URL it names, else None
    release_links: list[tuple[LexborNode, str]] = []
    for anchor in tree.css("a[href]"):
        href = anchor.attributes.get("href") or ""
        if href not in resolved:
            url = normalize_url(urljoin(page_url, href))
            resolved[href] = url if is_release_url(site, url) else None
        if resolved[href] is not None:
            release_links.append((anchor, resolved[href]))
    marks = _ancestor_marks(release_links)
    found: dict[str, Candidate] = {}
    for anchor, url in release_links:
        if url in found or release_language(site, url) != lang:
            continue
        teaser = _teaser_of(anchor, url, marks)
        found[url] = Candidate(url=url, lang=lang, listed_date=_teaser_date(teaser, lang))
    return ListingPage(items=list(found.values()), next_url=_next_page(tree, page_url))


_SEVERAL = None  # the mark of an element whose subtree links to more than one release


def _ancestor_marks(release_links: list[tuple[LexborNode, str]]) -> dict[int, str | None]:
    """For every element above a release link (below ``<body>``): the one release URL its subtree
    links to, or :data:`_SEVERAL`. Keyed by the element's ``mem_id``."""
    marks: dict[int, str | None] = {}
    for anchor, url in release_links:
        node = anchor.parent
        while node is not None and node.tag not in ("body", "html"):
            key = node.mem_id
            if key not in marks:
                marks[key] = url
            elif marks[key] == url or marks[key] is _SEVERAL:
                break  # climbed from here before: everything above is marked already
            else:
                marks[key] = _SEVERAL  # and so must be every element above it
            node = node.parent
    return marks


def _teaser_of(anchor: LexborNode, url: str, marks: dict[int, str | None]) -> LexborNode:
    """The largest ancestor of ``anchor`` that links to no other release: its teaser box."""
    teaser = anchor
    node = anchor.parent
    while node is not None and node.tag not in ("body", "html") and marks.get(node.mem_id) == url:
        teaser = node
        node = node.parent
    return teaser


def _teaser_date(teaser: LexborNode, lang: str) -> date | None:
    for time_node in teaser.css("time"):
        value = time_node.attributes.get("datetime") or time_node.text(strip=True)
        parsed = parse_date(value or "", lang)
        if parsed:
            return parsed
    for node in teaser.css("[class*=date], span, div"):
        text = node.text(deep=True, strip=True)
        if 6 <= len(text) <= 40:
            parsed = parse_date(text, lang)
            if parsed:
                return parsed
    return None


def _next_page(tree: LexborHTMLParser, page_url: str) -> str | None:
    for selector in ("a[rel=next]", ".pager__item--next a", "li.next a", ".pager-next a"):
        node = tree.css_first(selector)
        if node is not None and node.attributes.get("href"):
            return urljoin(page_url, node.attributes["href"])
    return None


def walk_listing(
    fetcher: Fetcher, site: Site, lang: str, since: date | None, known: Callable[[str], bool] | None = None,
    failures: list[Failure] | None = None, start: str | None = None, seen_pages: set[str] | None = None,
    is_new: Callable[[str], bool] | None = None,
) -> ListingWalk:
    """Follow the news listing of one language until releases older than ``since`` (or all known).

    ``since`` bounds how far the walk goes; the releases it read that are dated before ``since``
    are left out, except, with ``is_new`` (a run without ``--since``), those never seen before: a
    release put online after the date it carries is collected all the same.

    ``start`` resumes a walk at a listing page that failed in an earlier run; ``seen_pages`` (shared
    by such walks) keeps two of them from reading the same page twice. A page that cannot be
    read ends the walk and is appended to ``failures`` (the first page answering 404 included: the
    listing is missing; a later page answering 404 is the pager going past the end), except a page
    robots.txt disallows, which is the site's choice and only logged.
    """
    url: str | None = start or site.language_root(lang) + site.news_path
    walk = ListingWalk()
    seen_pages = set() if seen_pages is None else seen_pages
    for page_number in range(site.max_listing_pages):
        if url is None or url in seen_pages:
            break
        seen_pages.add(url)
        later = "; later listing pages not read" if page_number or start else \
            f"; the {lang} releases come from the sitemap and hreflang links only"
        try:
            response = fetcher.get_kept(url)
        except RobotsDisallowed as exc:
            if isinstance(exc, RobotsUnreachable):  # not the site's choice: a failure, retried next run
                record_failure(failures, url, f"listing page not read ({exc.cause}){later}", "listing", lang,
                               exc.cause, since)
                break
            log.warning("listing page %s not read: %s", url, exc.cause)
            walk.disallowed = page_number == 0
            break
        except FetchError as exc:
            log.warning("listing page %s could not be fetched; stopping this listing", url)
            record_failure(failures, url, f"listing page not read ({exc.cause}){later}", "listing", lang,
                           exc.cause, since)
            break
        problem = _unexpected(response.status, response.content_type) \
            if response.status != 200 or not response.is_html else None
        if problem is None:
            text = response.text
            if estimated_depth(text, MAX_LISTING_DEPTH) > MAX_LISTING_DEPTH:
                problem = f"nested more than {MAX_LISTING_DEPTH} elements deep; not parsed"
        if problem is not None:
            log.warning("listing page %s: %s; stopping", url, problem)
            if page_number == 0 or response.status not in (404, 410):  # a pager past the end is no failure
                record_failure(failures, url, f"listing page not read ({problem}){later}", "listing", lang,
                               problem, since)
            break
        page = parse_listing(text, response.url, site, lang)
        walk.pages_read += 1
        walk.candidates.extend(page.items)
        if not page.items:
            break
        if since and all(item.listed_date and item.listed_date < since for item in page.items):
            log.info("%s: every release on the page is older than %s; stop paging", url, since)
            break
        if known is not None and all(known(item.url) for item in page.items):
            log.info("%s: every release on the page is already archived; stop paging", url)
            break
        url = page.next_url
    walk.candidates = [item for item in walk.candidates
                       if not (since and item.listed_date and item.listed_date < since)
                       or (is_new is not None and is_new(item.url))]
    return walk


def _unexpected(status: int, content_type: str) -> str:
    if status == 200:
        return f"expected an HTML page, got {content_type or 'no content type'}"
    if status == 403:
        return "HTTP 403 Forbidden: the site's firewall may be blocking this user agent; check user_agent in the config"
    return f"HTTP {status}"
