"""Pages of other CMSs and IOM shapes (tests/fixtures/pages/pages.yaml), one per failure kind of issue 11:
each extracts, with no learned template and no config hint, exactly to its expected title, date,
dateline and body, and none of its furniture strings leaks into the body."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scraper.extract import extract

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
CASES = yaml.safe_load((PAGES / "pages.yaml").read_text(encoding="utf-8"))["pages"]


@pytest.fixture(scope="module")
def extracted():
    return {case["file"]: extract((PAGES / case["file"]).read_text(encoding="utf-8"), case["url"]) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case["file"].removesuffix(".html") for case in CASES])
def test_page_extracts_exactly(case, extracted):
    result = extracted[case["file"]]
    assert result.title == case["title"]
    assert result.body == case["body"]
    assert (result.published_date.isoformat() if result.published_date else None) == (
        str(case["date"]) if case["date"] else None)
    assert result.dateline == case["dateline"]
    assert not result.needs_review, result.review


@pytest.mark.parametrize("case", CASES, ids=[case["file"].removesuffix(".html") for case in CASES])
def test_page_furniture_does_not_leak(case, extracted):
    body = extracted[case["file"]].body + "\n"
    leaked = [text for text in case["leaks"] if text in body]
    assert not leaked


def test_the_pages_cover_cms_shapes_and_languages():
    assert {case["kind"] for case in CASES} >= {"wordpress", "ghost", "newspaper", "drupal", "static", "blog", "news"}
    assert {case["lang"] for case in CASES} >= {"en", "ru", "kk", "de"}
    assert all(case["failure"] and case["leaks"] for case in CASES)
    assert {path.name for path in PAGES.glob("*.html")} >= {case["file"] for case in CASES}
