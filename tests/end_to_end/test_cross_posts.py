"""Cross-posts end to end: the Kazakhstan site and the global site (which republishes two
Kazakhstan releases, one identical, one lightly edited) read in either order, in one run or in
separate runs: every archive ends with the same links, each copy pointing at its original."""

from __future__ import annotations

import pytest
import yaml

from support.fixture_server import FixtureServer
from support.helpers import FIXTURES, KAZAKHSTAN, query, scrape

GLOBAL = yaml.safe_load((FIXTURES / "global" / "releases.yaml").read_text(encoding="utf-8"))
CROSS_POSTS = [r for r in GLOBAL["releases"] if r.get("cross_post_of")]

# How each archive is built: the order of the sites in the config, and the runs (None: every site).
ORDERS = {
    "kazakhstan first, one run": (["kazakhstan", "global"], [None]),
    "global first, one run": (["global", "kazakhstan"], [None]),
    "kazakhstan run, then global run": (["kazakhstan", "global"], ["kazakhstan", "global"]),
    "global run, then kazakhstan run": (["kazakhstan", "global"], ["global", "kazakhstan"]),
    "global run, then both": (["global", "kazakhstan"], ["global", None]),
}


def build(directory, bases: dict[str, str], order: list[str], runs: list[str | None]):
    sites = {
        "kazakhstan": {"key": "kazakhstan", "base_url": bases["kazakhstan"],
                       "languages": {"en": "", "ru": "/ru", "kk": "/kk"}},
        "global": {"key": "global", "base_url": bases["global"], "languages": {"en": ""}},
    }
    config = directory / "config.yaml"
    config.write_text(yaml.safe_dump({"archive": "archive.db", "request_delay": 0, "retries": 0, "timeout": 5,
                                      "sites": [sites[key] for key in order]}), encoding="utf-8")
    results = []
    for site in runs:
        args = ["run", "--config", str(config), "--since", "2021-01-01"]
        results.append(scrape(*args, *(["--site", site] if site else [])))
    return results, directory / "archive.db"


def links(db, bases: dict[str, str]) -> set[tuple[str, str]]:
    """Every cross-post link as (copy, original), URLs relative to their site."""
    def relative(url: str) -> str:
        for key, base in bases.items():
            if url.startswith(base):
                return key + ":" + url[len(base):]
        return url
    rows = query(db, "SELECT c.url AS copy, o.url AS original FROM releases c JOIN releases o ON o.id = c.duplicate_of")
    return {(relative(row["copy"]), relative(row["original"])) for row in rows}


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    built = {}
    with FixtureServer(KAZAKHSTAN / "site") as kz, FixtureServer(FIXTURES / "global" / "site") as gl:
        bases = {"kazakhstan": kz.base_url, "global": gl.base_url}
        for name, (order, runs) in ORDERS.items():
            built[name] = build(tmp_path_factory.mktemp("cross"), bases, order, runs)
    return bases, built


EXPECTED = {("global:" + r["path"], r["cross_post_of"]["site"] + ":" + r["cross_post_of"]["path"]) for r in CROSS_POSTS}


@pytest.mark.parametrize("name", list(ORDERS))
def test_every_copy_points_at_its_original_whatever_the_order(archives, name):
    bases, built = archives
    results, db = built[name]
    assert all(result.exit_code == 0 for result in results), [result.output for result in results]
    assert links(db, bases) == EXPECTED
    # the originals themselves point nowhere, and nothing else is a cross-post
    assert query(db, "SELECT count(*) FROM releases WHERE duplicate_of IS NOT NULL")[0][0] == len(CROSS_POSTS)


def test_the_exact_and_the_near_copy_are_both_linked():
    assert len(CROSS_POSTS) == 2
