"""Config validation: every mistake names the file, the line and the key; nothing is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.helpers import scrape
from scraper.config import ConfigError, load_config, parse_config

VALID = """\
sites:
  - key: kazakhstan
    base_url: https://kazakhstan.iom.int
    languages: {en: "", ru: /ru, kk: /kk}
"""


def test_shipped_config_is_valid_and_targets_kazakhstan():
    config = load_config(Path(__file__).parent.parent.parent / "config.yaml")
    site = config.site("kazakhstan")
    assert site.base_url == "https://kazakhstan.iom.int"
    assert set(site.languages) == {"en", "ru", "kk"}
    assert config.request_delay >= 1
    assert "bot" in config.user_agent and "http" in config.user_agent
    assert config.archive == "archive.db"


def test_defaults_fill_in_the_rest():
    config = parse_config(VALID)
    assert config.archive == "archive.db"
    assert config.sites[0].news_path == "/news"
    assert config.hosts == {"kazakhstan.iom.int"}


@pytest.mark.parametrize("text, message", [
    (VALID + "colour: blue\n", "line 5: colour: unknown key"),
    (VALID.replace("    languages", "    langs"), "line 4: sites[0].langs: unknown key"),
    (VALID + "request_delay: soon\n", "line 5: request_delay: Input should be a valid number"),
    (VALID.replace("https://kazakhstan.iom.int", "kazakhstan.iom.int"), "line 3: sites[0].base_url: must be an absolute http(s) URL"),
    (VALID.replace("  - key: kazakhstan\n    base_url", "  - base_url"), "line 2: sites[0].key: required key is missing"),
    (VALID.replace("ru: /ru", "ru: 7"), "line 4: sites[0].languages.ru: Input should be a valid string"),
    (VALID.replace("ru: /ru", "ru: ru"), "line 4: sites[0].languages: prefix 'ru' of 'ru' must be empty or look like '/ru'"),
    ("archive: a.db\n", "line 1: sites: required key is missing"),
    (VALID + "schedule: nightly\n", "line 5: schedule: must be a crontab expression"),
    (VALID + "  - key: kazakhstan\n    base_url: https://a.iom.int\n    languages: {en: ''}\n", "site keys must be unique"),
    ("sites: [\n", "line 2: not valid YAML"),
    ("- just\n- a list\n", "must be a YAML mapping"),
])
def test_errors_name_line_and_key(text, message):
    with pytest.raises(ConfigError) as error:
        parse_config(text, "config.yaml")
    assert message in str(error.value)
    assert str(error.value).startswith("config.yaml")


def test_cli_exits_2_on_a_bad_config_and_fetches_nothing(tmp_path, server):
    path = tmp_path / "config.yaml"
    path.write_text(VALID.replace("https://kazakhstan.iom.int", server.base_url) + "colour: blue\n")
    result = scrape("run", "--config", str(path))
    assert result.exit_code == 2
    assert f"{path} line 5: colour: unknown key" in result.output
    assert server.requests == []
    assert not (tmp_path / "archive.db").exists()


def test_cli_names_a_missing_config_file(tmp_path):
    result = scrape("run", "--config", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "cannot read config" in result.output and "nope.yaml" in result.output


def test_unknown_site_option_is_a_usage_error(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(VALID)
    result = scrape("run", "--config", str(path), "--site", "greece")
    assert result.exit_code == 2 and "greece" in result.output


def test_bad_since_date_is_a_usage_error(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(VALID)
    result = scrape("run", "--config", str(path), "--since", "yesterday")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_unknown_lang_option_is_a_usage_error(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(VALID)
    result = scrape("run", "--config", str(path), "--lang", "fr")
    assert result.exit_code == 2 and "--lang fr" in result.output and "en, kk, ru" in result.output
