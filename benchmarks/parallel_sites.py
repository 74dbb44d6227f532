"""Many sites in one run (issue 13): wall time serial vs parallel vs the per-host lower bound, and memory.

    pip install -e '.[benchmark]' && python benchmarks/parallel_sites.py [--hosts 20] [--delay 1.0] [--repeat 3]

``--hosts`` fixture servers on 127.0.0.1 (one port each: one host each), all serving the Kazakhstan
fixture site (tests/fixtures/kazakhstan/site), configured as that many sites with ``request_delay``
``--delay`` seconds. Each run collects the Russian listing and its releases of 2024 on into a fresh
archive (``--lang ru --since 2024-01-01``, the same few requests per host).

- **serial**: ``max_connections_total: 1`` (one host at a time, as before issue 13);
- **parallel**: ``max_connections_total`` = the number of hosts;
- **lower bound**: the busiest host's requests x delay (counted at the servers), the time no run
  can beat while keeping every host's delay. Target: parallel <= 1.2 x bound.

Wall times are medians of ``--repeat`` runs (serial: one run, it is the slow one). Memory:
tracemalloc's peak during a parallel run of 1, 5, 10 and ``--hosts`` sites (the fixture servers run
in this process and are counted too), per site, and the process's peak RSS at the end.

With a short delay (``--delay 0.2``) the run is bound by the CPU, not by the hosts' delays: the
pipeline's work (parsing, extraction, SQLite) runs one site at a time under the archive turn, about
0.1 s per site here, so 20 sites need about 2 s of CPU whatever the delay. Measured on the shared
2-core machine (issue 13): delay 1.0 -> parallel 1.02 x bound; delay 0.2 -> 1.66 x bound.
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.fixture_server import FixtureServer  # noqa: E402
from support.helpers import KAZAKHSTAN, write_config  # noqa: E402
from scraper import pipeline  # noqa: E402
from scraper.config import load_config  # noqa: E402

TARGET = 1.2
OPTIONS = pipeline.RunOptions(since=date(2024, 1, 1), langs=("ru",))


def config_for(directory: Path, servers: list[FixtureServer], delay: float, total: int) -> Path:
    path = write_config(directory, servers[0].base_url, request_delay=delay, max_connections_total=total)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    template = config["sites"][0]
    config["sites"] = [{**template, "key": f"site{i:02d}", "base_url": server.base_url}
                       for i, server in enumerate(servers)]
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def one_run(servers: list[FixtureServer], delay: float, total: int) -> tuple[float, int, int]:
    """Wall seconds, the busiest host's requests, releases stored."""
    for server in servers:
        server.reset()
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(config_for(Path(tmp), servers, delay, total))
        started = time.perf_counter()
        report = pipeline.run(config, Path(tmp) / "archive.db", OPTIONS)
        seconds = time.perf_counter() - started
    if report.errors:
        raise SystemExit(f"the run had errors: {report.errors[:3]}")
    return seconds, max(len(server.requests) for server in servers), report.counts["releases_new"]


def peak_memory(servers: list[FixtureServer], delay: float) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    one_run(servers, delay, len(servers))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    servers = [FixtureServer(KAZAKHSTAN / "site") for _ in range(args.hosts)]
    for server in servers:
        server.__enter__()
    try:
        serial, requests, stored = one_run(servers, args.delay, 1)
        parallel_runs = [one_run(servers, args.delay, args.hosts) for _ in range(args.repeat)]
        parallel = statistics.median(seconds for seconds, _, _ in parallel_runs)
        bound = max(busiest for _, busiest, _ in parallel_runs) * args.delay
        print(f"{args.hosts} hosts on 127.0.0.1, request_delay {args.delay} s, {requests} requests per host, "
              f"{stored} releases stored per run\n")
        print(f"{'run':<34}{'wall s':>9}{'x bound':>9}")
        print(f"{'lower bound (requests x delay)':<34}{bound:>9.2f}{1:>9.2f}")
        print(f"{'serial (max_connections_total 1)':<34}{serial:>9.2f}{serial / bound:>9.2f}")
        print(f"{f'parallel (median of {args.repeat})':<34}{parallel:>9.2f}{parallel / bound:>9.2f}")
        print(f"\nparallel / serial: {parallel / serial:.3f}; target parallel <= {TARGET} x bound: "
              f"{'met' if parallel <= TARGET * bound else 'NOT met'}\n")
        print(f"{'sites':>6}{'tracemalloc peak MB':>22}{'per site MB':>14}")
        for count in sorted({1, 5, 10, args.hosts}):
            if count > args.hosts:
                continue
            peak = peak_memory(servers[:count], args.delay)
            print(f"{count:>6}{peak / 1e6:>22.2f}{peak / 1e6 / count:>14.3f}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak RSS of the process (all runs): {rss:.0f} MB")
    finally:
        for server in servers:
            server.__exit__(None, None, None)


if __name__ == "__main__":
    main()
