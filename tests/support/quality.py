"""Extraction quality, measured the same way by the quality-floor test and the benchmark: the pages
with their expected text, and token-level precision, recall and F1 of an extracted body.

Corpora:

- :func:`golden_pages`: every release of tests/fixtures/kazakhstan/releases.yaml in every template
  folder (site, legacy, redesign, paragraphs), with the boilerplate strings of its language;
- :func:`shape_pages`: the hand-written pages of other CMSs (tests/fixtures/pages/pages.yaml), with
  their furniture strings.

Tokens are ``\\w+`` runs, case-folded; precision and recall count tokens with multiplicity (a
paragraph extracted twice lowers precision).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from scraper.extract.templates import learned_template, page_block_keys
from support.helpers import FIXTURES, KAZAKHSTAN, expected_body, load_golden

BASE = "http://127.0.0.1:8765"
GOLDEN_FOLDERS = ("site", "legacy", "redesign", "paragraphs")
SHAPES = FIXTURES / "pages"
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    """One page of a corpus: where it is, what it must extract to, what must not leak into it."""

    name: str
    group: str  # the template folder (golden) or the CMS kind (shapes)
    url: str
    lang: str
    html: str
    expected: str
    leaks: tuple[str, ...]
    template: frozenset[str] = field(default=frozenset(), repr=False)  # learned from the page's folder


@lru_cache(maxsize=None)
def golden_pages() -> tuple[Page, ...]:
    golden = load_golden()
    pages = []
    for folder in GOLDEN_FOLDERS:
        counts: dict[str, Counter] = {}
        rendered = []
        for release in golden["releases"]:
            html = (KAZAKHSTAN / folder / (release["path"].strip("/") + ".html")).read_text(encoding="utf-8")
            html = html.replace("__BASE__", BASE)
            counts.setdefault(release["lang"], Counter()).update(page_block_keys(html))
            rendered.append((release, html))
        for release, html in rendered:
            pages.append(Page(
                name=f"{folder}:{release['lang']}:{release['path'].rsplit('/', 1)[-1][:40]}", group=folder,
                url=BASE + release["path"], lang=release["lang"], html=html, expected=expected_body(release["body"]),
                leaks=tuple(golden["boilerplate"][release["lang"]]),
                template=learned_template(dict(counts[release["lang"]])),
            ))
    return tuple(pages)


@lru_cache(maxsize=None)
def shape_pages() -> tuple[Page, ...]:
    cases = yaml.safe_load((SHAPES / "pages.yaml").read_text(encoding="utf-8"))["pages"]
    return tuple(Page(name=case["file"].removesuffix(".html"), group=case["kind"], url=case["url"], lang=case["lang"],
                      html=(SHAPES / case["file"]).read_text(encoding="utf-8"), expected=case["body"],
                      leaks=tuple(case["leaks"]))
                 for case in cases)


def tokens(text: str) -> Counter:
    return Counter(_TOKEN.findall(text.casefold()))


@dataclass
class Score:
    """Token counts of one or more pages; precision, recall and F1 micro-averaged over them."""

    true_positive: int = 0
    extracted: int = 0
    expected: int = 0
    pages: int = 0
    leaky_pages: int = 0
    leaks: int = 0

    def add(self, body: str, page: Page) -> "Score":
        got, want = tokens(body), tokens(page.expected)
        self.true_positive += sum((got & want).values())
        self.extracted += sum(got.values())
        self.expected += sum(want.values())
        found = [text for text in page.leaks if text in body + "\n"]
        self.pages += 1
        self.leaky_pages += bool(found)
        self.leaks += len(found)
        return self

    @property
    def precision(self) -> float:
        return self.true_positive / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(bodies: Iterable[tuple[Page, str]]) -> Score:
    total = Score()
    for page, body in bodies:
        total.add(body, page)
    return total


def by_group(bodies: Iterable[tuple[Page, str]]) -> dict[str, Score]:
    groups: dict[str, Score] = {}
    for page, body in bodies:
        groups.setdefault(page.group, Score()).add(body, page)
    return groups


def run(extractor: Callable[[Page], str], pages: Iterable[Page]) -> list[tuple[Page, str]]:
    """``(page, body)`` for every page; a page the extractor raises on has an empty body."""
    out = []
    for page in pages:
        try:
            body = extractor(page)
        except Exception:  # noqa: BLE001 - an extractor that fails on a page scores 0 there
            body = ""
        out.append((page, body or ""))
    return out
