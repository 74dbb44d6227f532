"""Extraction bounds (scraper/extract/bounds.py) and the raw-markup depth estimate (scraper/text/markup.py)."""

from __future__ import annotations

import time

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.extract import ExtractionError, extract
from scraper.extract.bounds import MAX_DEPTH, MAX_ESTIMATED_DEPTH, parse_within_bounds, tree_depth
from scraper.text.markup import estimated_depth
from support.helpers import FIXTURES, KAZAKHSTAN

PAGES = sorted((KAZAKHSTAN / "site" / "news").glob("*.html"))


@pytest.mark.parametrize("html, depth", [
    ("<div>" * 50 + "</div>" * 50, 50),
    ("<p>a<p>b<p>c" * 400, 1),  # an open <p> is closed by the next
    ("<ul>" + "<li>x" * 2000, 2),
    ("<table>" + "<tr><td>a<td>b" * 1000, 3),
    ("<dl>" + "<dt>a<dd>b" * 1000, 2),
    ("<select>" + "<option>o" * 2000, 2),
    ("<a href=x>a" * 2000, 1),
    ("<div><span>unclosed</div>" * 2000, 2),  # an end tag closes what was left open inside it
    ("<br><img src=x><hr>" * 2000, 0),
    ("<svg>" + "<path d='M0 0'/>" * 3000 + "</svg>", 0),  # svg subtrees skipped (their self-closing tags close)
    ("<!-- <div><div><div> -->" * 1000 + "<script>" + "<div>" * 2000 + "</script>", 0),  # no tags inside
])
def test_estimated_depth_follows_what_the_parser_keeps_open(html, depth):
    assert estimated_depth(html, 5000) == depth


def test_estimated_depth_stops_past_the_limit_at_once():
    started = time.perf_counter()
    assert estimated_depth("<div>" * 2_000_000, 1024) == 1025
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("path", PAGES[:6], ids=lambda p: p.name[:40])
def test_real_pages_are_estimated_close_to_their_real_depth(path):
    html = path.read_text(encoding="utf-8") * 3  # enough tags for the estimate to run
    real = tree_depth(LexborHTMLParser(html).root, 10_000)
    assert abs(estimated_depth(html, 10_000) - real) <= 3, real
    assert real < 40


def _depth_by_recursion(node) -> int:
    """The depth of ``node``'s tree as the definition says: 1 + the deepest child (small trees only)."""
    depths = []
    child = node.child
    while child is not None:
        depths.append(1 + _depth_by_recursion(child))
        child = child.next
    return max(depths, default=0)


@pytest.mark.parametrize("html", [
    "<div><p>text</p></div>",
    "<div><p></p></div>",  # the deepest element is empty
    "<div><p><!-- a comment is a level too --></p></div>",
    "<div><span>a</span><div><div><b>deepest</b></div></div>text</div><p>x</p>",
    "<table><td><table><td>nested cells</table></table>",  # implied tbody and tr
    "<p><b><i>misnested</p>text after</i></b>",
    "<template><div><div>in a template</div></div></template>",
    "",
])
def test_tree_depth_is_the_depth_of_the_tree(html):
    root = LexborHTMLParser(html).root
    assert tree_depth(root, 1000) == _depth_by_recursion(root)


@pytest.mark.parametrize("path", PAGES[:6] + sorted((FIXTURES / "pages").glob("*.html"))[:6], ids=lambda p: p.name[:40])
def test_tree_depth_of_real_pages(path):
    root = LexborHTMLParser(path.read_text(encoding="utf-8")).root
    depth = _depth_by_recursion(root)
    assert tree_depth(root, 1000) == depth
    assert tree_depth(root, depth - 1) == depth  # just past the limit: stops there
    assert tree_depth(root, depth - 3) == depth - 2


@pytest.mark.parametrize("levels", [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
def test_tree_depth_at_the_bound(levels):
    """A text in ``levels`` nested <div>: body and html above them, the text below."""
    root = LexborHTMLParser("<div>" * levels + "x" + "</div>" * levels).root
    assert tree_depth(root, MAX_DEPTH) == min(levels + 2, MAX_DEPTH + 1)


def test_tree_depth_needs_no_recursion():
    tree = LexborHTMLParser("<b>" * 5000 + "x")
    assert tree_depth(tree.root, 100_000) > 5000
    assert tree_depth(tree.root, 300) == 301  # stops once past the limit


@pytest.mark.parametrize("html, bound", [
    ("<html><body>" + "<div>" * 30_000 + "</body></html>", f"more than {MAX_ESTIMATED_DEPTH} elements"),
    ("<html><body>" + "<div>" * 2000 + "</body></html>", f"more than {MAX_DEPTH} levels"),  # small: parsed, then measured
    ("<html><body><p>" + "<b>x" * (MAX_DEPTH + 10) + "</body></html>", f"more than {MAX_DEPTH} levels"),
    ("<html><body>" + "x" * 20_000_001 + "</body></html>", "page too large to extract"),
])
def test_pages_outside_the_bounds_are_refused_with_the_bound(html, bound):
    with pytest.raises(ExtractionError, match="page (nested too deeply|too large)") as refused:
        parse_within_bounds(html)
    assert bound in str(refused.value)
    with pytest.raises(ExtractionError):
        extract(html, "https://kazakhstan.iom.int/news/x", "en")


def test_fixture_pages_are_within_the_bounds():
    for path in PAGES:
        parse_within_bounds(path.read_text(encoding="utf-8"))
