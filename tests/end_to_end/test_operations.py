"""The operator's commands on an archive built from the fixture site: `scrape status`, `sites`,
`export` (JSON Lines and CSV round trips), logging options, the progress line, and exit codes."""

from __future__ import annotations

import csv
import io
import json
import logging
import sqlite3
from collections import Counter

import pytest

from archive.queries import JSON_COLUMNS
from support.helpers import load_golden, query, scrape, write_config
from scraper import pipeline
from scraper.cli import display as logs
from scraper.config import load_config

GOLDEN = load_golden()["releases"]


@pytest.fixture(scope="module")
def built(kazakhstan_server, tmp_path_factory):
    directory = tmp_path_factory.mktemp("operations")
    config = write_config(directory, kazakhstan_server.base_url)
    result = scrape("run", "--config", str(config))
    assert result.exit_code == 0, result.output
    return {"config": config, "db": directory / "archive.db", "base": kazakhstan_server.base_url,
            "run_output": result.output}


@pytest.fixture
def console_logging():
    """Put logging back as a plain CLI invocation leaves it, whatever a test installed."""
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, logs.ConsoleHandler)]:
        root.removeHandler(handler)
    root.setLevel(logging.WARNING)


def db_releases(db) -> list[dict]:
    return [dict(row) for row in query(db, "SELECT * FROM releases ORDER BY published_date IS NULL, published_date, id")]


# --- status --------------------------------------------------------------------------------------

def test_status_shows_runs_totals_and_newest_release(built):
    result = scrape("status", "--config", str(built["config"]))
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert f"{len(GOLDEN)} releases" in text
    assert "Last runs" in text and " ok " in text
    by_lang = Counter(r["lang"] for r in GOLDEN)
    dates = {lang: sorted(str(r["date"]) for r in GOLDEN if r["lang"] == lang) for lang in by_lang}
    for lang, count in by_lang.items():
        line = next(line for line in text.splitlines() if line.split()[:2] == ["kazakhstan", lang])
        assert line.split()[2] == str(count) and dates[lang][0] in line and dates[lang][-1] in line
    newest = max(GOLDEN, key=lambda r: str(r["date"]))
    assert f"kazakhstan  {newest['date']}  {newest['lang']}" in text


