"""Every failure a user can cause reaches them as one clear line and its exit code, the same way in
every command (scraper/cli/options.py writes the options, their checks and the mapping once)."""

from __future__ import annotations

import sqlite3

import pytest

from archive.errors import ExitCode
from support.helpers import scrape, write_config

COLLECTING = [("run",), ("reextract",), ("schedule", "--next", "1")]


@pytest.fixture
def collected(kazakhstan_server, tmp_path):
    config = write_config(tmp_path, kazakhstan_server.base_url)
    assert scrape("run", "--config", str(config), "--lang", "kk").exit_code == 0
    return config


@pytest.mark.parametrize("command", COLLECTING, ids=lambda c: c[0])
@pytest.mark.parametrize("option, value, message", [
    ("--site", "atlantis", "--site atlantis: no such site"),
    ("--lang", "xx", "--lang xx: not a language of the selected sites"),
])
def test_unknown_site_or_language_is_refused_by_every_collecting_command(collected, command, option, value, message):
    result = scrape(command[0], "--config", str(collected), option, value, *command[1:])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("command", COLLECTING + [("status",), ("export",)], ids=lambda c: c[0])
def test_a_broken_config_names_the_key_in_every_command(tmp_path, command):
    config = tmp_path / "config.yaml"
    config.write_text("sites:\n  - key: kz\n    base_url: not-a-url\n", encoding="utf-8")
    result = scrape(command[0], "--config", str(config), *command[1:])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "base_url" in result.output and "line 3" in result.output


def test_a_dedup_index_of_another_scheme_is_a_clear_error_not_a_traceback(collected, tmp_path):
    archive = tmp_path / "archive.db"
    conn = sqlite3.connect(archive)
    with conn:
        conn.execute("UPDATE dedup_meta SET value = 'minhash/other-scheme' WHERE key = 'scheme'")
    conn.close()
    for command in ("run", "reextract"):
        result = scrape(command, "--config", str(collected))
        assert result.exit_code == ExitCode.UNEXPECTED, result.output
        assert "near-duplicate index was built with 'minhash/other-scheme'" in result.output
        assert "Traceback" not in result.output
    conn = sqlite3.connect(archive)
    assert conn.execute("SELECT count(*) FROM releases").fetchone()[0] > 0  # nothing archived was lost
    conn.close()
