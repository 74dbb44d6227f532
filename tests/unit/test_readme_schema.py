"""The schema is defined once, in archive/columns.py: the README's column tables are generated from it
(cog), and a fresh archive has exactly its columns; migrations add later columns without changing v1."""

from __future__ import annotations

import difflib
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from cogapp import Cog

from archive import columns, schema
from archive.store import Archive
from archive.views import VIEWS

ROOT = Path(__file__).parent.parent.parent
README = ROOT / "README.md"


def test_readme_schema_tables_are_generated_from_archive_columns(capsys):
    """``cog --check README.md`` (exit status 5 when the README differs from what cog generates)."""
    status = Cog().main(["cog", "--check", "-I", str(ROOT), str(README)])
    if status != 0:
        text = README.read_text(encoding="utf-8")
        cog = Cog()
        process = getattr(cog, "process_string", None) or getattr(cog, "processString")  # cogapp >= 3.5 / 3.4
        diff = "".join(difflib.unified_diff(text.splitlines(True), process(text, fname=str(README)).splitlines(True),
                                            "README.md", "README.md as generated", n=1))
        pytest.fail(f"README.md's schema tables are stale (cog exit status {status}); run: cog -r README.md\n"
                    f"{capsys.readouterr().err}{diff}")


def test_every_table_and_view_has_a_generated_readme_table():
    text = README.read_text(encoding="utf-8")
    for name in [*columns.TABLES, "translations"]:
        assert f'cog.out(markdown_table("{name}"))' in text, f"no generated README table for {name}"


def _table_info(path: Path, table: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return [row[1:] for row in conn.execute(f"PRAGMA table_info([{table}])")]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "archive.db"
    Archive(path).close()
    return path


@pytest.mark.parametrize("table", list(columns.TABLES))
def test_a_fresh_archive_has_exactly_the_defined_columns(fresh, table):
    defined = columns.columns(table)
    pk = columns.primary_key(table)
    expected = [(c.name, c.sql_type, int(c.not_null),
                 None if c.default is None else (str(c.default) if isinstance(c.default, int) else f"'{c.default}'"),
                 pk.index(c.name) + 1 if c.primary_key else 0) for c in defined]
    assert _table_info(fresh, table) == expected


def test_foreign_keys_are_the_defined_references(fresh):
    conn = sqlite3.connect(fresh)
    try:
        for table in columns.TABLES:
            found = {(row[3], row[2], row[4]) for row in conn.execute(f"PRAGMA foreign_key_list([{table}])")}
            assert found == {(c.name, *c.references) for c in columns.columns(table) if c.references}, table
    finally:
        conn.close()


def test_views_have_the_documented_columns(fresh):
    for view in VIEWS:
        assert {row[0] for row in _table_info(fresh, view)} == set(columns.names(view)), view


def test_run_counters_are_zero_defaulted_integer_columns_of_runs():
    runs = columns.by_name(columns.RUNS)
    assert len(set(columns.RUN_COUNTERS)) == len(columns.RUN_COUNTERS)
    for name in columns.RUN_COUNTERS:
        assert runs[name].type is int and runs[name].default == 0, name
    assert {"errors", "error_log"}.isdisjoint(columns.RUN_COUNTERS)


def test_run_counters_are_what_a_run_counts():
    from scraper.pipeline import RunReport

    assert tuple(RunReport().counts) == columns.RUN_COUNTERS


def test_helpers():
    assert columns.names("release_urls") == ("url", "release_id", "first_seen", "last_seen", "sitemap_lastmod",
                                              "sitemap_seen", "source", "captured_at")
    assert columns.names(columns.RELEASE_URLS) == columns.names("release_urls")
    assert columns.by_name("releases")["status"].default == "live"
    assert columns.primary_key("template_blocks") == ("site", "lang", "block_key")
    assert columns.columns("releases_unique") is columns.RELEASES
    assert columns.markdown_table(columns.RELEASE_VERSIONS).splitlines()[5] == "| `title`, `body` | the text of that version |"
    with pytest.raises(KeyError):
        columns.columns("no_such_table")


def test_a_later_column_is_added_by_its_migration_and_v1_stays_the_same(tmp_path, monkeypatch):
    v1 = tmp_path / "v1.db"
    Archive(v1).close()
    v1_sql = sqlite3.connect(v1).execute("SELECT sql FROM sqlite_master WHERE name = 'releases'").fetchone()[0]

    n = len(schema.MIGRATIONS) + 1  # a migration after the last one
    later = columns.Column("summary", str, "a summary", not_null=True, default="", since=n)
    monkeypatch.setattr(columns, "RELEASES", (*columns.RELEASES, later))
    monkeypatch.setitem(columns.TABLES, "releases", columns.RELEASES)
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, lambda db: schema.add_columns(db, n)])

    fresh = tmp_path / "fresh.db"
    for path in (v1, fresh):  # upgrade the archive of the previous version; create a new one
        db = sqlite_utils.Database(path)
        assert schema.migrate(db) == n
        db.close()
    upgraded_sql, fresh_sql = (sqlite3.connect(p).execute("SELECT sql FROM sqlite_master WHERE name = 'releases'")
                               .fetchone()[0] for p in (v1, fresh))
    assert upgraded_sql == fresh_sql != v1_sql
    assert fresh_sql.startswith(v1_sql.rstrip(")").rstrip()) and "[summary] TEXT NOT NULL DEFAULT ''" in fresh_sql
    assert columns.names("releases", version=n - 1) == columns.names("releases")[:-1]
    assert sqlite3.connect(fresh).execute("PRAGMA user_version").fetchone()[0] == n
