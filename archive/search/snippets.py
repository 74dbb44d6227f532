"""A few lines of a release around the words a search matched, those words marked with ``<mark>``.

Highlighting works on the original text (the stemmed index holds only stems): a word is marked when
its stem, for the release's language, is one the query asked for (:func:`archive.search.query.term_variants`),
or when it starts with a prefix the query gave; in exact-form mode, when it is a word the query
named. Everything else is escaped.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape as html_escape
from itertools import islice

from markupsafe import Markup

from archive.search.query import DEFAULT_LANGS, exact_words, parse, term_variants
from archive.search.stemmers import TOKEN, normalise, stem_token

BEFORE, AFTER = 12, 30  # words shown before the first match and after it


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

    def _matches(self, token: str, after_hyphen: bool) -> bool:
        token = normalise(token)
        if self.exact:
            forms = (token,)
        else:
            forms = (token, stem_token(token, self.lang, after_hyphen) or "")
        return any(form in self.words for form in forms) or any(
            form.startswith(prefix) for form in forms for prefix in self.prefixes if prefix)


@lru_cache(maxsize=256)
def matcher(search: str, lang: str, exact: bool) -> Matcher:
    """The :class:`Matcher` of a search, shared by the results of a page (and by the next pages)."""
    return Matcher(search, lang, exact)


def snippet(text: str | None, lang: str, search: str = "", exact: bool = False, words: int = BEFORE + AFTER) -> Markup:
    """About ``words`` words of ``text`` from a little before the first match (else from the start)."""
    text = text or ""
    marker = matcher(search, lang or "", exact) if search else None
    if marker is not None and not marker:
        marker = None

    def is_marked(match) -> bool:
        return marker.matches(match.group(), match.start() > 0 and text[match.start() - 1] == "-")

    # The first match: a scan of the words (C-speed findall, a cached answer per word), then its
    # position; only the tokens up to the end of the window are located (not the whole body).
    first = None
    if marker is not None:
        scanned = TOKEN.findall(text)
        candidate = 0
        while first is None:
            candidate = next((index for index in range(candidate, len(scanned))
                              if marker.matches(scanned[index], False)), None)
            if candidate is None:
                break
            located = next(islice(TOKEN.finditer(text), candidate, None))
            if is_marked(located):  # the same answer for a word written after a hyphen (Kazakh endings)
                first = candidate
            candidate += 1
    start = max(0, first - BEFORE) if first is not None else 0
    found = list(islice(TOKEN.finditer(text), start + words + 1))
    if not found:
        return Markup("")
    end = min(len(found), start + words)
    pieces = ["…" if start > 0 else ""]  # plain strings, escaped here (one Markup at the end: pages show 100)
    position = found[start].start()
    for index in range(start, end):
        match = found[index]
        pieces.append(html_escape(text[position:match.start()]))
        word = html_escape(match.group())
        marked = index == first or (first is not None and index > first and is_marked(match))
        pieces.append(f"<mark>{word}</mark>" if marked else word)
        position = match.end()
    pieces.append("…" if end < len(found) else html_escape(text[position:]))
    return Markup("".join(pieces))
