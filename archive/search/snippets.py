"""A few lines of a release around the words a search matched, those words marked with ``<mark>``.

Highlighting works on the original text (the stemmed index holds only stems): a word is marked when
its stem, for the release's language, is one the query asked for (:func:`archive.search.query.term_variants`),
or when it starts with a prefix the query gave; in exact-form mode, when it is a word the query
named. Everything else is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from archive.search.query import DEFAULT_LANGS, exact_words, parse, term_variants
from archive.search.stemmers import TOKEN, normalise, stem_token

BEFORE, AFTER = 12, 30  # words shown before the first match and after it


class Matcher:
    """Which words of a release of ``lang`` a search matched."""

    def __init__(self, search: str, lang: str, exact: bool = False):
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
        token = normalise(token)
        if self.exact:
            forms = (token,)
        else:
            forms = (token, stem_token(token, self.lang, after_hyphen) or "")
        return any(form in self.words for form in forms) or any(
            form.startswith(prefix) for form in forms for prefix in self.prefixes if prefix)


def snippet(text: str | None, lang: str, search: str = "", exact: bool = False, words: int = BEFORE + AFTER) -> Markup:
    """About ``words`` words of ``text`` from a little before the first match (else from the start)."""
    text = text or ""
    found = list(TOKEN.finditer(text))
    if not found:
        return Markup("")
    matcher = Matcher(search, lang, exact) if search else None

    def is_marked(index: int) -> bool:
        match = found[index]
        return bool(matcher) and matcher.matches(match.group(), match.start() > 0 and text[match.start() - 1] == "-")

    # Only the tokens up to the first match and those in the window are matched (not the whole body).
    first = next((index for index in range(len(found)) if is_marked(index)), None) if matcher else None
    start = max(0, first - BEFORE) if first is not None else 0
    end = min(len(found), start + words)
    marked = {index: index == first or (first is not None and index > first and is_marked(index))
              for index in range(start, end)}
    pieces = ["…" if start > 0 else ""]
    position = found[start].start()
    for index in range(start, end):
        match = found[index]
        pieces.append(escape(text[position:match.start()]))
        word = escape(match.group())
        pieces.append(Markup("<mark>{}</mark>").format(word) if marked[index] else word)
        position = match.end()
    if end < len(found):
        pieces.append("…")
    else:
        pieces.append(escape(text[position:]))
    return Markup("").join(Markup(piece) if isinstance(piece, Markup) else escape(piece) for piece in pieces)
