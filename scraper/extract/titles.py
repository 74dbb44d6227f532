"""The page's title as the page states it (``og:title``, ``<title>``), and which ``<h1>`` says it.

Used to protect the title heading and its ancestors from boilerplate rules
(:mod:`scraper.extract.boilerplate`) and to tell the article's own ``<h1>`` from a site name, a
section label or another story's headline (:mod:`scraper.extract.content`).
"""

from __future__ import annotations

import functools

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import clean


def page_titles(tree: LexborHTMLParser) -> tuple[str, ...]:
    """The page's own statements of its title: ``og:title``, ``twitter:title``, ``<title>``."""
    head = tree.head
    if head is None:
        return ()
    found = [node.text() if node.tag == "title" else node.attributes.get("content") or ""
             for node in head.css("title, meta[property='og:title'][content], meta[name='twitter:title'][content]")]
    return tuple(text for text in (clean.normalize_space(t) for t in found) if text)


def title_heading(headings: list[LexborNode], titles: tuple[str, ...], min_words: int = 2) -> LexborNode | None:
    """The ``<h1>`` among ``headings`` that says the page's title, or None.

    A heading says a title when its words are a run of the title's words or the other way round
    ("Storm closes the harbour" in "Storm closes the harbour | Daily News"). Headings and titles of
    fewer than ``min_words`` words (a site name, a section label such as "News") are not used: a
    one-word ``<h1>`` equal to a one-word page title says nothing about where the article is. Of
    several headings, the one sharing the most words with a title wins (the first on a tie).
    """
    if not headings or not titles:
        return None
    index = _title_index(tuple(heading.text(deep=True, separator=" ") for heading in headings), tuple(titles),
                         min_words)
    return None if index is None else headings[index]


@functools.lru_cache(maxsize=1024)
def _title_index(headings: tuple[str, ...], titles: tuple[str, ...], min_words: int) -> int | None:
    """:func:`title_heading` on the texts (the same page asks twice: boilerplate, then content)."""
    wanted = [(f" {' '.join(words)} ", len(words)) for words in (clean.words(title) for title in titles)
              if len(words) >= min_words]
    if not wanted:
        return None
    best, best_shared = None, 0
    for index, heading in enumerate(headings):
        words = clean.words(heading)
        if len(words) < min_words:
            continue
        said = f" {' '.join(words)} "
        shared = max((min(len(words), length) for title, length in wanted if said in title or title in said), default=0)
        if shared > best_shared:
            best, best_shared = index, shared
    return best
