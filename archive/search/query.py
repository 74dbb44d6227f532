"""What a researcher types, as an FTS5 query for the stemmed index (and a fix-up for raw FTS5 queries).

The search box's syntax (:func:`parse`):

* words: every form of each word (``миграция`` finds миграции, мигрантам does not: another word;
  ``мигранттарға`` finds мигрант, мигранттар …); several words: all of them, anywhere;
* ``"labour migration"``: the words in this order (each in any form);
* ``мигра*``: a prefix, of the word or of its stem;
* ``OR`` between words, ``NOT`` before a word (upper case, as in FTS5): ``trafficking OR smuggling``,
  ``migration NOT labour``; in lower case, or with nothing on one side, they are ordinary words;
* a hyphenated word (``көші-қон``, ``COVID-19``) is its parts in a row; other punctuation separates
  words, and nothing a researcher types is an error.

:func:`stemmed_match` turns a query into an FTS5 expression over the stemmed index: each word is
stemmed once per language searched (``langs``) with the stemmers the index used
(:mod:`archive.search.stemmers`), and the forms are OR-ed, so ``миграция`` searched in ru and kk is
``("миграц" OR "миграция")``. :func:`quote_hyphenated` makes a raw FTS5 query valid when it holds
hyphenated words (FTS5 reads ``көші-қон`` as a column filter), for the exact-form index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from archive.search.stemmers import normalise, stem_token, tokens

DEFAULT_LANGS = ("en", "ru", "kk")
OPERATORS = ("OR", "NOT", "AND")
_PIECES = re.compile(r'"([^"]*)"?(\*?)|(\S+)')


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase: its tokens (``(token, after_hyphen)``), and whether it is a prefix."""

    tokens: tuple[tuple[str, bool], ...]
    prefix: bool = False
    negated: bool = False


@dataclass
class Query:
    """A parsed search: terms, and the operator before each (``""`` for AND, ``"OR"``, ``"NOT"``)."""

    terms: list[Term] = field(default_factory=list)
    operators: list[str] = field(default_factory=list)

    def positive_terms(self) -> list[Term]:
        return [term for term in self.terms if not term.negated]


def _term(text: str, prefix: bool = False) -> Term | None:
    found = tuple(tokens(text))
    return Term(found, prefix) if found else None


def parse(text: str) -> Query:
    """The terms and operators of a search (see the module docstring); never fails."""
    pieces: list[str | Term] = []
    for match in _PIECES.finditer(text or ""):
        phrase, star, word = match.groups()
        if word in OPERATORS:
            pieces.append(word)
            continue
        term = _term(word.rstrip("*"), word.endswith("*")) if word is not None else _term(phrase, bool(star))
        if term is not None:
            pieces.append(term)
    query = Query()
    pending = ""
    for index, piece in enumerate(pieces):
        if isinstance(piece, str):  # an operator between two terms, else the word itself
            if query.terms and any(isinstance(later, Term) for later in pieces[index + 1:]):
                pending = "" if piece == "AND" else piece
                continue
            piece = _term(piece)
        if pending == "NOT":
            piece = Term(piece.tokens, piece.prefix, negated=True)
        query.operators.append(pending if query.terms else "")
        query.terms.append(piece)
        pending = ""
    return query


def _quoted(stems: Sequence[str], prefix: bool) -> str:
    return '"{}"{}'.format(" ".join(stems), "*" if prefix else "")


def term_variants(term: Term, langs: Iterable[str]) -> list[tuple[tuple[str, ...], bool]]:
    """The stemmed forms of a term, one per language (deduplicated): ``[(stems, prefix)]``."""
    variants: dict[tuple[str, ...], bool] = {}
    for lang in langs:
        stemmed = [stem_token(token, lang, after) for token, after in term.tokens]
        if term.prefix:
            *head, last = [s for s in stemmed[:-1] if s is not None] + [term.tokens[-1][0]]
            for last_form in dict.fromkeys([last, stem_token(last, lang) or last]):
                variants.setdefault((*head, last_form), True)
        else:
            kept = tuple(s for s in stemmed if s is not None)
            if kept:
                variants.setdefault(kept, False)
    return list(variants.items())


def _covered(variant: tuple[tuple[str, ...], bool], other: tuple[tuple[str, ...], bool]) -> bool:
    """Whether every text ``variant`` matches, ``other`` (a prefix search) matches too: the same words before
    the last, whose form starts with ``other``'s (``"мигра"*`` and ``"мигрант"`` are within ``"мигр"*``)."""
    (stems, _), (other_stems, other_prefix) = variant, other
    return (other_prefix and variant != other and len(stems) == len(other_stems)
            and stems[:-1] == other_stems[:-1] and stems[-1].startswith(other_stems[-1]))


def _without_covered(variants: list[tuple[tuple[str, ...], bool]]) -> list[tuple[tuple[str, ...], bool]]:
    """The variants, less those another one's prefix search covers: FTS5 would read the same releases twice
    (``("мигра"* OR "мигр"*)`` costs 1.6x ``"мигр"*`` at a million releases, for the same matches)."""
    return [variant for variant in variants if not any(_covered(variant, other) for other in variants)]


def render_term(term: Term, langs: Iterable[str]) -> str:
    parts = [_quoted(stems, prefix) for stems, prefix in _without_covered(term_variants(term, langs))]
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def stemmed_match(text: str, langs: Iterable[str] = DEFAULT_LANGS) -> str:
    """The FTS5 expression for the stemmed index; ``'""'`` (matches nothing) for a query with no word."""
    langs = tuple(langs) or DEFAULT_LANGS
    query = parse(text)
    out: list[str] = []
    for operator, term in zip(query.operators, query.terms):
        rendered = render_term(term, langs)
        if not rendered:
            continue
        if out:  # explicit AND: FTS5 does not join a parenthesised group to its neighbour implicitly
            out.append(operator or "AND")
        out.append(rendered)
    return " ".join(out) if out else '""'


_BAREWORD_WITH_HYPHENS = re.compile(r'(?<![\w"*^])([^\W_]+(?:[-‐‑][^\W_]+)+)(?![\w"])')


def quote_hyphenated(raw: str) -> str:
    """A raw FTS5 query with its hyphenated words (outside quotes) quoted: ``көші-қон NEAR(x)`` ->
    ``"көші-қон" NEAR(x)`` (a phrase of its parts). Everything else is left as typed."""
    parts = re.split(r'("[^"]*"?)', raw)
    return "".join(part if part.startswith('"') else _BAREWORD_WITH_HYPHENS.sub(r'"\1"', part) for part in parts)


def exact_words(text: str) -> list[str]:
    """The normalised words of a raw query (operators left out), for highlighting exact-form results."""
    return [token for token, _ in tokens(re.sub(r"\b(?:OR|AND|NOT|NEAR)\b", " ", text)) if token]


__all__ = ["Query", "Term", "parse", "stemmed_match", "quote_hyphenated", "term_variants", "normalise", "exact_words"]
