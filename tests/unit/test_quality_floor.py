"""The quality floor: token recall and F1 of every page of the golden corpus and of the pages of other
CMSs, page by page, so that a regression on any one page fails CI (scores as in
benchmarks/extraction_vs_trafilatura.py, tests/support/quality.py).

- Golden releases, as a run extracts them (the template learned from their folder): recall and F1 at
  least :data:`FLOOR` on every page, no boilerplate string in any body.
- The same pages with no learned template (structure only): recall at least :data:`FLOOR` everywhere;
  F1 at least :data:`FLOOR` except in ``redesign/``, the theme built to defeat structural rules
  (its chrome goes only with the learned template), whose floor is :data:`REDESIGN_STRUCTURE_F1`.
- The pages of other CMSs, structure only (no template could be learned from one page): recall and
  F1 at least :data:`FLOOR`, no furniture string.
"""

from __future__ import annotations

import pytest

from support.quality import Score, golden_pages, run, score, shape_pages
from scraper.extract import extract

FLOOR = 0.99
REDESIGN_STRUCTURE_F1 = 0.35
CORPUS_F1 = 0.999


def learned(page) -> str:
    return extract(page.html, page.url, lang_hint=page.lang, template=page.template).body


def structure_only(page) -> str:
    return extract(page.html, page.url, lang_hint=page.lang).body


GOLDEN = golden_pages()
SHAPES = shape_pages()


@pytest.mark.parametrize("page", GOLDEN, ids=[page.name for page in GOLDEN])
def test_golden_page_as_a_run_extracts_it(page):
    result = Score().add(learned(page), page)
    assert result.recall >= FLOOR and result.f1 >= FLOOR and result.leaks == 0, (result.recall, result.f1, result.leaks)


@pytest.mark.parametrize("page", GOLDEN, ids=[page.name for page in GOLDEN])
def test_golden_page_structure_only(page):
    result = Score().add(structure_only(page), page)
    floor = REDESIGN_STRUCTURE_F1 if page.group == "redesign" else FLOOR
    assert result.recall >= FLOOR and result.f1 >= floor, (result.recall, result.f1)


@pytest.mark.parametrize("page", SHAPES, ids=[page.name for page in SHAPES])
def test_page_of_another_cms(page):
    result = Score().add(structure_only(page), page)
    assert result.recall >= FLOOR and result.f1 >= FLOOR and result.leaks == 0, (result.recall, result.f1, result.leaks)


def test_corpus_floor():
    assert score(run(learned, GOLDEN)).f1 >= CORPUS_F1
    assert score(run(structure_only, SHAPES)).f1 >= CORPUS_F1
