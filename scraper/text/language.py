"""Language identification of release texts: which language is a body actually written in?

Pure functions over text; the only state is a cache of py3langid identifiers (the model,
shipped inside the py3langid wheel, is loaded once per process, ~0.9 s; one restricted
identifier is then derived per candidate set, ~10 ms). Nothing is downloaded, ever.

Public API
----------
``identify(text, candidates, prior=None) -> LanguageGuess``
    The MAIN language of *text* among the site's configured *candidates*.
``is_untranslated_fallback(text, url_lang, candidates) -> bool``
    True when a page under a language prefix (``/ru/…``) serves text in another
    configured language (Drupal shows the original when no translation exists).
``LanguageGuess``
    Frozen dataclass ``(lang, confidence, source, letters, scores)``.
``normalize_code(code) -> str``, ``supported_languages() -> frozenset[str]``

Decision rule
-------------
1. URLs and e-mail addresses are removed; the text is split into paragraphs (lines),
   paragraphs into sentences, and sentences shorter than ``MIN_SEGMENT_LETTERS`` letters are
   merged with the next one of the same paragraph.
2. Inside each segment the words are grouped by script (Latin, Cyrillic, Arabic, …); each
   group is scored on its own among the candidates by py3langid (restricted to the
   candidates with its ``set_languages``), so a Cyrillic slogan quoted in an English sentence
   is scored as Cyrillic text and counts only for its own letters.
3. Cyrillic groups get a letter check when at least two Cyrillic candidates are configured
   (``CYRILLIC_ALPHABETS``). A letter is *distinctive* for a candidate when no other
   candidate's alphabet has it: for kk against ru these are ә ғ қ ң ө ұ ү һ і.
   - Words containing distinctive letters of exactly one candidate X "mark" the group for X.
     The group is X unless the marked words look like names or loanwords: they are less
     than half of the group's words (hyphenated compounds count as one word) and either
     (a) X is Turkic (kk, ky, tt, ba), Russian is a candidate and the other words hold a
     Russian-only function word ("и", "в", "для", …), or (b) the marked words are at most a
     third of the words and the other words, scored alone, are another language with
     probability >= ``LOANWORD_MIN_PROBABILITY``. Then the group is scored by the other
     words alone, X excluded (and, in case (a), every Turkic candidate).
     So "Жоба Еуропалық Одақтың қаржылай қолдауымен жүзеге асырылып отыр" (many marked words)
     and "Ол жоба бойынша оқыды" (rest scored Kazakh) are Kazakh, while "Форум прошёл в
     Түркістане" (one marked word, rest confidently Russian) stays Russian.
   - Words marking several candidates (ru "ы" and uk "ї" in one sentence): the model decides
     among those candidates.
   - No marked words: the model decides, except that a Turkic candidate (kk, ky, tt, ba) is
     ruled out when Russian is a candidate and the group contains a Russian-only function
     word ("Акимат Алматы и Шымкента" is Russian).
4. Each group adds ``letters x probability`` to every candidate; the main language is the one
   with the most weighted letters (majority of letters, not of segments), and ``confidence`` is
   its share.
5. The prior (``<html lang>`` or URL prefix) is only a tie-breaker: when it comes second,
   less than ``TIE_MARGIN`` behind the first, it wins. For texts with fewer than
   ``MIN_LETTERS`` letters the prior is returned with ``PRIOR_CONFIDENCE``; with no prior such
   a text gets the text's guess with its confidence scaled by ``letters / MIN_LETTERS``, and a
   text without letters gets ``"und"``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from scraper.text.normalize import letter_count, letter_words, nfc, primary_subtag

if TYPE_CHECKING:  # pragma: no cover - typing only
    from py3langid.langid import LanguageIdentifier

__all__ = [
    "CYRILLIC_ALPHABETS",
    "FALLBACK_MIN_CONFIDENCE",
    "FUNCTION_WORD_MAX_SHARE",
    "LOANWORD_MAX_SHARE",
    "LOANWORD_MIN_PROBABILITY",
    "MIN_LETTERS",
    "MIN_SEGMENT_LETTERS",
    "PRIOR_CONFIDENCE",
    "TIE_MARGIN",
    "UNDETERMINED",
    "LanguageGuess",
    "identify",
    "is_untranslated_fallback",
    "normalize_code",
    "supported_languages",
]

# --------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------

#: Below this many letters the text is too short to judge: the prior decides.
MIN_LETTERS = 20
#: Sentences shorter than this (in letters) are merged with the next one.
MIN_SEGMENT_LETTERS = 30
#: The prior breaks ties between the first two languages closer than this (share of letters).
TIE_MARGIN = 0.2
#: Confidence given to a prior returned for a text shorter than MIN_LETTERS.
PRIOR_CONFIDENCE = 0.25
#: A group with marked words is scored by its other words only when those are this certain.
LOANWORD_MIN_PROBABILITY = 0.98
#: Marked words are names/loanwords only while they are at most this share of the group's words
#: (when the other words are confidently another language) ...
LOANWORD_MAX_SHARE = 1 / 3
#: ... or less than this share (when the other words hold a Russian-only function word).
FUNCTION_WORD_MAX_SHARE = 1 / 2
#: The other words must have at least this many letters to overrule the marked words.
LOANWORD_MIN_REST_LETTERS = 6
#: is_untranslated_fallback: the other language must hold at least this share of the letters.
FALLBACK_MIN_CONFIDENCE = 0.75
#: Language code returned when nothing can be said (no letters and no prior).
UNDETERMINED = "und"

_RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"

#: Lower-case alphabets of the Cyrillic languages py3langid knows. Only differences matter:
#: a letter is distinctive for a candidate when no other candidate's alphabet has it.
CYRILLIC_ALPHABETS: Mapping[str, frozenset[str]] = MappingProxyType({
    "ru": frozenset(_RUSSIAN),
    "kk": frozenset(_RUSSIAN + "әғқңөұүһі"),
    "ky": frozenset(_RUSSIAN + "ңөү"),
    "tt": frozenset(_RUSSIAN + "әөүҗңһ"),
    "ba": frozenset(_RUSSIAN + "ғҙҡңөҫүһә"),
    "mn": frozenset(_RUSSIAN + "өү"),
    "uk": frozenset("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"),
    "be": frozenset("абвгдеёжзійклмнопрстуўфхцчшыьэюя"),
    "bg": frozenset("абвгдежзийклмнопрстуфхцчшщъьюя"),
    "sr": frozenset("абвгдђежзијклљмнњопрстћуфхцчџш"),
    "mk": frozenset("абвгдѓежзѕијклљмнњопрстќуфхцчџш"),
    "tg": frozenset("абвгғдеёжзиӣйкқлмнопрстуӯфхҳчҷшъэюя"),
    "uz": frozenset("абвгдеёжзийклмнопрстуфхцчшъьэюяўқғҳ"),
})

#: Turkic Cyrillic languages in which the Russian function words below never occur as words.
_TURKIC_CYRILLIC = frozenset({"kk", "ky", "tt", "ba"})

#: Russian function words that are not words of kk/ky/tt/ba ("от", "из", "не", "да" are left
#: out: they are Kazakh or Kyrgyz words too). One-letter words count only in lower case, so
#: an initial ("С. Сейфуллин") is not taken for a preposition.
_RUSSIAN_ONLY_WORDS = frozenset(
    "и в во на с со по для к ко о об что как это при за до или но также который которая "
    "которые которых был была были было будет года году является".split()
)

_URL_OR_EMAIL_RE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# A sentence ends at . ! ? … (optionally followed by closing quotes/brackets) before a space.
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][»\"”’)\]])\s+")

# Words are scraper.text.normalize.letter_words: letters with the combining marks inside them
# ("हिन्दी", "مُحَمَّد"), hyphenated compounds ("Нұр-Сұлтан", "көші-қон") as one word, no digits.

Source = Literal["text", "text+prior", "prior", "none"]


# --------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageGuess:
    """The main language of a text.

    ``lang``        normalised code (``"en"``, ``"kk"``) or ``"und"`` when nothing is known.
    ``confidence``  0..1: share of the weighted letters that are in ``lang``, times
                    ``letters / MIN_LETTERS`` below ``MIN_LETTERS`` letters; for a prior
                    returned on a short text: ``PRIOR_CONFIDENCE``.
    ``source``      ``"text"`` (decided by the text), ``"text+prior"`` (near-tie broken by
                    the prior), ``"prior"`` (text too short), ``"none"`` (no letters, no prior).
    ``letters``     letters considered (URLs, e-mails, digits and punctuation excluded).
    ``scores``      ``(lang, share)`` for every candidate, best first; empty for ``"prior"``
                    and ``"none"``.
    """

    lang: str
    confidence: float
    source: Source
    letters: int
    scores: tuple[tuple[str, float], ...] = ()

    def score(self, lang: str) -> float:
        """Share of the letters attributed to *lang* (0.0 if absent)."""
        return dict(self.scores).get(normalize_code(lang), 0.0)


# --------------------------------------------------------------------------
# Codes and identifiers
# --------------------------------------------------------------------------


def normalize_code(code: str) -> str:
    """Reduce a language tag ("ru-RU", "kk_KZ", " EN ") to its lower-case primary subtag."""
    primary = primary_subtag(code)
    if not primary:
        raise ValueError(f"empty language code: {code!r}")
    return primary


@functools.lru_cache(maxsize=1)
def _full_identifier() -> LanguageIdentifier:
    """py3langid's bundled model with normalised probabilities, loaded once (~0.9 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def supported_languages() -> frozenset[str]:
    """Codes the bundled py3langid model can identify (valid entries of ``candidates``)."""
    return frozenset(_full_identifier().nb_classes)


