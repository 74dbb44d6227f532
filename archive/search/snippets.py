"""A few lines of a release around the words a search matched, those words marked with ``<mark>``.

Highlighting works on the original text (the stemmed index holds only stems): a word is marked when
its stem, for the release's language, is one the query asked for (:func:`archive.search.query.term_variants`),
or when it starts with a prefix the query gave; in exact-form mode, when it is a word the query
named. Everything else is escaped.

The text is split once, in C, into separators and words; which words match is worked out for
all of them at once (their stems from the stemmers' per-language cache, set lookups and
``str.startswith`` mapped in C), then only the ~45 words shown are assembled in Python.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape as html_escape
from itertools import repeat

from markupsafe import Markup

from archive.search.query import DEFAULT_LANGS, exact_words, parse, term_variants
from archive.search.stemmers import TOKEN, normalise, stem_token, token_stems

BEFORE, AFTER = 12, 30  # words shown before the first match and after it
SPLIT = re.compile(f"({TOKEN.pattern})")  # separators and words, alternating: [sep, word, sep, word, …, sep]
_escape = lru_cache(maxsize=4096)(html_escape)  # of separators: mostly " ", ", ", ". " again and again


class Matcher:
    """Which words of a release of ``lang`` a search matched."""

    def __init__(self, search: str, lang: str, exact: bool = False):
        self._known: dict[tuple[str, bool], bool] = {}  # what matches() said of a token: bodies repeat words
        self.words: set[str] = set()
        self.prefixes: set[str] = set()
        self.exact = exact
        self.lang = lang or ""
        if exact:
            for word in exact_words(search):
                self.words.add(word)
            self.prefixes = {normalise(part.rstrip("*")) for part in search.split() if part.endswith("*")}
            return
        for term in parse(search).positive_terms():
            for stems, prefix in term_variants(term, (self.lang,) if self.lang else DEFAULT_LANGS):
                *whole, last = stems
                self.words.update(whole)
                (self.prefixes if prefix else self.words).add(last)

    def __bool__(self) -> bool:
        return bool(self.words or self.prefixes)

    def matches(self, token: str, after_hyphen: bool = False) -> bool:
        key = (token, after_hyphen)
        known = self._known.get(key)
        if known is None:
            if len(self._known) > 100_000:
                self._known.clear()
            known = self._known[key] = self._matches(token, after_hyphen)
        return known

    def candidates(self, words: list[str]) -> "Candidates":
        """Which normalised words (``normalise``) match when not written after a hyphen (the same
        answer as :meth:`matches` with ``after_hyphen=False``), worked out for all of them in C."""
        lists = [list(map(self.words.__contains__, words))]
        if not self.exact:
            stems = token_stems(words, self.lang)
            lists.append(list(map(self.words.__contains__, stems)))
        prefixes = tuple(prefix for prefix in self.prefixes if prefix)
        if prefixes:
            lists.append(list(map(str.startswith, words, repeat(prefixes))))
            if not self.exact:
                lists.append(list(map(str.startswith, stems, repeat(prefixes))))
        return Candidates(lists)

    def _matches(self, token: str, after_hyphen: bool) -> bool:
        token = normalise(token)
        if self.exact:
            forms = (token,)
        else:
            forms = (token, stem_token(token, self.lang, after_hyphen) or "")
        return any(form in self.words for form in forms) or any(
            form.startswith(prefix) for form in forms for prefix in self.prefixes if prefix)


class Candidates:
    """The words that may match, as lists of booleans (one per way to match: the word, its stem, a prefix
    of either): each is searched with ``list.index``, in C, rather than combined word by word."""

    def __init__(self, lists: list[list[bool]]):
        self.lists = lists

    def next(self, start: int, stop: int) -> int | None:
        """The first candidate at ``start`` or after, before ``stop``; else None."""
        found = None
        for hits in self.lists:
            try:
                found = hits.index(True, start, stop if found is None else found)
            except ValueError:
                continue
        return found


@lru_cache(maxsize=256)
def matcher(search: str, lang: str, exact: bool) -> Matcher:
    """The :class:`Matcher` of a search, shared by the results of a page (and by the next pages)."""
    return Matcher(search, lang, exact)


def snippet(text: str | None, lang: str, search: str = "", exact: bool = False, words: int = BEFORE + AFTER) -> Markup:
    """About ``words`` words of ``text`` from a little before the first match (else from the start)."""
    parts = SPLIT.split(text or "")
    tokens = parts[1::2]  # token i is parts[2i + 1], the separator before it parts[2i]
    if not tokens:
        return Markup("")
    marker = matcher(search, lang or "", exact) if search else None
    first, marked = None, []
    if marker:
        candidates = marker.candidates(normalise(" ".join(tokens)).split(" "))

        def is_marked(index: int) -> bool:  # a word written after a hyphen: checked again (Kazakh endings)
            return not parts[2 * index].endswith("-") or marker.matches(tokens[index], True)

        candidate = candidates.next(0, len(tokens))
        while candidate is not None and not is_marked(candidate):
            candidate = candidates.next(candidate + 1, len(tokens))
        first = candidate
    start = max(0, first - BEFORE) if first is not None else 0
    end = min(len(tokens), start + words)
    if first is not None and first < end:  # (a window of fewer than BEFORE words may stop before it)
        marked = [first]
        candidate = candidates.next(first + 1, end)
        while candidate is not None:
            if is_marked(candidate):
                marked.append(candidate)
            candidate = candidates.next(candidate + 1, end)
    shown = parts[2 * start + 1:2 * end]  # word, separator, word, …, word: the separators escaped
    shown[1::2] = map(_escape, shown[1::2])  # (words are letters and digits: nothing to escape)
    for index in marked:
        shown[2 * (index - start)] = f"<mark>{shown[2 * (index - start)]}</mark>"
    head = "…" if start > 0 else _escape(parts[0])
    tail = "…" if end < len(tokens) else _escape(parts[2 * end])
    return Markup(head + "".join(shown) + tail)
