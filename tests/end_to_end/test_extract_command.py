"""``scrape extract FILE|URL|-``: one page's body (or every field) without an archive; a URL is fetched
with the project's Fetcher from a fixture site served on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from support.helpers import KAZAKHSTAN, FixtureServer, expected_body, load_golden, scrape, write_config
from archive.errors import ExitCode
from scraper.cli import cli

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
CASES = {case["file"]: case for case in yaml.safe_load((PAGES / "pages.yaml").read_text(encoding="utf-8"))["pages"]}
GOLDEN = load_golden()


def test_a_file_prints_its_body(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no config.yaml here: none is needed
    result = scrape("extract", str(PAGES / "table-br-runs-kk.html"))
    assert result.exit_code == 0, result.output
    assert result.output == CASES["table-br-runs-kk.html"]["body"] + "\n"
    assert list(tmp_path.iterdir()) == []  # no archive, nothing written


def test_standard_input_with_json_prints_every_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = CASES["drupal7-submitted-en.html"]
    html = (PAGES / case["file"]).read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "-", "--json", "--url", case["url"]], input=html)
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["body"] == case["body"] and record["title"] == case["title"]
    assert record["published_date"] == str(case["date"]) and record["date_source"] == "visible"
    assert record["dateline"] == "BATKEN" and record["url"] == case["url"] and record["node_id"] == "1187"
    assert record["tags"] == ["Counter-trafficking", "Border management"]
    assert record["needs_review"] is False and record["review"] is None and record["extractor_version"] >= 2
    assert record["word_count"] > 100 and set(record) >= {"lang", "alternates", "images", "attachments"}


def test_a_url_is_fetched_politely_and_nothing_is_stored(tmp_path):
    release = next(r for r in GOLDEN["releases"] if r["lang"] == "kk" and r["dateline"])
    with FixtureServer(KAZAKHSTAN / "paragraphs") as server:
        config = write_config(tmp_path, server.base_url)
        result = scrape("extract", "--config", str(config), "--json", server.base_url + release["path"])
        paths = [request.path for request in server.requests]
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["body"] == expected_body(release["body"])
    assert record["published_date"] == str(release["date"]) and record["date_source"] == "dateline"
    assert paths == ["/robots.txt", release["path"]]
    assert not (tmp_path / "archive.db").exists()


@pytest.mark.parametrize("args, code", [
    (["-"], ExitCode.PARTIAL),  # a page without an article
    (["no-such-file.html"], ExitCode.USAGE),
])
def test_failures_have_exit_codes(args, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["extract", *args], input="<html><body><nav>Home</nav></body></html>")
    assert result.exit_code == code, result.output
    assert "Error:" in result.output


def test_a_missing_page_is_a_fetch_error(tmp_path):
    with FixtureServer(KAZAKHSTAN / "paragraphs") as server:
        config = write_config(tmp_path, server.base_url)
        result = scrape("extract", "--config", str(config), server.base_url + "/news/no-such-release")
    assert result.exit_code == ExitCode.UNREACHABLE
    assert "HTTP 404" in result.output


def test_a_body_to_review_is_printed_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    html = "<html><body><article><h1>Plan</h1><div class='field--name-body'><p>The plan was approved.</p></div></article></body></html>"
    result = CliRunner().invoke(cli, ["extract", "-", "--url", "https://x.iom.int/news/a"], input=html)
    assert result.exit_code == 0
    assert result.stdout == "The plan was approved.\n"
    assert result.stderr == ("warning: https://x.iom.int/news/a: short body: 4 words, fewer than 40; "
                             "check the text against the page\n")
