"""The README documents every command, option, config key, table and column (fails when one is not)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from archive.store import Archive
from scraper.cli import cli
from scraper.config import Config, Hints, Site

README = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented(name):
    assert f"scrape {name}" in README


@pytest.mark.parametrize("name, option", [
    (name, option) for name in COMMANDS for param in cli.commands[name].params
    for option in param.opts if option.startswith("--") and option != "--help"
])
def test_every_option_is_documented(name, option):
    assert re.search(rf"`[^`]*{re.escape(option)}\b", README), f"scrape {name} {option} is not in README.md"


@pytest.mark.parametrize("model, key", [(m, k) for m in (Config, Site, Hints) for k in m.model_fields])
def test_every_config_key_is_documented(model, key):
    assert f"| `{key}` |" in README or f"`{key}`" in README, f"config key {key} is not in README.md"


def _tables_and_columns(tmp_path) -> list[tuple[str, str]]:
    Archive(tmp_path / "archive.db").close()
    conn = sqlite3.connect(tmp_path / "archive.db")
    try:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%_fts%' AND name NOT LIKE 'dedup_%'")]
        return [(table, column[1]) for table in tables for column in conn.execute(f"PRAGMA table_info([{table}])")]
    finally:
        conn.close()


def test_every_table_and_column_is_documented(tmp_path):
    missing = []
    for table, column in _tables_and_columns(tmp_path):
        section = README.split(f"### `{table}`", 1)
        if len(section) < 2:
            missing.append(table)
            continue
        body = section[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        if "the columns of `releases`" in body:  # a view over releases, documented by reference
            body = README.split("### `releases`", 1)[1].split("\n### ", 1)[0]
        if f"`{column}`" not in body:
            missing.append(f"{table}.{column}")
    assert not missing, f"undocumented in README.md: {sorted(set(missing))}"
