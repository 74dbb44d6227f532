"""`scrape export` and `scrape serve` as a researcher uses them, on an archive built by `scrape run` over
the fixture site: date ranges, unknown sites and languages refused (with or without a config), every
row in CSV with a BOM; `scrape serve` on a port in use, and really serving."""

from __future__ import annotations

import csv
import io
import json
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from archive.serve.metadata import database_name
from support.helpers import load_golden, scrape, write_config

GOLDEN = load_golden()["releases"]


@pytest.fixture(scope="module")
def archive(kazakhstan_server, tmp_path_factory):
    directory = tmp_path_factory.mktemp("export")
    config = write_config(directory, kazakhstan_server.base_url)
    result = scrape("run", "--config", str(config))
    assert result.exit_code == 0, result.output
    return {"db": directory / "archive.db", "config": config}


def exported(*args: str) -> list[dict]:
    result = scrape("export", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_until_bounds_the_dates(archive):
    rows = exported("--archive", str(archive["db"]), "--since", "2022-01-01", "--until", "2023-12-31")
    expected = [r for r in GOLDEN if "2022-01-01" <= str(r["date"]) <= "2023-12-31"]
    assert len(rows) == len(expected) > 0 and all("2022-01-01" <= row["published_date"] <= "2023-12-31" for row in rows)
    assert len(exported("--archive", str(archive["db"]), "--until", "2021-12-31")) == sum(
        str(r["date"]) <= "2021-12-31" for r in GOLDEN)


def test_until_before_since_is_a_usage_error(archive):
    result = scrape("export", "--archive", str(archive["db"]), "--since", "2024-01-01", "--until", "2023-01-01")
    assert result.exit_code == 2 and "--until 2023-01-01 is before --since 2024-01-01" in result.output


@pytest.mark.parametrize("args, message", [
    (["--site", "kyrgyzstan"], "--site kyrgyzstan: no such site in the archive"),
    (["--lang", "fr"], "--lang fr: not a language of the selected sites in the archive"),
    (["--site", "kazakhstan", "--lang", "de"], "--lang de: not a language"),
])
def test_unknown_site_or_language_is_refused_without_a_config(archive, args, message):
    result = scrape("export", "--archive", str(archive["db"]), *args)
    assert result.exit_code == 2 and message in result.output and "have: " in result.output


def test_unknown_site_is_refused_with_the_config_too(archive):
    result = scrape("export", "--config", str(archive["config"]), "--site", "nowhere")
    assert result.exit_code == 2 and "no such site" in result.output and "kazakhstan" in result.output
    assert len(exported("--config", str(archive["config"]), "--lang", "kk")) == sum(r["lang"] == "kk" for r in GOLDEN)


def test_csv_with_bom_holds_every_release(archive, tmp_path):
    out = tmp_path / "all.csv"
    result = scrape("export", "--archive", str(archive["db"]), "-f", "csv", "--bom", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(GOLDEN) and "Қазақша" not in rows[0]  # plain rows, every column
    assert {"title", "body", "lang", "published_date"} <= set(rows[0])


def test_serve_on_a_port_in_use_says_so_and_exits_2(archive):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = scrape("serve", "--archive", str(archive["db"]), "--port", str(port))
    assert result.exit_code == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.output and "--port" in result.output
    assert "Serving" not in result.output


def test_serve_really_serves_and_stops_on_sigint(archive):
    executable = shutil.which("scrape")
    assert executable, "the scrape command is not installed (pip install -e .)"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([executable, "serve", "--archive", str(archive["db"]), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        name = database_name(archive["db"])
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{name}/releases.json?_shape=array", timeout=5) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None and len(body) == len(GOLDEN)
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert f"127.0.0.1:{port}/{name}/releases" in err and process.returncode == 0, err


def test_status_counts_in_words(archive):
    result = scrape("status", "--archive", str(archive["db"]))
    assert result.exit_code == 0 and " 1 run (" in result.output and "1 runs" not in result.output
