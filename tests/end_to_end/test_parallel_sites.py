"""Many sites in one run (issue 13): every host is read at the same time, each under its own robots
rules and delay, and a host that is slow, refusing or down neither stops nor slows the others."""

from __future__ import annotations

import socket
from itertools import pairwise

import yaml

from support.helpers import KAZAKHSTAN, query, scrape, write_config
from support.fixture_server import FixtureServer, Served

SITE = KAZAKHSTAN / "site"
SMALL_RUN = ("--lang", "ru", "--since", "2024-01-01")  # the Russian listing and its releases of 2024 on


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sites_config(tmp_path, bases: dict[str, str], **settings):
    path = write_config(tmp_path, next(iter(bases.values())), **settings)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    template = config["sites"][0]
    config["sites"] = [{**template, "key": key, "base_url": base} for key, base in bases.items()]
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_slow_refusing_or_down_host_neither_stops_nor_slows_the_others(tmp_path):
    with FixtureServer(SITE) as slow, FixtureServer(SITE) as refusing, FixtureServer(SITE) as healthy:
        slow.overrides["/robots.txt"] = Served(200, "text/plain", b"User-agent: *\nCrawl-delay: 0.4\n")
        refusing.inject(1.0, kinds=("429",), max_per_url=1000)
        down = f"http://127.0.0.1:{free_port()}"  # nothing listens there: connection refused
        # the healthy site comes last: read serially, it would wait for all the others
        config = sites_config(tmp_path, {"slow": slow.base_url, "refusing": refusing.base_url, "down": down,
                                         "healthy": healthy.base_url})
        result = scrape("run", "--config", str(config), *SMALL_RUN)
        healthy_done = max(request.at for request in healthy.requests)
        slow_requests = sorted(request.at for request in slow.requests)
    db = tmp_path / "archive.db"
    stored = {row["site"]: row["n"] for row in query(db, "SELECT site, count(*) AS n FROM releases GROUP BY site")}
    assert stored["healthy"] == stored["slow"] > 0  # both sites complete, the slow one too
    assert "refusing" not in stored and "down" not in stored
    # the slow host was still being read (one request each 0.4 s) when the healthy one had finished
    assert len(slow_requests) >= 4 and healthy_done < slow_requests[-2]
    assert all(b - a >= 0.38 for a, b in pairwise(slow_requests[1:]))  # its own Crawl-delay kept
    assert result.exit_code == 3  # partial: some sites failed, others were read
    run = query(db, "SELECT * FROM runs ORDER BY id DESC LIMIT 1")[0]
    unreachable = {error["site"] for error in yaml.safe_load(run["error_log"]) if error.get("kind") == "site"}
    assert unreachable == {"refusing", "down"}
    assert "site refusing unreachable" in result.output and "site down unreachable" in result.output
    lines = result.output.splitlines()  # the summary has a line per site with its own outcome
    assert "  slow      ok" in lines and "  healthy   ok" in lines
    assert any(line.startswith("  refusing  unreachable") for line in lines), result.output
    assert any(line.startswith("  down      unreachable") for line in lines), result.output


def test_a_run_of_sites_that_are_all_down_fails_with_each_named(tmp_path):
    config = sites_config(tmp_path, {"one": f"http://127.0.0.1:{free_port()}", "two": f"http://127.0.0.1:{free_port()}"})
    result = scrape("run", "--config", str(config), *SMALL_RUN)
    assert result.exit_code == 4
    assert "site one unreachable" in result.output and "site two unreachable" in result.output
