"""The real Datasette UI in headless Chromium (Playwright driving Debian's `chromium`), as a researcher
uses it: search in Russian and Kazakh from the home page, open a result, follow a translation,
download every matching row as CSV. Skipped, with the reason, where no browser is installed."""

from __future__ import annotations

import csv
import io
import re

import pytest

from support.browser import VIEWPORT, NoBrowser, ScrapeServe, archive_of_the_fixture_site, launch_chromium
from support.helpers import expected_body, load_golden

GOLDEN = load_golden()["releases"]


@pytest.fixture(scope="module")
def browser():
    try:
        with launch_chromium() as launched:
            yield launched
    except NoBrowser as reason:
        pytest.skip(f"no browser for the browser tests: {reason}")


@pytest.fixture(scope="module")
def served(tmp_path_factory, browser):
    archive = archive_of_the_fixture_site(tmp_path_factory.mktemp("browser"))
    with ScrapeServe(archive) as server:
        yield server


@pytest.fixture
def page(browser, served):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    opened = context.new_page()
    yield opened
    context.close()


def search_from_home(page, served, words: str):
    page.goto(served.url("/"))
    page.fill("form.iom-home-search input[name=_search]", words)
    page.click("form.iom-home-search input[type=submit]")
    page.wait_for_selector("ol.iom-results, p.zero-results")


def test_search_in_russian_finds_other_word_forms_and_marks_them(page, served):
    search_from_home(page, served, "миграция")
    results = page.locator("li.iom-result")
    assert results.count() > 0
    marked = [text.lower() for text in page.locator("li.iom-result mark").all_inner_texts()]
    assert marked and all(word.startswith("миграци") for word in marked)
    assert any(word != "миграция" for word in marked)  # миграции, миграцию: other forms found
    first = results.first.bounding_box()
    assert first["y"] < VIEWPORT["height"], "the first result is below the first screen"
    assert page.locator("#_search").input_value() == "миграция"


def test_search_in_kazakh_opens_a_release_and_follows_a_translation(page, served):
    search_from_home(page, served, "көші-қон")
    results = page.locator("li.iom-result")
    assert results.count() > 0
    assert set(page.locator("li.iom-result").evaluate_all("els => els.map(e => e.lang)")) == {"kk"}
    with_translation = page.locator("li.iom-result:has(.iom-others a)").first
    title = with_translation.locator(".iom-title a").inner_text()
    with_translation.locator(".iom-title a").click()
    page.wait_for_selector("article.release h1")
    assert page.locator("article.release h1").inner_text() == title
    release = next(r for r in GOLDEN if r["title"] == title)
    assert expected_body(release["body"]).split("\n\n")[0] in page.locator("article.release .body").inner_text()
    link = page.locator("ul.translations a[hreflang=ru], ul.translations a[hreflang=en]").first
    other_lang = link.get_attribute("hreflang")
    link.click()
    page.wait_for_selector("article.release h1")
    other = next(r for r in GOLDEN if r["node"] == release["node"] and r["lang"] == other_lang)
    assert page.locator("article.release h1").inner_text() == other["title"]
    assert page.locator("article.release").get_attribute("lang") == other_lang
    bullets = page.locator("article.release .body ul").first
    if bullets.count():
        assert bullets.evaluate("el => getComputedStyle(el).listStyleType") == "disc"


def test_download_every_matching_row_as_csv_for_excel(page, served):
    page.goto(served.url("/archive/releases?lang=ru&_size=2"))  # two rows a page: the CSV still has all
    with page.expect_download() as download_info:
        page.click("p.iom-export a:text('CSV for Excel')")
    download = download_info.value
    data = open(download.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf") and download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == sum(r["lang"] == "ru" for r in GOLDEN) and {row["lang"] for row in rows} == {"ru"}
    assert all(re.search("[а-я]", row["title"], re.I) for row in rows)


def test_exact_forms_and_grouping_are_one_click_away(page, served):
    page.goto(served.url("/archive/releases?_search=мигрантам"))
    everything = page.locator("li.iom-result").count()
    page.click("p.iom-tools a:text('Group language versions')")
    page.wait_for_selector("ol.iom-results")
    assert page.locator("li.iom-result").count() < everything
    page.click("p.iom-tools a:text('Exact word forms only')")
    page.wait_for_selector("ol.iom-results, p.zero-results")
    marked = {text.lower() for text in page.locator("li.iom-result mark").all_inner_texts()}
    assert marked <= {"мигрантам"}
