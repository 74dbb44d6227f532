"""Extraction bounds (scraper/extract/bounds.py) and the raw-markup depth estimate (scraper/text/markup.py)."""

from __future__ import annotations

import time

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.extract import ExtractionError, extract
from scraper.extract.bounds import MAX_DEPTH, MAX_ESTIMATED_DEPTH, parse_within_bounds, tree_depth
from scraper.text.markup import estimated_depth
from support.helpers import KAZAKHSTAN

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
