"""Accuracy and speed of scraper.text.language.identify on the fixture site's release bodies.

    python benchmarks/language_id.py [--repeat 3] [--errors]

Candidates are the site's languages (en, ru, kk). Prints:
  1. whole bodies (24 releases), with no prior, and py3langid alone for comparison;
  2. short pieces: every paragraph, list item and sentence of the bodies, per language and by
     length bucket (letters), with no prior, with the right prior (the URL language, as for a
     real page), with a wrong prior (the next language in en -> ru -> kk -> en), and for
     py3langid alone (restricted to en/ru/kk, classifying the whole string);
  3. the same for sentence openings (first 2, 4 and 6 words): headline- and caption-sized texts;
  4. the hand-written hard cases of tests/test_language.py, against py3langid alone;
  5. identifications per second (bodies, pieces, openings), after a warm-up that loads the model.
No number here is asserted by tests.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from py3langid.langid import MODEL_FILE, LanguageIdentifier

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from support.helpers import expected_body  # noqa: E402
from scraper.text.language import identify  # noqa: E402
from unit.test_language import OTHER_CASES, SHORT_CASES  # noqa: E402

RELEASES = ROOT / "tests" / "fixtures" / "kazakhstan" / "releases.yaml"
CANDIDATES = ("en", "ru", "kk")
WRONG = {"en": "ru", "ru": "kk", "kk": "en"}
BUCKETS = ((0, 19), (20, 49), (50, 99), (100, 199), (200, 10**9))
_SENTENCE_RE = re.compile(r"(?<=[.!?…])\s+")


def pieces(blocks: list) -> list[str]:
    """Every paragraph, list item and (for multi-sentence paragraphs) sentence, deduplicated."""
    found: list[str] = []
    for block in blocks:
        paragraphs = [block] if isinstance(block, str) else list(next(iter(block.values())))
        for paragraph in paragraphs:
            found.append(paragraph)
            sentences = _SENTENCE_RE.split(paragraph)
            if len(sentences) > 1:
                found.extend(s for s in sentences if s.strip())
    return list(dict.fromkeys(found))


def openings(blocks: list) -> list[str]:
    """The first 2, 4 and 6 words of every sentence: short texts such as headlines and captions."""
    found: list[str] = []
    for piece in pieces(blocks):
        words = piece.split()
        found.extend(" ".join(words[:n]) for n in (2, 4, 6) if len(words) > n)
    return list(dict.fromkeys(found))


def bucket(n: int) -> str:
    for low, high in BUCKETS:
        if low <= n <= high:
            return f"{low}-{high}" if high < 10**9 else f"{low}+"
    raise AssertionError(n)


def pct(ok: int, total: int) -> str:
    return f"{ok}/{total} ({100 * ok / total:.1f}%)" if total else "-"


def report(items: list[tuple[str, str]], baseline: LanguageIdentifier, show_errors: bool) -> None:
    """Accuracy per language and per length bucket, with no, right and wrong prior."""
    modes = {
        "no prior": lambda lang: None,
        "right prior": lambda lang: lang,
        "wrong prior": WRONG.get,
        "py3langid alone": None,
    }
    results: dict[str, dict[tuple[str, str], list[int]]] = {}
    errors: list[str] = []
    for mode, prior_of in modes.items():
        table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for lang, text in items:
            guess = identify(text, CANDIDATES, prior_of(lang) if prior_of else None)
            found = guess.lang if prior_of else baseline.classify(text)[0]
            hit = int(found == lang)
            for key in (("lang", lang), ("bucket", bucket(guess.letters)), ("all", "all")):
                table[key][0] += hit
                table[key][1] += 1
            if not hit and show_errors and mode in ("no prior", "right prior"):
                errors.append(f"  [{mode}] {lang} -> {guess.lang} ({guess.confidence}): {text[:90]}")
        results[mode] = table
    keys = [("lang", lang) for lang in CANDIDATES]
    keys += [("bucket", bucket(low)) for low, _ in BUCKETS]
    keys += [("all", "all")]
    print(f"   {'':16}" + "".join(f"{mode:>19}" for mode in modes))
    for key in keys:
        label = key[1] if key[0] != "bucket" else f"{key[1]} letters"
        if not any(results[m][key][1] for m in modes):
            continue
        print(f"   {label:16}" + "".join(f"{pct(*results[m][key]):>19}" for m in modes))
    print("   (a wrong prior decides every text under 20 letters, by design: the prior is all there is)")
    for line in errors:
        print(line)


def restricted(full: LanguageIdentifier, languages: tuple[str, ...]) -> LanguageIdentifier:
    """A py3langid identifier over the full model's arrays, restricted to *languages*."""
    identifier = LanguageIdentifier(
        full.nb_ptc, full.nb_pc, full.nb_classes, full.tk_nextmove, full.tk_output,
        norm_probs=True, tk_row=full.tk_row,
    )
    identifier.set_languages(list(languages))
    return identifier


