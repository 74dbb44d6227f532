"""The generic extractor on real-world article pages of other sites, side by side with trafilatura.

Our structural layer (no site template, no config hints) and ``trafilatura.extract`` get the same
HTML; each page has snippets that must appear in the extracted text ("with") and snippets of page
furniture that must not ("without"). Reported per extractor: pages whose "with" snippets are all
present, pages where no "without" snippet leaked, pages passing both, extraction errors (ours:
:class:`scraper.extract.ExtractionError`, counted as an empty text), and pages per second (median
of ``--repeat`` timed passes). Then every page we fail, with the snippets we missed or leaked and
how trafilatura did on it. Only our ``body`` is checked (the title is stored apart).

The pages are not in this repository (third-party content). To build them from trafilatura's own
real-world test set (``tests/cache/*.html`` and ``tests/realworld_tests.py`` in the
adbar/trafilatura repository)::

    git clone --depth 1 https://github.com/adbar/trafilatura /tmp/trafilatura
    python benchmarks/realworld_eval.py --build-expectations /tmp/trafilatura/tests/realworld_tests.py \\
        > /tmp/realworld/expectations.json
    python benchmarks/realworld_eval.py /tmp/trafilatura/tests/cache /tmp/realworld/expectations.json

``--build-expectations`` reads ``MOCK_PAGES`` (URL -> file name) and the plain-text assertions of
``test_extract`` (``assert "snippet" in result`` / ``not in result`` after each
``do_load_page(url)``; ``if`` blocks are evaluated for text output without formatting, as this
benchmark runs) and prints ``{file: {"url": ..., "with": [...], "without": [...]}}``. Any folder of
``.html`` files with such a JSON (or YAML) file works; pages of the expectations that are not in
the folder are skipped, so a subset of the cache can be measured. Files are read as UTF-8, else
with the charset that charset_normalizer guesses.

trafilatura runs with its defaults (``trafilatura.extract(html, url=url)``), which keep reader
comments, and a few of its "with" snippets are comment text; our body leaves comments out on
purpose, so such a miss is expected rather than a defect.

    pip install -e '.[benchmark]' && python benchmarks/realworld_eval.py PAGES_DIR EXPECTATIONS [--repeat 3]
"""

from __future__ import annotations

import argparse
import ast
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from scraper.extract import ExtractionError, extract  # noqa: E402
from scraper.extract.templates import block_key  # noqa: E402

# --- expectations ----------------------------------------------------------------------------


def build_expectations(tests_py: Path) -> dict[str, dict]:
    """``{file: {"url", "with", "without"}}`` from trafilatura's ``tests/realworld_tests.py``."""
    module = ast.parse(tests_py.read_text(encoding="utf-8"))
    mock_pages: dict[str, str] = {}
    test_extract = None
    for node in module.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "MOCK_PAGES" for t in node.targets):
            mock_pages = ast.literal_eval(node.value)
        elif isinstance(node, ast.FunctionDef) and node.name == "test_extract":
            test_extract = node
    if test_extract is None:
        raise SystemExit(f"{tests_py}: no test_extract function")
    found: dict[str, dict] = {}
    state: dict[str, str | None] = {"url": None}
    flags = {"xmloutput": False, "formatting": False}

    def visit(statements: list[ast.stmt]) -> None:
        for stmt in statements:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                call = stmt.value
                if getattr(call.func, "id", None) == "do_load_page" and call.args:
                    state["url"] = _constant_string(call.args[0])
            elif isinstance(stmt, ast.If):
                condition = compile(ast.Expression(stmt.test), "<if>", "eval")
                try:
                    passed = eval(condition, {"__builtins__": {}}, dict(flags))  # noqa: S307
                except Exception:  # noqa: BLE001 - a condition on something else: skip the block
                    continue
                visit(stmt.body if passed else stmt.orelse)
            elif isinstance(stmt, ast.Assert) and state["url"] in mock_pages:
                _add_assertion(stmt.test, found, mock_pages[state["url"]], state["url"])

    visit(test_extract.body)
    return found


