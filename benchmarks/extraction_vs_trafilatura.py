"""Our extractor and trafilatura side by side, in one process, on two corpora.

    pip install -e '.[benchmark]' && python benchmarks/extraction_vs_trafilatura.py [--repeat 5]

1. **IOM pages**: every fixture release in every template folder (tests/fixtures/kazakhstan/{site,
   legacy,redesign,paragraphs}). "ours" runs as a collection run does, with the template learned
   from the folder's pages of the same language; "ours, structure only" without it.
2. **Pages of other CMSs** (tests/fixtures/pages/pages.yaml: WordPress, Ghost, newspapers, Drupal 7,
   layout builder and Paragraphs, static sites, blogs, news sites; en, ru, kk, de): no learned
   template and no config hint, as for a page of a site never seen before.

Both extractors get the same HTML and URL (trafilatura with its default settings). Reported per
extractor: token precision, recall and F1 of the body against the expected text (micro-averaged
over pages; tests/support/quality.py), pages whose body contains a boilerplate or furniture string
and how many such strings, and pages per second (median of --repeat timed passes, ours and
trafilatura's passes interleaved so that a busy machine slows both alike). Then per template folder
and per page kind, and the targets of issue 11.

To measure another version of the extractor on the same corpora, put it first on the path:
``PYTHONPATH=/path/to/other/checkout python benchmarks/extraction_vs_trafilatura.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import trafilatura  # noqa: E402

import scraper.extract as extraction  # noqa: E402
from scraper.extract import extract  # noqa: E402
from scraper.extract.templates import block_key  # noqa: E402

clear_caches = getattr(extraction, "clear_caches", block_key.cache_clear)  # older versions: block keys only
from support.quality import Page, by_group, golden_pages, run, score, shape_pages  # noqa: E402

TRAFILATURA = f"trafilatura {trafilatura.__version__}"
SPEED_TARGET = 4.0
RECALL_TARGET = 0.99


def ours(page: Page) -> str:
    return extract(page.html, page.url, lang_hint=page.lang, template=page.template).body


def structure_only(page: Page) -> str:
    return extract(page.html, page.url, lang_hint=page.lang).body


def theirs(page: Page) -> str:
    return trafilatura.extract(page.html, url=page.url) or ""


def timed_pass(extractor, pages: tuple[Page, ...]) -> float:
    """Seconds for one pass over ``pages``. Our caches are emptied before each group: across a real
    site only the chrome recurs, while here the same bodies come back in every pass and template."""
    elapsed = 0.0
    for group in sorted({page.group for page in pages}):
        clear_caches()
        subset = [page for page in pages if page.group == group]
        started = time.perf_counter()
        for page in subset:
            try:
                extractor(page)
            except Exception:  # noqa: BLE001 - a failed page costs its time too
                pass
        elapsed += time.perf_counter() - started
    return elapsed


def speeds(extractors: dict, pages: tuple[Page, ...], repeat: int) -> dict[str, float]:
    """Pages per second of each extractor, median of ``repeat`` passes taken in turn."""
    times: dict[str, list[float]] = {name: [] for name in extractors}
    for _ in range(repeat):
        for name, extractor in extractors.items():
            times[name].append(timed_pass(extractor, pages))
    return {name: len(pages) / statistics.median(values) for name, values in times.items()}


def table(rows: dict[str, dict], reference: str) -> None:
    print(f"  {'extractor':<24} {'precision':>9} {'recall':>7} {'F1':>7} {'leaky pages':>11} {'leaks':>6} "
          f"{'pages/s':>8} {'speed':>6}")
    for name, row in rows.items():
        print(f"  {name:<24} {row['score'].precision:>9.4f} {row['score'].recall:>7.4f} {row['score'].f1:>7.4f} "
              f"{row['score'].leaky_pages:>11} {row['score'].leaks:>6} {row['pps']:>8.0f} "
              f"{row['pps'] / rows[reference]['pps']:>5.1f}x")


def corpus(title: str, pages: tuple[Page, ...], extractors: dict, repeat: int) -> dict[str, dict]:
    print(f"\n{title}: {len(pages)} pages; median of {repeat} timed passes")
    results = {name: run(extractor, pages) for name, extractor in extractors.items()}
    rates = speeds(extractors, pages, repeat)
    rows = {name: {"score": score(results[name]), "groups": by_group(results[name]), "pps": rates[name]}
            for name in extractors}
    table(rows, TRAFILATURA)
    return rows


def per_group(rows: dict[str, dict], label: str) -> None:
    names = list(rows)
    print(f"\n  per {label}: F1 ({' / '.join(names)}), recall ({names[0]}), leaks ({' / '.join(names)})")
    for group in sorted(rows[names[0]]["groups"]):
        scores = [rows[name]["groups"][group] for name in names]
        print(f"    {group:<11} {' / '.join(f'{s.f1:.4f}' for s in scores)}   recall {scores[0].recall:.4f}   "
              f"leaks {' / '.join(str(s.leaks) for s in scores)}   ({scores[0].pages} pages)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    golden, shapes = golden_pages(), shape_pages()
    for extractor in (ours, theirs):  # warm-up: imports, dateparser locales, caches
        run(extractor, golden[:3] + shapes[:3])
    version = getattr(extraction, "EXTRACTOR_VERSION", 1)
    print(f"extractor version {version} ({Path(extraction.__file__).parent.parent.parent}), {TRAFILATURA}")

    iom = corpus("IOM pages (24 releases x templates site, legacy, redesign, paragraphs)", golden,
                 {"ours": ours, "ours, structure only": structure_only, TRAFILATURA: theirs}, args.repeat)
    per_group(iom, "template folder")
    other = corpus("Pages of other CMSs, no learned template", shapes,
                   {"ours": structure_only, TRAFILATURA: theirs}, args.repeat)
    per_group(other, "page kind")

    kinds = other["ours"]["groups"]
    behind = [kind for kind, s in kinds.items() if s.f1 < other[TRAFILATURA]["groups"][kind].f1]
    ratio = other["ours"]["pps"] / other[TRAFILATURA]["pps"]
    iom_ours = iom["ours"]["score"]
    worst_recall = min(s.recall for s in iom["ours"]["groups"].values())
    print("\nTargets of issue 11:")
    print(f"  F1 at least trafilatura's on every kind of page: {'yes' if not behind else 'no: ' + ', '.join(behind)}")
    print(f"  at least {SPEED_TARGET:.0f}x trafilatura's speed on those pages: {ratio:.1f}x "
          f"({'yes' if ratio >= SPEED_TARGET else 'no'})")
    print(f"  IOM pages: recall at least {RECALL_TARGET} with no leaks: recall {iom_ours.recall:.4f} (lowest "
          f"folder {worst_recall:.4f}), {iom_ours.leaks} leaks "
          f"({'yes' if worst_recall >= RECALL_TARGET and not iom_ours.leaks else 'no'})")


if __name__ == "__main__":
    main()
