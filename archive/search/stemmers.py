"""Words and their stems: one tokeniser and one choice of stemmer, used at index time and query time.

:func:`tokens` splits text the way FTS5's ``unicode61`` tokenizer does (runs of letters and digits;
every other character separates), lower-cases and folds ``ё`` to ``е``. :func:`stem_token` gives the
stem of a token in a release of language ``lang``:

* a word in the release's own script is stemmed with that language's stemmer: Snowball (PyStemmer)
  for ``en``, ``ru`` and the other languages Snowball has, :mod:`archive.search.kazakh` for ``kk``;
* a word in another script (an English name in a Russian release, a Kazakh slogan in an English
  one) is stemmed by its script: Latin as English, Cyrillic as Kazakh when it has a letter only
  Kazakh uses (ә ғ қ ң ө ұ ү һ і), else as Russian;
* in Kazakh, a token that is only endings after a hyphen (``ХКҰ-ның``) is dropped.

The index (:mod:`archive.search.index`) stems each release with its ``lang``; a query
(:mod:`archive.search.query`) is stemmed once per language searched, so both sides always agree.
:data:`VERSION` names everything that decides a stem; an archive whose stemmed index was built
with another version is rebuilt when it is next opened for writing.
"""

from __future__ import annotations

import re
import threading
from importlib.metadata import version as package_version
from typing import Iterator

import Stemmer

from archive.search import kazakh

TOKEN = re.compile(r"[^\W_]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
KAZAKH_LETTERS = re.compile(r"[әғқңөұүһі]")

#: Snowball's name for each language code; ``kk`` is stemmed by archive.search.kazakh.
SNOWBALL = {
    "en": "english", "ru": "russian", "fr": "french", "es": "spanish", "de": "german", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "tr": "turkish", "uk": "russian", "ar": "arabic", "el": "greek",
    "ro": "romanian", "hu": "hungarian", "fi": "finnish", "sv": "swedish", "da": "danish", "no": "norwegian",
    "sr": "serbian", "lt": "lithuanian", "hy": "armenian", "ne": "nepali", "id": "indonesian", "ca": "catalan",
}
CYRILLIC_LANGS = {"ru", "kk", "uk", "sr", "ky", "tg", "be", "bg", "mk", "mn"}
TOKENS_VERSION = 1
VERSION = f"tokens {TOKENS_VERSION}; snowball PyStemmer {package_version('PyStemmer')}; kk suffixes {kazakh.VERSION}"

_local = threading.local()  # PyStemmer objects are not thread-safe: one per thread (Datasette reads in threads)


def _snowball(algorithm: str) -> Stemmer.Stemmer:
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if algorithm not in stemmers:
        stemmers[algorithm] = Stemmer.Stemmer(algorithm)
    return stemmers[algorithm]


def normalise(text: str) -> str:
    return text.lower().replace("ё", "е")


def tokens(text: str) -> Iterator[tuple[str, bool]]:
    """``(token, after_hyphen)`` for each word of ``text``, normalised (lower case, ё as е)."""
    text = normalise(text)
    for match in TOKEN.finditer(text):
        start = match.start()
        yield match.group(), start > 0 and text[start - 1] in "-‐‑–"


def _script_lang(token: str, lang: str) -> str:
    """The language whose stemmer a token gets in a release of ``lang`` (see the module docstring)."""
    if token.isascii():
        return lang if lang in SNOWBALL and lang not in CYRILLIC_LANGS else "en"
    if CYRILLIC.search(token):
        if lang in CYRILLIC_LANGS:
            return lang
        return "kk" if KAZAKH_LETTERS.search(token) else "ru"
    return lang


def stem_token(token: str, lang: str, after_hyphen: bool = False) -> str | None:
    """The stem of one normalised token in a release of ``lang``; None for a dropped Kazakh ending."""
    if token.isdigit():
        return token
    chosen = _script_lang(token, lang)
    if chosen == "kk":
        if after_hyphen and kazakh.is_ending(token):
            return None
        return kazakh.stem(token)
    algorithm = SNOWBALL.get(chosen)
    return _snowball(algorithm).stemWord(token) if algorithm else token


_CACHE_LIMIT = 500_000
_caches: dict[str, dict[str, str]] = {}  # lang -> {token: stem}: stemming is a pure function


_AFTER_HYPHEN = re.compile(r"(?<=[-‐‑–])[^\W_]+")


def _drop_hyphenated_endings(text: str, lang: str) -> str:
    """``text`` (normalised) without the Kazakh endings written after a hyphen (``хкұ-ның`` -> ``хкұ-``)."""
    def keep(match: re.Match) -> str:
        token = match.group()
        return "" if _script_lang(token, lang) == "kk" and kazakh.is_ending(token) else token

    return _AFTER_HYPHEN.sub(keep, text)


def stems(text: str, lang: str) -> list[str]:
    """The stems of ``text``'s words, in order, as a release of ``lang`` is indexed (the same as
    :func:`stem_token` over :func:`tokens`, faster: one regex pass, and a cache of stems per language
    looked up in C with ``map``)."""
    text = normalise(text)
    if "-" in text or "‐" in text or "‑" in text or "–" in text:
        text = _drop_hyphenated_endings(text, lang)
    return token_stems(TOKEN.findall(text), lang)


def token_stems(words: list[str], lang: str) -> list[str]:
    """The stems of normalised tokens (none written after a hyphen) of a release of ``lang``, from the
    cache of stems per language (looked up in C with ``map``; a word met for the first time is stemmed)."""
    cache = _caches.setdefault(lang, {})
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    found = list(map(cache.get, words))
    if None in found:
        for index, stemmed in enumerate(found):
            if stemmed is None:
                word = words[index]
                found[index] = cache[word] = stem_token(word, lang) or word
    return found


def stem_text(lang: str | None, text: str | None) -> str:
    """``text`` as the stemmed index holds it: its stems separated by spaces (the SQL function ``iom_stem``)."""
    if not text:
        return ""
    return " ".join(stems(text, lang or ""))
