"""The golden corpus: every fixture release page, in every template, extracts exactly to its golden text.

Each template folder is a complete rendering of the fixture site (see tests/fixtures/README.md).
Extraction runs without config hints, with the template learned from that folder's pages of the
same language, exactly as a run over that site would.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import pytest

from support.helpers import KAZAKHSTAN, expected_body, load_golden
from scraper.extract import extract
from scraper.extract.templates import learned_template, page_block_keys

GOLDEN = load_golden()
BASE = "http://127.0.0.1:8765"
FOLDERS = ["site", "legacy", "redesign", "paragraphs"]
CASES = [(folder, release) for folder in FOLDERS for release in GOLDEN["releases"]]


def page_html(folder: str, path: str) -> str:
    return (KAZAKHSTAN / folder / (path.strip("/") + ".html")).read_text(encoding="utf-8").replace("__BASE__", BASE)


@lru_cache(maxsize=None)
def template_for(folder: str, lang: str) -> frozenset[str]:
    counts: Counter = Counter()
    for release in GOLDEN["releases"]:
        if release["lang"] == lang:
            counts.update(page_block_keys(page_html(folder, release["path"])))
    return learned_template(dict(counts))


def case_id(case) -> str:
    folder, release = case
    return f"{folder}:{release['lang']}:{release['path'].rsplit('/', 1)[-1][:40]}"


@pytest.mark.parametrize("folder, release", CASES, ids=map(case_id, CASES))
def test_page_extracts_to_its_golden_text(folder, release):
    html = page_html(folder, release["path"])
    extracted = extract(html, BASE + release["path"], lang_hint=release["lang"],
                        template=template_for(folder, release["lang"]))
    assert extracted.title == release["title"]
    assert extracted.published_date is not None and extracted.published_date.isoformat() == str(release["date"])
    assert extracted.dateline == release.get("dateline")
    assert extracted.body == expected_body(release["body"])
    for text in GOLDEN["boilerplate"][release["lang"]]:
        assert text not in extracted.body, f"boilerplate {text!r} leaked"


def test_golden_corpus_covers_templates_and_languages():
    assert {r["template"] for r in GOLDEN["releases"]} >= {"current", "classic"}
    assert {r["lang"] for r in GOLDEN["releases"]} == {"en", "ru", "kk"}
    for folder in FOLDERS:
        assert (KAZAKHSTAN / folder).is_dir(), f"fixture template folder {folder} missing; run build_site.py"


def test_legitimate_who_we_are_sentence_survives():
    holders = [r for r in GOLDEN["releases"] if "who we are" in expected_body(r["body"]).lower()]
    assert holders, "the fixture must hold a release that legitimately says 'who we are'"
    for folder in FOLDERS:
        release = holders[0]
        extracted = extract(page_html(folder, release["path"]), BASE + release["path"], lang_hint=release["lang"],
                            template=template_for(folder, release["lang"]))
        assert "who we are" in extracted.body.lower()