def test_status_json_has_durations_and_counts(built):
    result = scrape("status", "--archive", str(built["db"]), "--json", "--runs", "1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (run,) = data["runs"]
    assert run["status"] == "ok" and run["releases_new"] == len(GOLDEN) and run["errors"] == 0
    assert 0 <= run["duration_s"] < 60
    assert sum(t["releases"] for t in data["totals"]) == len(GOLDEN)
    assert data["newest"][0]["published_date"] == max(str(r["date"]) for r in GOLDEN)
    assert data["summary"]["releases"] == len(GOLDEN)


def test_status_reads_while_a_run_holds_the_write_lock(built):
    writer = sqlite3.connect(built["db"])
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO runs (started_at, arguments, status) VALUES ('2099-01-01T00:00:00+00:00', '{}', 'running')")
        result = scrape("status", "--archive", str(built["db"]), "--json")
    finally:
        writer.rollback()
        writer.close()
    assert result.exit_code == 0, result.output
    assert all(run["started_at"] != "2099-01-01T00:00:00+00:00" for run in json.loads(result.stdout)["runs"])


def test_status_without_an_archive_is_a_usage_error(tmp_path):
    result = scrape("status", "--archive", str(tmp_path / "none.db"))
    assert result.exit_code == 2 and "no archive at" in result.output and "scrape run" in result.output


def test_status_on_a_file_that_is_not_sqlite_exits_1(tmp_path):
    (tmp_path / "broken.db").write_bytes(b"not a database at all" * 50)
    result = scrape("status", "--archive", str(tmp_path / "broken.db"))
    assert result.exit_code == 1 and "broken.db" in result.output


# --- sites ---------------------------------------------------------------------------------------

def test_sites_lists_languages_and_discovery_urls(built):
    result = scrape("sites", "--config", str(built["config"]))
    assert result.exit_code == 0, result.output
    for lang, prefix in {"en": "", "ru": "/ru", "kk": "/kk"}.items():
        assert f"  {lang}    {built['base']}{prefix}/news" in result.stdout
    assert f"{built['base']}/sitemap.xml" in result.stdout
    (site,) = json.loads(scrape("sites", "--config", str(built["config"]), "--json").stdout)
    assert site["key"] == "kazakhstan" and site["languages"]["kk"] == f"{built['base']}/kk/news"


def test_sites_with_a_bad_config_exits_2(tmp_path):
    (tmp_path / "config.yaml").write_text("sites: []\n", encoding="utf-8")
    result = scrape("sites", "--config", str(tmp_path / "config.yaml"))
    assert result.exit_code == 2 and "sites" in result.output


# --- export --------------------------------------------------------------------------------------

def test_export_jsonl_round_trip(built):
    result = scrape("export", "--config", str(built["config"]))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    expected = db_releases(built["db"])
    for row in expected:
        for column in JSON_COLUMNS:
            row[column] = json.loads(row[column])
    assert records == expected and len(records) == len(GOLDEN)
    assert list(records[0]) == [row["name"] for row in query(built["db"], "PRAGMA table_info(releases)")]
    assert isinstance(records[0]["tags"], list) and isinstance(records[0]["alternates"], dict)
    assert f"{len(GOLDEN)} releases exported" in result.stderr


def test_export_csv_round_trip(built, tmp_path):
    target = tmp_path / "releases.csv"
    result = scrape("export", "--archive", str(built["db"]), "--format", "csv", "--output", str(target))
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = [{k: "" if v is None else str(v) for k, v in row.items()} for row in db_releases(built["db"])]
    assert rows == expected
    assert any("\n\n" in row["body"] for row in rows)
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["releases.csv"]  # no temporary file left


@pytest.mark.parametrize("args, keep", [
    (["--since", "2024-01-01"], lambda r: str(r["date"]) >= "2024-01-01"),
    (["--lang", "ru", "--lang", "kk"], lambda r: r["lang"] in ("ru", "kk")),
    (["--since", "2023-01-01", "--lang", "en", "--site", "kazakhstan"],
     lambda r: str(r["date"]) >= "2023-01-01" and r["lang"] == "en"),
])
def test_export_filters(built, args, keep):
    result = scrape("export", "--archive", str(built["db"]), *args)
    assert result.exit_code == 0, result.output
    urls = sorted(json.loads(line)["url"].removeprefix(built["base"]) for line in result.stdout.splitlines())
    assert urls == sorted(r["path"] for r in GOLDEN if keep(r))


def test_export_unique_leaves_out_cross_posts_and_bom_helps_excel(built, tmp_path):
    copy = tmp_path / "copy.db"
    source, target = sqlite3.connect(built["db"]), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    with target:
        target.execute("UPDATE releases SET duplicate_of = 1 WHERE id = 2")
    target.close()
    out = tmp_path / "unique.csv"
    result = scrape("export", "--archive", str(copy), "-f", "csv", "--unique", "--bom", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,site,lang")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        ids = {row["id"] for row in csv.DictReader(handle)}
    assert "2" not in ids and "1" in ids and len(ids) == len(GOLDEN) - 1


# --- logging and progress ------------------------------------------------------------------------

def test_run_output_is_plain_lines_when_not_a_terminal(built):
    assert "\r" not in built["run_output"] and "\x1b" not in built["run_output"]
    assert f"{len(GOLDEN)} new" in built["run_output"]


def test_log_json_writes_one_json_object_per_line(built, console_logging):
    result = scrape("run", "--config", str(built["config"]), "--lang", "en", "--log-json", "-v")
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert entries and all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    summary = entries[-1]
    assert summary["logger"] == "scraper.run" and summary["status"] == "ok"
    assert summary["releases_new"] == 0 and "requests" in summary and summary["archive"] == str(built["db"])
    assert any(e["logger"].startswith("scraper.") and e["level"] == "INFO" for e in entries[:-1])  # -v


def test_quiet_prints_no_summary(built, console_logging):
    result = scrape("run", "--config", str(built["config"]), "--lang", "kk", "-q")
    assert result.exit_code == 0 and result.output == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal(kazakhstan_server, tmp_path, console_logging):
    config = load_config(write_config(tmp_path, kazakhstan_server.base_url))
    terminal = Terminal()
    handler = logs.setup_logging(stream=terminal)
    assert handler.progress is not None
    handler.redraw_interval = 0  # draw every change, however fast the run
    report = pipeline.run(config, tmp_path / "archive.db", pipeline.RunOptions(langs=("kk",)), on_event=handler.on_event)
    drawn = terminal.getvalue().split("\r\x1b[K")
    assert len(drawn) > 3, terminal.getvalue()
    assert any(line.startswith("kazakhstan: ") and "URLs to check" in line and "requests" in line for line in drawn), drawn
    expected_new = sum(r["lang"] == "kk" for r in GOLDEN)
    assert report.counts["releases_new"] == expected_new
    assert any(f"{n} new" in line for line in drawn for n in range(1, expected_new + 1)), drawn
    logs.echo_summary(tmp_path / "archive.db", report, 1.0)
    assert terminal.getvalue().endswith("\r\x1b[K")  # the line is cleared for the summary


def test_no_progress_line_when_not_a_terminal(console_logging):
    stream = io.StringIO()
    assert logs.setup_logging(stream=stream).progress is None
    assert logs.setup_logging(stream=Terminal(), verbose=1).progress is None
    assert logs.setup_logging(stream=Terminal(), log_json=True).progress is None


# --- exit codes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("settings, args, message", [
    ({"schedule": "0 2 * * 8"}, [], "schedule"),
    ({"schedule": "61 2 * * *"}, [], "schedule"),
    ({}, ["--timezone", "Mars/Olympus_Mons"], "--timezone"),
    ({}, ["--since", "2024-01-01", "--days", "3"], "--since or --days"),
    ({}, ["--site", "atlantis"], "--site atlantis"),
])
def test_schedule_config_and_usage_errors_exit_2(tmp_path, settings, args, message):
    config = write_config(tmp_path, "http://127.0.0.1:9", **settings)
    result = scrape("schedule", "--config", str(config), *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_schedule_with_an_unusable_archive_exits_1_at_once(tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9")
    (tmp_path / "archive.db").write_bytes(b"garbage" * 100)
    result = scrape("schedule", "--config", str(config))
    assert result.exit_code == 1 and "archive.db" in result.output


def test_export_rejects_an_unknown_format(built):
    result = scrape("export", "--archive", str(built["db"]), "--format", "xml")
    assert result.exit_code == 2 and "xml" in result.output


def test_every_command_has_help_with_an_example():
    from scraper.cli import cli

    for name in ("run", "schedule", "status", "sites", "export", "serve"):
        result = scrape(name, "-h")
        assert result.exit_code == 0 and "Example" in result.output, name
        for option in cli.commands[name].params:
            if option.param_type_name == "option":
                assert option.help, f"scrape {name} {option.opts[0]} has no help"
    top = scrape("--help").output
    assert "Exit codes" in top and all(name in top for name in ("schedule", "status", "export", "serve"))
