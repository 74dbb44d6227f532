"""What runs over the fixture site cost the server, in requests, counted at the server.

    python benchmarks/request_counts.py [--fault-rate 0.33] [--seed 8] [--folder site]

Serves the fixture site (with ETag/Last-Modified, so revalidation can get 304s) and prints, per
kind of request (robots.txt, listing pages, sitemap, release pages downloaded, 304 Not Modified,
failed attempts):

Columns: `release` release pages downloaded (200), `304` conditional requests answered Not
Modified, `faulted` requests that got an injected fault, `failed` other non-200 answers.

1. a first run into an empty archive (no --since: everything);
2. a second run right after, on the unchanged site (incremental: no --since, so listings stop at
   the first page of archived releases, and `revalidate_per_run` releases are re-checked): robots.txt,
   the listing pages and the sitemap are asked for conditionally (ETag / Last-Modified kept from the
   first run in `kept_responses`) and answered 304;
2b. a third run, unchanged, on a night the revalidation sample is not due (`revalidate_every_days: 7`);
   for 2 and 2b, the requests per site-language against the target: at most 2 per site-language
   plus one robots.txt per host, 304s included, and the sample only on the nights it is due;
3. a first run with transient faults on about a third of the requests (500/503/429 with
   Retry-After: 1, stalls past the 0.5 s timeout, dropped connections, truncated bodies; each URL
   faulted at most twice, 3 retries): the faults met, the retries, the errors, and whether its
   archive equals the fault-free one.

No figure here is asserted by tests (tests/test_politeness.py and tests/test_resilience.py assert
the properties); this is the report.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.archive_checks import consistency_problems, dump_archive, request_counts, request_kind  # noqa: E402
from support.helpers import KAZAKHSTAN, query, write_config  # noqa: E402
from support.fixture_server import FixtureServer  # noqa: E402
from scraper import pipeline  # noqa: E402
from scraper.config import load_config  # noqa: E402

KINDS = ("robots", "listing", "sitemap", "release", "304", "faulted", "failed", "other")


def run_once(config_path: Path) -> tuple[pipeline.RunReport, float]:
    config = load_config(config_path)
    started = time.perf_counter()
    report = pipeline.run(config, config_path.parent / "archive.db", pipeline.RunOptions())
    return report, time.perf_counter() - started


def not_modified(requests) -> Counter:
    """How many requests of each kind (robots, listing, sitemap, release) were answered 304."""
    return Counter("release" if kind == "304" else kind
                   for kind, status in ((request_kind(r.path, r.status, r.fault), r.status) for r in requests)
                   if status == 304)


def row(label: str, counts: Counter, seconds: float) -> str:
    cells = "".join(f"{counts.get(kind, 0):>9}" for kind in KINDS)
    return f"{label:<28}{cells}{sum(counts.values()):>9}{seconds:>9.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fault-rate", type=float, default=1 / 3)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--folder", default="site", help="site, legacy or redesign")
    args = parser.parse_args()
    root = KAZAKHSTAN / args.folder
    logging.basicConfig(level=logging.CRITICAL)  # the run's own log lines are not the report

    print(f"fixture site {root.relative_to(ROOT)}, requests counted at the server\n")
    print(f"{'run':<28}" + "".join(f"{kind:>9}" for kind in KINDS) + f"{'total':>9}{'seconds':>9}")
    with tempfile.TemporaryDirectory() as tmp, FixtureServer(root, validators=True) as server:
        config = write_config(Path(tmp), server.base_url)
        first, seconds = run_once(config)
        first_counts = request_counts(server.requests)
        print(row("1. first run", first_counts, seconds))
        reference = dump_archive(Path(tmp) / "archive.db", server.base_url)
        server.reset()
        second, seconds = run_once(config)
        second_counts = request_counts(server.requests)
        print(row("2. second run, unchanged", second_counts, seconds))
        langs = 3
        second_304 = not_modified(server.requests)
        server.reset()
        write_config(Path(tmp), server.base_url, revalidate_every_days=7)  # the sample ran last night: not due
        third, seconds = run_once(config)
        third_counts = request_counts(server.requests)
        print(row("2b. unchanged, sample not due", third_counts, seconds))
        third_304 = not_modified(server.requests)
        bound = 2 * langs + 1  # one site, one host
        print(f"\n   first run: {sum(first_counts.values())} requests")
        for label, counts, answered, report in (("second run (sample due)", second_counts, second_304, second),
                                                ("2b (sample not due)", third_counts, third_304, third)):
            total = sum(counts.values())
            sample = counts.get("304", 0) + counts.get("release", 0)
            print(f"   {label}: {total} requests = {total / langs:.1f} per site-language ({langs} languages, 1 site, "
                  f"1 host); without the revalidation sample {total - sample} (target <= {bound} = 2 x {langs} + 1 "
                  f"robots.txt: {'met' if total - sample <= bound else 'MISSED'}); answered 304: "
                  + ", ".join(f"{n} {kind}" for kind, n in sorted(answered.items()))
                  + f"; {report.counts['pages_fetched']} downloads, {report.counts['releases_new']} new")

    with tempfile.TemporaryDirectory() as tmp, FixtureServer(root, validators=True) as server:
        server.inject(rate=args.fault_rate, max_per_url=2, seed=args.seed, stall=2.0)
        config = write_config(Path(tmp), server.base_url, retries=3, retry_backoff=0.05, timeout=0.5)
        report, seconds = run_once(config)
        counts = request_counts(server.requests)
        print()
        print(row(f"3. first run, faults {args.fault_rate:.0%}", counts, seconds))
        faults = server.faults_served()
        by_kind = Counter(kind for _, kind in faults)
        urls = {r.path for r in server.requests}
        db = Path(tmp) / "archive.db"
        (run,) = query(db, "SELECT status, requests, errors, releases_new FROM runs")
        same = dump_archive(db, server.base_url) == reference
        print(f"\n   {len(server.requests)} requests for {len(urls)} URLs: {len(faults)} faults served "
              f"({len(faults) / len(server.requests):.0%} of requests): "
              + ", ".join(f"{n} {kind}" for kind, n in sorted(by_kind.items())))
        print(f"   retries (requests beyond the first per URL): {len(server.requests) - len(urls)}; "
              f"run status {run['status']}, {run['errors']} errors, {run['releases_new']} releases new, "
              f"runs.requests {run['requests']}")
        print(f"   archive equal to the fault-free one (releases, versions, URLs, pages, template): {same}; "
              f"consistency problems: {consistency_problems(db) or 'none'}")
        if report.errors:
            for error in report.errors:
                print(f"   error: {error['url']}: {error['error']}")


if __name__ == "__main__":
    main()
