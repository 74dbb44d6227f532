"""What WARC capture costs a run, and how fast ``scrape import`` reads WARC files back.

    python benchmarks/warc.py [--repeat 5]

Serves the fixture sites (Kazakhstan en/ru/kk and the global site) on 127.0.0.1 and, ``--repeat``
times, alternating so that both see the same machine load:

1. a first run into an empty archive with WARC capture on (the default) and one with ``warc:
   false`` (pages kept in ``pages.raw_html``): median wall time of each and their ratio; the bytes
   on disk (archive file, and the ``.warc/`` directory) and the bytes that hold the pages (the WARC
   files against the compressed ``raw_html`` column);
2. ``scrape import`` of the WARC files of a capture run into an empty archive: median wall time and
   releases per second, against a run that fetches the same releases over HTTP.

Nothing here is asserted by tests (tests/end_to_end/test_warc.py and test_import.py assert the
behaviour); this is the report.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from archive.warcs import warc_dir  # noqa: E402
from scraper import pipeline  # noqa: E402
from scraper.config import load_config  # noqa: E402
from scraper.pipeline.imports import import_warcs  # noqa: E402
from support.fixture_server import FIXTURES, FixtureServer  # noqa: E402
from support.helpers import KAZAKHSTAN, query, write_two_site_config  # noqa: E402


def size(path: Path) -> int:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size if path.exists() else 0


def first_run(directory: Path, kz: str, gl: str, warc: bool) -> dict:
    config_path = write_two_site_config(directory, kz, gl, warc=warc)
    started = time.perf_counter()
    report = pipeline.run(load_config(config_path), directory / "archive.db", pipeline.RunOptions())
    seconds = time.perf_counter() - started
    db = directory / "archive.db"
    raw = query(db, "SELECT coalesce(sum(length(raw_html)), 0) FROM pages")[0][0]
    return {"seconds": seconds, "status": report.status, "db": size(db), "warc": size(warc_dir(db)),
            "raw_html": raw, "releases": query(db, "SELECT count(*) FROM releases")[0][0],
            "config": config_path, "directory": directory}


def import_run(directory: Path, config_path: Path, files: list[Path]) -> dict:
    config = load_config(config_path)
    started = time.perf_counter()
    result = import_warcs(config, directory / "archive.db", files)
    seconds = time.perf_counter() - started
    releases = query(directory / "archive.db", "SELECT count(*) FROM releases")[0][0]
    return {"seconds": seconds, "releases": releases, "errors": len(result.errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # the runs' own log lines are not the report
    on, off, imports = [], [], []
    with FixtureServer(KAZAKHSTAN / "site") as kz, FixtureServer(FIXTURES / "global" / "site") as gl, \
            tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for n in range(args.repeat):
            for warc, runs in ((True, on), (False, off)) if n % 2 == 0 else ((False, off), (True, on)):
                directory = scratch / f"{'on' if warc else 'off'}-{n}"
                directory.mkdir()
                runs.append(first_run(directory, kz.base_url, gl.base_url, warc))
            captured = on[-1]
            files = sorted(warc_dir(captured["directory"] / "archive.db").glob("*.warc.gz"))
            target = scratch / f"import-{n}"
            target.mkdir()
            imports.append(import_run(target, write_two_site_config(target, kz.base_url, gl.base_url, warc=False), files))

    def median(rows: list[dict], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    print(f"fixture sites: kazakhstan (en/ru/kk) and global, {on[0]['releases']} releases; "
          f"median of {args.repeat} runs, alternating\n")
    print(f"{'first run':<34}{'seconds':>9}{'archive.db':>13}{'.warc/':>11}{'pages':>11}{'total':>11}")
    for label, rows in (("warc: false (pages in raw_html)", off), ("warc: true (pages in WARC)", on)):
        pages = median(rows, "warc") if rows is on else median(rows, "raw_html")
        print(f"{label:<34}{median(rows, 'seconds'):>9.3f}{median(rows, 'db'):>13,.0f}{median(rows, 'warc'):>11,.0f}"
              f"{pages:>11,.0f}{median(rows, 'db') + median(rows, 'warc'):>11,.0f}")
    ratio = statistics.median(a["seconds"] / b["seconds"] for a, b in zip(on, off))
    print(f"\nWARC capture: {ratio:.2f}x the wall time of a run without it (median of paired runs); "
          f"pages take {median(on, 'warc') / max(median(off, 'raw_html'), 1):.2f}x the bytes "
          f"(requests and responses with headers, every exchange, gzip per record, vs zlib'd page text only); "
          f"archive.db + .warc/ = {(median(on, 'db') + median(on, 'warc')) / median(off, 'db'):.2f}x archive.db alone")
    seconds = median(imports, "seconds")
    releases = imports[0]["releases"]
    print(f"\nscrape import of one capture run's WARC files: {seconds:.3f} s for {releases} releases = "
          f"{releases / seconds:,.0f} releases/s (a run fetching them over HTTP on 127.0.0.1: "
          f"{median(off, 'releases') / median(off, 'seconds'):,.0f} releases/s); errors: "
          f"{sorted({row['errors'] for row in imports})}")
    statuses = sorted({row["status"] for row in on + off})
    if statuses != ["ok"]:
        print(f"warning: run statuses {statuses}")


if __name__ == "__main__":
    main()
