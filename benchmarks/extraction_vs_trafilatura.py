"""Our extractor and trafilatura side by side over the golden fixture pages, in one process.

    pip install -e '.[benchmark]' && python benchmarks/extraction_vs_trafilatura.py [--repeat 5]

For every fixture release page of every template folder (tests/fixtures/kazakhstan/{site,legacy,
redesign}), both extractors get the same HTML. Reported per extractor: token-level precision,
recall and F1 of the body against the golden text (micro-averaged over pages), pages whose body
contains a boilerplate string of the site (menus, footers, teasers, cookie text) and how many
such strings leaked, and pages per second (median of --repeat timed passes). "ours" runs as a
collection run does, with the template learned from the folder's pages; "ours, structure only"
shows what the learned template adds. Ratios are against trafilatura, measured in the same run.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import trafilatura  # noqa: E402

from support.helpers import KAZAKHSTAN, expected_body, load_golden  # noqa: E402
from scraper.extract import extract  # noqa: E402
from scraper.extract.templates import block_key, learned_template, page_block_keys  # noqa: E402

FOLDERS = ("site", "legacy", "redesign")
BASE = "http://127.0.0.1:8765"
TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter:
    return Counter(TOKEN.findall(text.casefold()))


def load_pages(golden: dict) -> list[dict]:
    pages = []
    for folder in FOLDERS:
        if not (KAZAKHSTAN / folder).is_dir():
            continue
        for release in golden["releases"]:
            html = (KAZAKHSTAN / folder / (release["path"].strip("/") + ".html")).read_text(encoding="utf-8")
            pages.append({"folder": folder, "release": release, "html": html.replace("__BASE__", BASE)})
    return pages


def templates(pages: list[dict]) -> dict[tuple[str, str], frozenset[str]]:
    counts: dict[tuple[str, str], Counter] = {}
    for page in pages:
        key = (page["folder"], page["release"]["lang"])
        counts.setdefault(key, Counter()).update(page_block_keys(page["html"]))
    return {key: learned_template(dict(value)) for key, value in counts.items()}


def ours(learned):
    def run(page: dict) -> str:
        release = page["release"]
        template = learned.get((page["folder"], release["lang"]), frozenset())
        return extract(page["html"], BASE + release["path"], lang_hint=release["lang"], template=template).body
    return run


def theirs(page: dict) -> str:
    return trafilatura.extract(page["html"], url=BASE + page["release"]["path"]) or ""


def score(extractor, pages: list[dict], boilerplate: dict) -> dict:
    true_positive = extracted_total = golden_total = leaked_pages = leaked_strings = 0
    for page in pages:
        release = page["release"]
        text = extractor(page)
        got, want = tokens(text), tokens(expected_body(release["body"]))
        true_positive += sum((got & want).values())
        extracted_total += sum(got.values())
        golden_total += sum(want.values())
        leaks = [s for s in boilerplate[release["lang"]] if s in text]
        leaked_pages += bool(leaks)
        leaked_strings += len(leaks)
    precision = true_positive / extracted_total if extracted_total else 0.0
    recall = true_positive / golden_total if golden_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "leaked_pages": leaked_pages, "leaks": leaked_strings}


def speed(extractor, pages: list[dict], repeat: int) -> float:
    """Pages per second, median of ``repeat`` passes.

    Our block-key cache is emptied before each folder of each pass: across a real site only the
    chrome recurs, while here the same bodies come back in every pass and in every template.
    """
    folders = sorted({page["folder"] for page in pages})
    rates = []
    for _ in range(repeat):
        elapsed = 0.0
        for folder in folders:
            block_key.cache_clear()
            started = time.perf_counter()
            for page in pages:
                if page["folder"] == folder:
                    extractor(page)
            elapsed += time.perf_counter() - started
        rates.append(len(pages) / elapsed)
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    golden = load_golden()
    pages = load_pages(golden)
    learned = templates(pages)
    extractors = {
        "ours": ours(learned),
        "ours, structure only": ours({}),
        f"trafilatura {trafilatura.__version__}": theirs,
    }
    for extractor in extractors.values():  # warm-up: imports, dateparser locales, caches
        extractor(pages[0])
    folders = sorted({p["folder"] for p in pages})
    print(f"{len(pages)} pages: {len(golden['releases'])} releases x templates {', '.join(folders)}; "
          f"median of {args.repeat} timed passes\n")
    rows = {name: {**score(fn, pages, golden["boilerplate"]), "pps": speed(fn, pages, args.repeat)}
            for name, fn in extractors.items()}
    reference = rows[f"trafilatura {trafilatura.__version__}"]
    print(f"{'extractor':<24} {'precision':>9} {'recall':>7} {'F1':>7} {'leaky pages':>11} {'leaks':>6} "
          f"{'pages/s':>9} {'speed ratio':>11}")
    for name, row in rows.items():
        print(f"{name:<24} {row['precision']:>9.4f} {row['recall']:>7.4f} {row['f1']:>7.4f} "
              f"{row['leaked_pages']:>11} {row['leaks']:>6} {row['pps']:>9.0f} {row['pps'] / reference['pps']:>10.1f}x")
    print("\nper template folder, F1 (ours / trafilatura):")
    for folder in folders:
        subset = [p for p in pages if p["folder"] == folder]
        a = score(extractors["ours"], subset, golden["boilerplate"])
        b = score(theirs, subset, golden["boilerplate"])
        print(f"  {folder:<10} {a['f1']:.4f} / {b['f1']:.4f}   leaks {a['leaks']} / {b['leaks']}")


if __name__ == "__main__":
    main()
