"""A bad night on the network: faults injected by the fixture server, kills, and two runs at once.

Each test runs `scrape run` end to end against the fixture server with faults switched on (see the
docstring of tests/fixture_server.py) and compares the archive with the one a fault-free run makes,
column by column (ids and timestamps left out; see archive_checks.dump_archive).
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from archive.lock import ArchiveLock
from support.archive_checks import consistency_problems, dump_archive, mojibake_in
from support.helpers import KAZAKHSTAN, expected_body, load_golden, query, scrape, stored_page, write_config
from support.fixture_server import TRANSIENT_FAULTS, FixtureServer, Served

SITE = KAZAKHSTAN / "site"
GOLDEN = load_golden()["releases"]
BY_PATH = {r["path"]: r for r in GOLDEN}
OLDEST = {lang: min((r for r in GOLDEN if r["lang"] == lang), key=lambda r: str(r["date"]))["path"]
          for lang in ("en", "ru", "kk")}
RECENT = [r for r in GOLDEN if str(r["date"]) >= "2023-01-01"]
# client settings for fault tests: more retries than faults per URL, tiny backoff, a short timeout
FAULTY = {"retries": 3, "retry_backoff": 0.05, "timeout": 0.5}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The archive a fault-free full run makes (dumped), and how many requests it took."""
    directory = tmp_path_factory.mktemp("reference")
    with FixtureServer(SITE, validators=True) as server:
        result = scrape("run", "--config", str(write_config(directory, server.base_url)))
        assert result.exit_code == 0, result.output
        dump = dump_archive(directory / "archive.db", server.base_url)
        assert len(dump["releases"]) == len(GOLDEN)
        return {"dump": dump, "requests": len(server.requests)}


@pytest.fixture
def site():
    with FixtureServer(SITE, validators=True) as server:
        yield server


def errors_of_last_run(db) -> dict[str, str]:
    row = query(db, "SELECT error_log FROM runs ORDER BY id DESC LIMIT 1")[0]
    return {entry["url"]: entry["error"] for entry in json.loads(row["error_log"])}


def test_a_third_of_requests_failing_transiently_changes_nothing(reference, site, tmp_path):
    site.inject(rate=1 / 3, max_per_url=2, seed=8, stall=2.0)
    db = tmp_path / "archive.db"
    result = scrape("run", "--config", str(write_config(tmp_path, site.base_url, **FAULTY)))
    assert result.exit_code == 0, result.output
    faults = site.faults_served()
    assert 0.25 <= len(faults) / len(site.requests) <= 0.45, (len(faults), len(site.requests))
    assert {kind for _, kind in faults} == set(TRANSIENT_FAULTS)  # every kind of fault was met
    assert len({path for path, _ in faults} & set(BY_PATH)) >= 5  # release pages among them
    (run,) = query(db, "SELECT status, errors, requests FROM runs")
    assert (run["status"], run["errors"]) == ("ok", 0)
    assert run["requests"] == len(site.requests)  # the client counted every attempt the server saw
    assert len(set(site.paths_requested())) == reference["requests"]  # the fault-free run's URLs, no more
    assert consistency_problems(db) == []
    assert dump_archive(db, site.base_url) == reference["dump"]
    # Retry-After: 1 was honoured: the retry of each 429 arrived at least a second later
    requests = list(site.requests)
    for index, request in enumerate(requests):
        if request.fault == "429":
            retry = next(r for r in requests[index + 1:] if r.path == request.path)
            assert retry.at - request.at >= 1.0 - 0.05, (request.path, retry.at - request.at)


def test_permanent_faults_are_named_and_the_next_run_completes_the_archive(reference, site, tmp_path):
    broken = {
        OLDEST["en"]: ("503", "HTTP 503"),
        OLDEST["ru"]: ("drop", "Server disconnected without sending a response"),
        OLDEST["kk"]: ("cut", "truncated response"),
        "/ru/news?page=1": ("500", "listing page not read (HTTP 500)"),
    }
    for path, (kind, _) in broken.items():
        site.fault(path, kind, times=None)
    config = write_config(tmp_path, site.base_url, **{**FAULTY, "retries": 2})
    db = tmp_path / "archive.db"
    result = scrape("run", "--config", str(config))
    assert result.exit_code == 3, result.output
    errors = errors_of_last_run(db)
    assert set(errors) == {site.base_url + path for path in broken}
    for path, (_, cause) in broken.items():
        assert cause in errors[site.base_url + path]
        assert f"{site.base_url}{path}: " in result.output
    assert query(db, "SELECT status FROM runs")[0]["status"] == "partial"
    assert query(db, "SELECT count(*) FROM releases")[0][0] == len(GOLDEN) - 3
    assert consistency_problems(db) == []

    site.clear_faults()
    site.reset()
    again = scrape("run", "--config", str(config))  # incremental: no --since
    assert again.exit_code == 0, again.output
    retried = {r.path for r in site.requests}
    assert {OLDEST["en"], OLDEST["ru"], OLDEST["kk"]} <= retried
    (run,) = query(db, "SELECT releases_new, releases_skipped, errors, arguments FROM runs WHERE id = 2")
    assert json.loads(run["arguments"])["incremental"] is True
    assert (run["releases_new"], run["releases_skipped"], run["errors"]) == (3, 0, 0)
    assert consistency_problems(db) == []
    assert dump_archive(db, site.base_url) == reference["dump"]  # everything, each once


