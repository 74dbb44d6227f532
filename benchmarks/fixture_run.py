"""Time a full `scrape run` over the fixture site (served on 127.0.0.1), median of several runs.

    python benchmarks/fixture_run.py [--repeat 5]

Prints wall time per run (fresh archive each time), pages per second, and the time of a second,
unchanged run over the same archive, as a ratio to the first. No timing here is asserted by tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.helpers import KAZAKHSTAN, write_config  # noqa: E402
from support.fixture_server import FixtureServer  # noqa: E402
from scraper import pipeline  # noqa: E402
from scraper.config import load_config  # noqa: E402


def one_run(config_path: Path, archive: Path) -> tuple[float, pipeline.RunReport]:
    config = load_config(config_path)
    started = time.perf_counter()
    report = pipeline.run(config, archive, pipeline.RunOptions())
    return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    first, second, pages, releases = [], [], 0, 0
    with FixtureServer(KAZAKHSTAN / "site") as server:
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                config = write_config(Path(tmp), server.base_url)
                seconds, report = one_run(config, Path(tmp) / "archive.db")
                first.append(seconds)
                pages, releases = report.counts["pages_fetched"], report.counts["releases_new"]
                seconds, _ = one_run(config, Path(tmp) / "archive.db")
                second.append(seconds)
    first_median, second_median = statistics.median(first), statistics.median(second)
    print(f"fixture site: {releases} releases archived from {pages} release pages, {args.repeat} runs")
    print(f"first run (empty archive):   median {first_median:.3f} s  ({pages / first_median:.0f} pages/s)")
    print(f"second run (unchanged site): median {second_median:.3f} s  (ratio {second_median / first_median:.2f})")


if __name__ == "__main__":
    main()