def hard_cases(full: LanguageIdentifier) -> None:
    """The hand-written hard cases of tests/test_language.py, against py3langid alone."""
    cases = [(CANDIDATES, lang, text) for lang, text in SHORT_CASES] + OTHER_CASES
    ours = alone = 0
    for candidates, lang, text in cases:
        guess = identify(text, candidates).lang
        found = restricted(full, tuple(candidates)).classify(text)[0]
        ours += guess == lang
        alone += found == lang
        for who, answer in (("identify", guess), ("py3langid alone", found)):
            if answer != lang:
                print(f"   {who}: {lang} -> {answer}: {text[:80]}")
    print(f"   identify: {pct(ours, len(cases))}   py3langid alone: {pct(alone, len(cases))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (best is kept)")
    parser.add_argument("--errors", action="store_true", help="print every misidentified piece")
    args = parser.parse_args()
    releases = yaml.safe_load(RELEASES.read_text(encoding="utf-8"))["releases"]

    started = time.perf_counter()
    identify("warm-up", CANDIDATES)
    print(f"model load + first call: {time.perf_counter() - started:.2f} s")

    full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    baseline = restricted(full, CANDIDATES)
    bodies = [(r["lang"], expected_body(r["body"])) for r in releases]
    ok = sum(identify(text, CANDIDATES).lang == lang for lang, text in bodies)
    alone = sum(baseline.classify(text)[0] == lang for lang, text in bodies)
    print(f"\n1. whole bodies {dict(Counter(lang for lang, _ in bodies))}, no prior: {pct(ok, len(bodies))}; "
          f"py3langid alone (restricted to en/ru/kk, whole string): {pct(alone, len(bodies))}")

    short = [(r["lang"], p) for r in releases for p in pieces(r["body"])]
    heads = [(r["lang"], p) for r in releases for p in openings(r["body"])]
    sets = (("sentences, paragraphs and list items", short), ("sentence openings (2, 4, 6 words)", heads))
    for number, (title, items) in enumerate(sets, start=2):
        print(f"\n{number}. {title}: {len(items)}")
        report(items, baseline, args.errors)

    print("\n4. hard cases of tests/test_language.py (short paragraphs, other languages)")
    hard_cases(full)

    print("\n5. speed (best of", args.repeat, "passes)")
    for name, items in (("bodies", bodies), ("pieces", short), ("openings", heads)):
        chars = sum(len(text) for _, text in items)
        best = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            for _, text in items:
                identify(text, CANDIDATES)
            best = min(best, time.perf_counter() - started)
        rate = len(items) / best
        print(f"   {name:7} {len(items):4} texts, mean {chars / len(items):6.0f} chars: "
              f"{rate:8.0f} identifications/s ({1e6 / rate:6.0f} µs each)")


if __name__ == "__main__":
    main()