@functools.lru_cache(maxsize=64)
def _identifier(candidates: tuple[str, ...]) -> LanguageIdentifier:
    """A private identifier restricted to *candidates* (sorted, normalised).

    It shares the full model's read-only arrays; ``set_languages`` builds new restricted
    arrays for this instance only, so no other candidate set (nor py3langid's module-level
    identifier) is affected.
    """
    from py3langid.langid import LanguageIdentifier

    full = _full_identifier()
    unknown = sorted(set(candidates) - set(full.nb_classes))
    if unknown:
        raise ValueError(f"py3langid cannot identify {unknown}; see supported_languages()")
    identifier = LanguageIdentifier(
        full.nb_ptc, full.nb_pc, full.nb_classes, full.tk_nextmove, full.tk_output,
        norm_probs=True, tk_row=full.tk_row,
    )
    identifier.set_languages(list(candidates))
    return identifier


def _candidate_tuple(candidates: Sequence[str]) -> tuple[str, ...]:
    if isinstance(candidates, str):
        raise TypeError("candidates must be a sequence of language codes, not a string")
    codes = tuple(sorted({normalize_code(code) for code in candidates}))
    if not codes:
        raise ValueError("at least one candidate language is needed")
    return codes


# --------------------------------------------------------------------------
# Segmentation
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    """Script of a letter: "Latin", "Cyrillic", "Arabic" or the first word of its Unicode name."""
    code = ord(ch)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "Latin"
    if 0x400 <= code <= 0x52F or 0x1C80 <= code <= 0x1C8F:
        return "Cyrillic"
    if 0x600 <= code <= 0x8FF or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return "Arabic"
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0].title()