def _add_assertion(test: ast.expr, found: dict[str, dict], filename: str, url: str) -> None:
    """``"snippet" in result`` / ``"snippet" not in result``; other assertions are ignored."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn))):
        return
    snippet = _constant_string(test.left)
    if snippet is None or getattr(test.comparators[0], "id", None) != "result":
        return
    entry = found.setdefault(filename, {"url": url, "with": [], "without": []})
    entry["with" if isinstance(test.ops[0], ast.In) else "without"].append(snippet)


def _constant_string(node: ast.expr) -> str | None:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def load_expectations(path: Path) -> dict[str, dict]:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        import yaml

        return yaml.safe_load(text)
    return json.loads(text)


def read_page(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("cp1252", errors="replace")


# --- extractors ------------------------------------------------------------------------------


def ours(html: str, url: str) -> str | None:
    """Our body, structure only; None when extraction raised ExtractionError."""
    try:
        return extract(html, url).body
    except ExtractionError:
        return None


def theirs(html: str, url: str) -> str | None:
    return trafilatura.extract(html, url=url)


def check(text: str | None, expected: dict) -> dict:
    text = text or ""
    missed = [s for s in expected.get("with", []) if s not in text]
    leaked = [s for s in expected.get("without", []) if s in text]
    return {"missed": missed, "leaked": leaked}


def speed(extractor, pages: list[dict], repeat: int) -> float:
    rates = []
    for _ in range(repeat):
        block_key.cache_clear()
        started = time.perf_counter()
        for page in pages:
            extractor(page["html"], page["url"])
        rates.append(len(pages) / (time.perf_counter() - started))
    return statistics.median(rates)


def evaluate(extractor, pages: list[dict]) -> tuple[dict, dict[str, dict]]:
    results: dict[str, dict] = {}
    for page in pages:
        text = extractor(page["html"], page["url"])
        results[page["file"]] = {**check(text, page["expected"]), "error": text is None}
    with_pages = [p for p in pages if p["expected"].get("with")]
    without_pages = [p for p in pages if p["expected"].get("without")]
    summary = {
        "with_ok": sum(not results[p["file"]]["missed"] for p in with_pages),
        "with_pages": len(with_pages),
        "without_ok": sum(not results[p["file"]]["leaked"] for p in without_pages),
        "without_pages": len(without_pages),
        "both": sum(not r["missed"] and not r["leaked"] for r in results.values()),
        "errors": sum(r["error"] for r in results.values()),
        "snippets_found": sum(len(p["expected"].get("with", [])) - len(results[p["file"]]["missed"]) for p in pages),
        "snippets_with": sum(len(p["expected"].get("with", [])) for p in pages),
        "snippets_leaked": sum(len(results[p["file"]]["leaked"]) for p in pages),
        "snippets_without": sum(len(p["expected"].get("without", [])) for p in pages),
    }
    return summary, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="?", type=Path, help="folder of .html files")
    parser.add_argument("expectations", nargs="?", type=Path, help="JSON or YAML: file -> {url, with, without}")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (median)")
    parser.add_argument("--build-expectations", type=Path, metavar="REALWORLD_TESTS_PY",
                        help="print the expectations read from trafilatura's tests/realworld_tests.py and exit")
    args = parser.parse_args()
    if args.build_expectations:
        json.dump(build_expectations(args.build_expectations), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    if args.pages is None or args.expectations is None:
        parser.error("PAGES and EXPECTATIONS are required")

    expectations = load_expectations(args.expectations)
    pages, absent = [], []
    for filename, expected in sorted(expectations.items()):
        path = args.pages / filename
        if not path.is_file():
            absent.append(filename)
            continue
        url = expected.get("url") or f"https://example.org/{filename}"
        pages.append({"file": filename, "url": url, "html": read_page(path), "expected": expected})
    if not pages:
        raise SystemExit("no page of the expectations is in the folder")

    extractors = {"ours (structure only)": ours, f"trafilatura {trafilatura.__version__}": theirs}
    for extractor in extractors.values():  # warm-up: imports, caches
        extractor(pages[0]["html"], pages[0]["url"])
    rows, details = {}, {}
    for name, extractor in extractors.items():
        summary, details[name] = evaluate(extractor, pages)
        rows[name] = {**summary, "pps": speed(extractor, pages, args.repeat)}

    print(f"{len(pages)} pages ({len(absent)} of the expectations not in the folder); "
          f"median of {args.repeat} timed passes\n")
    print(f"{'extractor':<24} {'all with':>9} {'no without':>11} {'both':>6} {'errors':>6} "
          f"{'snippets found':>15} {'leaked':>8} {'pages/s':>8}")
    for name, row in rows.items():
        print(f"{name:<24} {row['with_ok']:>4}/{row['with_pages']:<4} {row['without_ok']:>6}/{row['without_pages']:<4} "
              f"{row['both']:>6} {row['errors']:>6} {row['snippets_found']:>8}/{row['snippets_with']:<6} "
              f"{row['snippets_leaked']:>4}/{row['snippets_without']:<3} {row['pps']:>8.1f}")

    ours_name, theirs_name = list(extractors)
    failures = {f: r for f, r in details[ours_name].items() if r["missed"] or r["leaked"]}
    print(f"\nour failures ({len(failures)}):")
    for filename, result in failures.items():
        other = details[theirs_name][filename]
        verdict = "ok" if not other["missed"] and not other["leaked"] else \
            f"missed {len(other['missed'])}, leaked {len(other['leaked'])}"
        print(f"  {filename}{' (ExtractionError)' if result['error'] else ''}   [trafilatura: {verdict}]")
        for snippet in result["missed"]:
            print(f"      missed: {snippet!r}")
        for snippet in result["leaked"]:
            print(f"      leaked: {snippet!r}")


if __name__ == "__main__":
    main()
