"""Bad input at run time: a clear message, a distinct exit code, and nothing archived is lost."""

from __future__ import annotations

import re
import socket

from support.helpers import query, scrape, write_config
from support.fixture_server import Served
from end_to_end.test_end_to_end import RECENT, SINCE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_site_names_url_and_cause_and_exits_4(tmp_path):
    base = f"http://127.0.0.1:{free_port()}"
    config = write_config(tmp_path, base)
    result = scrape("run", "--config", str(config), "--since", "2024-01-01")
    assert result.exit_code == 4, result.output
    assert f"{base}/news" in result.output
    assert "cannot connect (connection refused)" in result.output
    (run,) = query(tmp_path / "archive.db", "SELECT status, errors FROM runs")
    assert tuple(run) == ("failed", 1)


def test_non_html_response_is_reported_and_the_rest_archived(tmp_path, server):
    broken = RECENT[0]["path"]
    server.overrides[broken] = Served(200, "application/pdf", b"%PDF-1.4 not a page")
    config = write_config(tmp_path, server.base_url)
    result = scrape("run", "--config", str(config), "--since", SINCE.isoformat())
    assert result.exit_code == 3, result.output
    assert f"{server.base_url}{broken}: expected an HTML page, got application/pdf" in result.output
    assert re.search(r"\b1 error\b", result.output) and "1 errors" not in result.output  # issue 14: "1 errors"
    assert query(tmp_path / "archive.db", "SELECT count(*) FROM releases")[0][0] == len(RECENT) - 1
    (run,) = query(tmp_path / "archive.db", "SELECT status, errors, error_log FROM runs")
    assert run["status"] == "partial" and run["errors"] == 1 and broken in run["error_log"]


def test_403_explains_the_firewall_and_user_agent(tmp_path, server):
    broken = RECENT[0]["path"]
    server.overrides[broken] = Served(403, "text/html", b"<html><body>Access denied</body></html>")
    result = scrape("run", "--config", str(write_config(tmp_path, server.base_url)), "--since", SINCE.isoformat())
    assert result.exit_code == 3
    assert "HTTP 403 Forbidden" in result.output and "user_agent" in result.output


def test_unparseable_page_is_kept_raw_and_logged(tmp_path, server):
    broken = RECENT[0]["path"]
    raw = b"<html><body><nav><a href='/'>Home</a></nav></body></html>"
    server.overrides[broken] = Served(200, "text/html; charset=utf-8", raw)
    result = scrape("run", "--config", str(write_config(tmp_path, server.base_url)), "--since", SINCE.isoformat())
    assert result.exit_code == 3
    assert "could not extract a release" in result.output and "raw page kept" in result.output
    (page,) = query(tmp_path / "archive.db", "SELECT url, extract_error, release_id FROM pages WHERE extract_error IS NOT NULL")
    assert page["url"] == server.base_url + broken and page["release_id"] is None


def test_failure_on_a_later_run_loses_nothing_already_archived(tmp_path, server):
    config = write_config(tmp_path, server.base_url, revalidate_per_run=100)  # re-check every release
    assert scrape("run", "--config", str(config), "--since", SINCE.isoformat()).exit_code == 0
    broken = RECENT[0]["path"]
    server.overrides[broken] = Served(500, "text/html", b"<html><body>Internal error</body></html>")
    result = scrape("run", "--config", str(config), "--since", SINCE.isoformat())
    assert result.exit_code == 3 and f"{broken}: HTTP 500" in result.output
    rows = query(tmp_path / "archive.db", "SELECT count(*) FROM releases WHERE url = ?", (server.base_url + broken,))
    assert rows[0][0] == 1
    assert query(tmp_path / "archive.db", "SELECT count(*) FROM releases")[0][0] == len(RECENT)


def test_corrupt_archive_file_is_a_clear_error(tmp_path, server):
    config = write_config(tmp_path, server.base_url)
    (tmp_path / "archive.db").write_bytes(b"this is not a database" * 100)
    result = scrape("run", "--config", str(config))
    assert result.exit_code == 1
    assert "archive.db" in result.output and "not a database" in result.output
