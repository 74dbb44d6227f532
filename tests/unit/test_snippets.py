"""Snippets of search results: the fast :func:`archive.search.snippets.snippet` gives exactly what the
plain word-by-word definition gives (:func:`reference_snippet` below), on every fixture release body
in en, ru and kk and on awkward texts, for searches in every mode."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup

from archive.search.snippets import BEFORE, AFTER, Matcher, snippet
from archive.search.stemmers import TOKEN

FIXTURES = Path(__file__).parents[1] / "fixtures"


def reference_snippet(text: str, lang: str, search: str, exact: bool, words: int) -> str:
    """The definition: the words of ``text``; the first one the search matches (a word written after a
    hyphen asked as such); ``words`` words from ``BEFORE`` words before it (else from the start), with
    every matching word from the first one on marked; the text between and around them kept, "…"
    where text was left out; everything escaped."""
    found = list(TOKEN.finditer(text))
    if not found:
        return ""
    marker = Matcher(search, lang, exact) if search else None
    marker = marker if marker else None

    def is_marked(match) -> bool:
        return marker.matches(match.group(), match.start() > 0 and text[match.start() - 1] == "-")

    first = next((index for index, match in enumerate(found) if is_marked(match)), None) if marker else None
    start = max(0, first - BEFORE) if first is not None else 0
    end = min(len(found), start + words)
    out = "…" if start > 0 else html.escape(text[:found[0].start()])
    for index in range(start, end):
        if index > start:
            out += html.escape(text[found[index - 1].end():found[index].start()])
        word = html.escape(found[index].group())
        out += f"<mark>{word}</mark>" if first is not None and index >= first and is_marked(found[index]) else word
    return out + ("…" if end < len(found) else html.escape(text[found[end - 1].end():]))


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [text for item in value or [] for text in _strings(item)] if isinstance(value, list) else []


def fixture_bodies() -> list[tuple[str, str]]:
    bodies = []
    for name in ("kazakhstan/releases.yaml", "global/releases.yaml"):
        data = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
        for release in data["releases"]:
            bodies.append((release["lang"], "\n\n".join(_strings(release.get("body")))))
    return bodies


AWKWARD = [
    ("kk", "ХКҰ-ның көші-қон саясаты; Көші-қонның мәселелері, мигранттарға көмек — ХКҰ-ға"),
    ("kk", "-ның басында сызықша, мигранттар-дың"),
    ("ru", "«Миграция» & <b>миграции</b> — «МИГРАНТАМ» ёлка Ёлки; миграц_ия 2024 г."),
    ("en", "  Migrants' rights & <script>trafficking</script>: re-trafficked, counter-trafficking_2 "),
    ("en", "!!! ... ---"),
    ("en", ""),
    ("en", "migrants"),
    ("ru", " ".join(["слово"] * 30 + ["миграции"] + ["ещё"] * 40)),
    ("en", " ".join(f"w{number}" for number in range(200)) + " trafficking end."),
    # long texts: the match far in, and not at all
    *[("ru", " ".join(["слово"] * count) + " миграции, " + " ".join(["ещё"] * 60) + " миграция.")
      for count in (320, 330, 340, 1320, 1333, 1345, 6000)],
    ("en", "word " * 5000),
    ("kk", ("сөз " * 2000) + "ХКҰ-ның көші-қон\n" + "сөз" * 3000),  # one long word without a space
]

SEARCHES = {
    "en": ["trafficking", "migrants", "human trafficking", '"human trafficking"', "traffick*", "-victims forum",
           "labour OR labor", "counter-trafficking", "w1*", "nothing-here"],
    "ru": ["миграция", "торговля людьми", "мигрант*", '"торговле людьми"', "ёлка", "МИГРАЦИЯ", "противодействие"],
    "kk": ["көші-қон", "мигранттар", "ХКҰ", "көші*", "адам саудасы", "ның", "мәселе"],
}


def cases():
    for lang, text in fixture_bodies() + AWKWARD:
        for search in SEARCHES.get(lang, SEARCHES["en"]) + SEARCHES["en"][:2] + [""]:
            yield lang, text, search


@pytest.mark.parametrize("exact", [False, True], ids=["stemmed", "exact forms"])
def test_snippet_is_the_word_by_word_definition(exact):
    checked = marked = 0
    for lang, text, search in cases():
        for words in (BEFORE + AFTER, 45, 5):
            expected = reference_snippet(text, lang, search, exact, words)
            assert snippet(text, lang, search, exact, words) == expected, (lang, search, words, text[:80])
            checked += 1
            marked += "<mark>" in expected
    assert checked > 1000 and marked > 200  # the corpus exercises marking, not only plain openings


def test_snippet_is_markup_and_escapes_the_text():
    found = snippet("<b>Migrants</b> & traffickers", "en", "trafficker")
    assert isinstance(found, Markup)
    assert found == "&lt;b&gt;Migrants&lt;/b&gt; &amp; <mark>traffickers</mark>"
    assert snippet(None, "en", "x") == "" and snippet("—", "en", "") == ""