def test_wrong_charset_headers_give_the_golden_text(reference, site, tmp_path):
    # every HTML response lies about its encoding, one way or the other
    site.inject(rate=1.0, kinds=("cp1251-as-utf8", "utf8-as-cp1251"), max_per_url=10**6, seed=1)
    db = tmp_path / "archive.db"
    result = scrape("run", "--config", str(write_config(tmp_path, site.base_url)))
    assert result.exit_code == 0, result.output
    lied = {(path.split("/")[1] if path.count("/") == 3 else "en", kind)
            for path, kind in site.faults_served() if path in BY_PATH}
    assert lied == {(lang, kind) for lang in ("en", "ru", "kk") for kind in ("cp1251-as-utf8", "utf8-as-cp1251")}
    rows = {row["url"].removeprefix(site.base_url): row for row in query(db, "SELECT url, title, body FROM releases")}
    assert set(rows) == set(BY_PATH)
    for path, release in BY_PATH.items():
        assert rows[path]["title"] == release["title"], path
        assert rows[path]["body"] == expected_body(release["body"]), path
        assert mojibake_in(rows[path]["title"] + rows[path]["body"]) == [], path
    for (url,) in query(db, "SELECT url FROM pages"):
        html = stored_page(db, url).replace("&#", "")  # numeric references are fine in HTML
        assert mojibake_in(html) == [], url
    dump = dump_archive(db, site.base_url, pages=False)
    assert dump == {key: reference["dump"][key] for key in dump}


def test_truncated_and_empty_pages_are_logged_never_archived(site, tmp_path):
    paths = [r["path"] for r in RECENT]
    cut, short, empty, shell, blank = paths[0], paths[3], paths[6], paths[9], paths[12]
    site.fault(cut, "cut", times=None)  # well-formed HTTP, HTML stops before </body></html>
    site.fault(short, "truncate", times=None)  # fewer bytes than Content-Length
    site.fault(empty, "empty", times=None)
    site.overrides[shell] = Served(200, "text/html; charset=utf-8", b"<!DOCTYPE html><html><head></head><body></body></html>")
    site.overrides[blank] = Served(200, "text/html; charset=utf-8", b" \r\n \n")
    config = write_config(tmp_path, site.base_url, retries=1, retry_backoff=0.01, timeout=2)
    db = tmp_path / "archive.db"
    result = scrape("run", "--config", str(config), "--since", "2023-01-01")
    assert result.exit_code == 3, result.output
    errors = errors_of_last_run(db)
    assert set(errors) == {site.base_url + path for path in (cut, short, empty, shell, blank)}
    assert "truncated response" in errors[site.base_url + cut]
    assert "incomplete" in errors[site.base_url + short] or "complete message" in errors[site.base_url + short]
    assert errors[site.base_url + empty] == errors[site.base_url + blank] == "empty response body"
    assert "could not extract a release" in errors[site.base_url + shell]
    for url in errors:
        assert url in result.output
    assert len(site.paths_requested()) > 0 and site.paths_requested().count(cut) == 2  # retried once
    archived = {row["url"].removeprefix(site.base_url): row for row in query(db, "SELECT url, body FROM releases")}
    assert set(archived) == {r["path"] for r in RECENT} - {cut, short, empty, shell, blank}
    for path, row in archived.items():
        assert row["body"] == expected_body(BY_PATH[path]["body"])
    pages = {row["url"].removeprefix(site.base_url): row for row in query(db, "SELECT url, outcome, release_id FROM pages")}
    assert cut not in pages and short not in pages and empty not in pages and blank not in pages
    assert (pages[shell]["outcome"], pages[shell]["release_id"]) == ("error", None)  # kept raw, for reextract
    assert consistency_problems(db) == []


def test_a_broken_page_never_replaces_archived_text(site, tmp_path):
    config = write_config(tmp_path, site.base_url, retries=1, retry_backoff=0.01, revalidate_per_run=100)
    db = tmp_path / "archive.db"
    assert scrape("run", "--config", str(config), "--since", "2023-01-01").exit_code == 0
    before = dump_archive(db, site.base_url, pages=False)
    victims = [r["path"] for r in RECENT[:4]]
    for path, kind in zip(victims, ("cut", "truncate", "empty", "cp1251-as-utf8")):
        site.fault(path, kind, times=None)
    site.overrides[RECENT[5]["path"]] = Served(200, "text/html; charset=utf-8", b"<html><body></body></html>")
    result = scrape("run", "--config", str(config), "--since", "2023-01-01")
    assert result.exit_code == 3, result.output
    assert set(errors_of_last_run(db)) == {site.base_url + p for p in (*victims[:3], RECENT[5]["path"])}
    assert dump_archive(db, site.base_url, pages=False) == before  # not a byte of archived text changed
    assert consistency_problems(db) == []