def _segments(text: str) -> list[list[str]]:
    """Words of each segment: sentences of each line, short ones merged with the next.

    A short last sentence joins the previous segment of its own line, never another line's.
    """
    text = _URL_OR_EMAIL_RE.sub(" ", nfc(text))
    segments: list[list[str]] = []
    for line in text.splitlines():
        line_start = len(segments)
        pending: list[str] = []
        pending_letters = 0
        for sentence in _SENTENCE_SPLIT_RE.split(line):
            words = letter_words(sentence)
            pending.extend(words)
            pending_letters += sum(map(letter_count, words))
            if pending_letters >= MIN_SEGMENT_LETTERS:
                segments.append(pending)
                pending, pending_letters = [], 0
        if pending:
            if len(segments) > line_start:
                segments[-1].extend(pending)
            else:
                segments.append(pending)
    return segments


def _group_by_script(words: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(_script(word[0]), []).append(word)
    return groups


# --------------------------------------------------------------------------
# Scoring one script group
# --------------------------------------------------------------------------


def _model_scores(words: Sequence[str], candidates: tuple[str, ...]) -> dict[str, float]:
    """py3langid probabilities among *candidates* for *words* (all-caps words lower-cased)."""
    text = " ".join(word.lower() if word.isupper() and len(word) > 1 else word for word in words)
    scores = dict.fromkeys(candidates, 0.0)
    for lang, probability in _identifier(candidates).rank(text):
        scores[lang] = max(scores[lang], float(probability))
    total = sum(scores.values())
    if total <= 0:
        return {lang: 1 / len(candidates) for lang in candidates}
    return {lang: value / total for lang, value in scores.items()}


@functools.lru_cache(maxsize=64)
def _distinctive_letters(candidates: tuple[str, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    """(lang, letters only its alphabet has) per Cyrillic candidate; () unless 2+ of them."""
    cyrillic = [lang for lang in candidates if lang in CYRILLIC_ALPHABETS]
    if len(cyrillic) < 2:
        return ()
    found: list[tuple[str, frozenset[str]]] = []
    for lang in cyrillic:
        others = frozenset().union(*(CYRILLIC_ALPHABETS[o] for o in cyrillic if o != lang))
        only = CYRILLIC_ALPHABETS[lang] - others
        if only:
            found.append((lang, only))
    return tuple(found)


def _has_russian_function_word(words: Sequence[str]) -> bool:
    return any(
        (word if len(word) == 1 else word.lower()) in _RUSSIAN_ONLY_WORDS for word in words
    )


def _without(scores: dict[str, float], excluded: set[str]) -> dict[str, float]:
    """*scores* with *excluded* languages set to 0 and renormalised (unchanged if nothing left)."""
    kept = {lang: (0.0 if lang in excluded else value) for lang, value in scores.items()}
    total = sum(kept.values())
    if total <= 0:
        return scores
    return {lang: value / total for lang, value in kept.items()}


def _cyrillic_scores(words: list[str], candidates: tuple[str, ...]) -> dict[str, float]:
    """Scores of a Cyrillic group: the model, checked against distinctive letters (rule 3)."""
    distinctive = _distinctive_letters(candidates)
    if not distinctive:
        return _model_scores(words, candidates)
    marked: dict[str, list[str]] = {}
    for word in words:
        lower = set(word.lower())
        for lang, letters in distinctive:
            if lower & letters:
                marked.setdefault(lang, []).append(word)
    if not marked:
        scores = _model_scores(words, candidates)
        if "ru" in candidates and _has_russian_function_word(words):
            scores = _without(scores, set(_TURKIC_CYRILLIC))
        return scores
    if len(marked) > 1:
        return _without(_model_scores(words, candidates), set(candidates) - set(marked))
    ((lang, marked_words),) = marked.items()
    share = len(marked_words) / len(words)
    marked_set = set(marked_words)
    rest = [word for word in words if word not in marked_set]
    if share < FUNCTION_WORD_MAX_SHARE and rest:
        if lang in _TURKIC_CYRILLIC and "ru" in candidates and _has_russian_function_word(rest):
            return _without(_model_scores(rest, candidates), {lang} | _TURKIC_CYRILLIC)
        if share <= LOANWORD_MAX_SHARE and sum(map(letter_count, rest)) >= LOANWORD_MIN_REST_LETTERS:
            rest_scores = _model_scores(rest, candidates)
            best = max(rest_scores, key=rest_scores.__getitem__)
            if best != lang and rest_scores[best] >= LOANWORD_MIN_PROBABILITY:
                return _without(rest_scores, {lang})
    return {other: (1.0 if other == lang else 0.0) for other in candidates}


def _group_scores(script: str, words: list[str], candidates: tuple[str, ...]) -> dict[str, float]:
    if len(candidates) == 1:
        return {candidates[0]: 1.0}
    if script == "Cyrillic":
        return _cyrillic_scores(words, candidates)
    return _model_scores(words, candidates)


# --------------------------------------------------------------------------
# identify
# --------------------------------------------------------------------------


def _letter_weights(text: str, candidates: tuple[str, ...]) -> tuple[dict[str, float], int]:
    """Weighted letters per candidate over all segments and script groups (rules 1-4)."""
    weights = dict.fromkeys(candidates, 0.0)
    total = 0
    for words in _segments(text):
        for script, group in _group_by_script(words).items():
            letters = sum(map(letter_count, group))
            if not letters:
                continue
            total += letters
            for lang, probability in _group_scores(script, group, candidates).items():
                weights[lang] += letters * probability
    return weights, total


def identify(text: str, candidates: Sequence[str], prior: str | None = None) -> LanguageGuess:
    """Return the main language of *text* among *candidates* (see the module docstring).

    *candidates* are the site's configured languages (tags such as ``"en-GB"`` are reduced
    to ``"en"``); each must be known to py3langid, else ``ValueError``. *prior* is the
    page's ``<html lang>`` or URL-prefix language: ignored unless it is a candidate, it
    decides texts under ``MIN_LETTERS`` letters and breaks near-ties, never more.
    """
    codes = _candidate_tuple(candidates)
    _identifier(codes)  # validate the candidates even for texts decided without the model
    hint = normalize_code(prior) if prior and prior.strip() else None
    if hint not in codes:
        hint = None
    weights, letters = _letter_weights(text, codes)
    if letters < MIN_LETTERS and hint is not None:
        return LanguageGuess(hint, PRIOR_CONFIDENCE, "prior", letters)
    if letters == 0:
        return LanguageGuess(UNDETERMINED, 0.0, "none", 0)
    shares = sorted(((lang, weight / letters) for lang, weight in weights.items()),
                    key=lambda item: (-item[1], item[0]))
    scores = tuple((lang, round(share, 4)) for lang, share in shares)
    best, best_share = shares[0]
    source: Source = "text"
    if hint is not None and hint != best and len(shares) > 1:
        second, second_share = shares[1]
        if hint == second and best_share - second_share < TIE_MARGIN:
            best, best_share, source = second, second_share, "text+prior"
    confidence = best_share * min(1.0, letters / MIN_LETTERS)
    return LanguageGuess(best, round(confidence, 4), source, letters, scores)


def is_untranslated_fallback(
    text: str,
    url_lang: str,
    candidates: Sequence[str],
    *,
    min_confidence: float = FALLBACK_MIN_CONFIDENCE,
) -> bool:
    """True when a page under the *url_lang* prefix serves text in another candidate language.

    Drupal serves the original (usually English) body inside the Russian or Kazakh interface
    when a node has no translation: such a page is the original release seen under another
    URL. The text is identified without the URL as a prior (the URL is what is being
    checked); the answer is True only when another language holds at least *min_confidence*
    of the letters. Texts too short to judge (``MIN_LETTERS``) give False.
    """
    url = normalize_code(url_lang)
    codes = _candidate_tuple(candidates)
    if url not in codes:
        raise ValueError(f"url_lang {url_lang!r} is not one of the candidates {list(codes)}")
    guess = identify(text, codes)
    return guess.source == "text" and guess.lang != url and guess.confidence >= min_confidence