def _scrape_process(config):
    executable = shutil.which("scrape")
    assert executable, "the `scrape` console script is not installed (pip install -e .)"
    return subprocess.Popen([executable, "run", "--config", str(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _releases_in(db) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return conn.execute("SELECT count(*) FROM releases").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _kill(process) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def test_killed_runs_leave_a_consistent_archive_and_the_next_run_completes_it(reference, site, tmp_path):
    """SIGKILL during discovery, while fetching, while writing releases; then a run to the end."""
    config = write_config(tmp_path, site.base_url, request_delay=0.02)
    db = tmp_path / "archive.db"
    kill_points = [
        ("during discovery", lambda: site.wait_for_requests(4, timeout=30)),
        ("while fetching release pages", lambda: site.wait_for_requests(20, timeout=30)),
        ("while writing releases", lambda: _wait(lambda: _releases_in(db) >= 5, timeout=30)),
    ]
    for number, (moment, reached) in enumerate(kill_points, start=1):
        site.reset()
        process = _scrape_process(config)
        try:
            assert reached(), f"run {number} never got {moment} (exit code {process.poll()})"
            _kill(process)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == -signal.SIGKILL, f"run {number} ended by itself before the kill ({moment})"
        assert consistency_problems(db) == [], moment
        rows = query(db, "SELECT url, title, body FROM releases")
        assert len(rows) < len(GOLDEN), moment
        for row in rows:  # what is there is whole
            golden = BY_PATH[row["url"].removeprefix(site.base_url)]
            assert (row["title"], row["body"]) == (golden["title"], expected_body(golden["body"])), moment
        with ArchiveLock(db):  # the kernel released the killed run's lock
            pass
    assert _releases_in(db) >= 5  # the last kill came while releases were being written
    site.reset()
    result = scrape("run", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert consistency_problems(db) == []
    assert dump_archive(db, site.base_url) == reference["dump"]  # complete, no duplicates
    statuses = [row["status"] for row in query(db, "SELECT status FROM runs ORDER BY id")]
    assert statuses == ["interrupted", "interrupted", "interrupted", "ok"]


def _wait(condition, timeout: float, interval: float = 0.002) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def test_a_second_run_is_refused_while_one_is_going_and_a_killed_one_frees_the_archive(site, tmp_path):
    db = tmp_path / "archive.db"
    slow = write_config(tmp_path, site.base_url, request_delay=0.5)
    process = _scrape_process(slow)
    try:
        assert site.wait_for_requests(1, timeout=30), "the first run never started"
        fast = write_config(tmp_path, site.base_url)
        second = scrape("run", "--config", str(fast))
        assert second.exit_code == 5, second.output
        assert f"pid {process.pid}" in second.output and "refused" in second.output
        assert scrape("reextract", "--config", str(fast)).exit_code == 5
        assert query(db, "SELECT count(*) FROM runs")[0][0] == 1  # the refused run touched nothing
        _kill(process)
    finally:
        if process.poll() is None:
            process.kill()
    third = scrape("run", "--config", str(fast))
    assert third.exit_code == 0, third.output
    assert query(db, "SELECT count(*) FROM releases")[0][0] == len(GOLDEN)


class Crash(BaseException):
    """Stands for the process dying (or SIGTERM's exception) in the middle of a write."""


def test_a_crash_inside_a_release_write_leaves_no_half_written_release(reference, site, tmp_path, monkeypatch):
    from archive.store import Archive

    calls = []
    add_version = Archive._add_version

    def crash_on_the_fifth(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 5:  # the release row and its URLs are written; its version is not
            raise Crash
        return add_version(self, *args, **kwargs)

    monkeypatch.setattr(Archive, "_add_version", crash_on_the_fifth)
    config = write_config(tmp_path, site.base_url)
    db = tmp_path / "archive.db"
    with pytest.raises(Crash):
        scrape("run", "--config", str(config))
    assert consistency_problems(db) == []
    assert query(db, "SELECT count(*) FROM releases")[0][0] == 4  # the fifth rolled back entirely
    monkeypatch.undo()
    assert scrape("run", "--config", str(config)).exit_code == 0
    assert dump_archive(db, site.base_url) == reference["dump"]


def test_a_crash_while_creating_the_archive_leaves_it_usable(tmp_path, monkeypatch):
    import sqlite_utils

    from archive.store import Archive

    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(sqlite_utils.db.Table, "enable_fts", crash)  # the last step of the schema
    with pytest.raises(Crash):
        Archive(tmp_path / "archive.db")
    monkeypatch.undo()
    with Archive(tmp_path / "archive.db") as archive:  # not "table releases already exists"
        assert archive.count("releases") == 0
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] >= 1
