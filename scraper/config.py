"""Configuration: load ``config.yaml``, validate it, and say exactly where it is wrong.

The file is parsed twice: once into plain Python data that pydantic validates, and once into
PyYAML's node tree, which remembers the line of every key. A validation error is reported as
``config.yaml line 12: sites[0].languages.ru: Input should be a valid string`` and nothing is
fetched.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from archive.errors import ConfigError

__all__ = ["Config", "ConfigError", "Hints", "Site", "load_config", "parse_config"]

DEFAULT_USER_AGENT = (
    "iom-archive/0.1 (+https://github.com/iom-archive/iom-archive; "
    "press-release research archive; polite bot)"
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hints(_Strict):
    """Optional CSS selectors that point at a site's content. Extraction works without them."""

    content: str | None = None
    title: str | None = None
    date: str | None = None

    @field_validator("content", "title", "date")
    @classmethod
    def _css_selector(cls, value: str | None) -> str | None:
        if value is not None and not is_css_selector(value):
            raise ValueError(f"{value!r} is not a valid CSS selector (as selectolax/Lexbor reads them)")
        return value


def is_css_selector(selector: str) -> bool:
    """Whether selectolax (Lexbor) can use ``selector``; an invalid one would fail every page at run time."""
    from selectolax.lexbor import LexborHTMLParser, SelectolaxError

    try:
        LexborHTMLParser("<p></p>").css(selector)
    except (SelectolaxError, ValueError, TypeError):
        return False
    return True


class Site(_Strict):
    """One IOM website: where its releases are listed and which languages it publishes."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    base_url: str
    languages: dict[str, str] = Field(min_length=1)
    news_path: str = "/news"
    sitemap: str | None = "/sitemap.xml"
    release_pattern: str = r"^/(news/[^/]+|node/\d+)/?$"
    max_listing_pages: int = Field(default=200, ge=1, le=100_000)
    hints: Hints = Hints()

    @field_validator("base_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL such as https://kazakhstan.iom.int")
        return value.rstrip("/")

    @field_validator("languages")
    @classmethod
    def _language_prefixes(cls, value: dict[str, str]) -> dict[str, str]:
        for lang, prefix in value.items():
            if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", lang):
                raise ValueError(f"{lang!r} is not a language code such as 'en', 'ru' or 'kk'")
            if prefix and not re.fullmatch(r"(/[A-Za-z0-9_-]+)+", prefix):
                raise ValueError(f"prefix {prefix!r} of {lang!r} must be empty or look like '/ru'")
        return value

    @field_validator("news_path", "sitemap")
    @classmethod
    def _site_path(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("/"):
            raise ValueError("must be a path on the site, starting with '/'")
        return value

    @field_validator("release_pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return value

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc.lower()

    def language_root(self, lang: str) -> str:
        """The absolute URL prefix of one language, e.g. ``https://kazakhstan.iom.int/ru``."""
        return self.base_url + self.languages[lang]


class Config(_Strict):
    """The whole ``config.yaml``."""

    archive: str = "archive.db"
    user_agent: str = DEFAULT_USER_AGENT
    request_delay: float = Field(default=1.0, ge=0, le=3600, allow_inf_nan=False,
                                 description="seconds between two requests to one host")
    timeout: float = Field(default=30.0, gt=0, le=3600, allow_inf_nan=False)
    max_page_bytes: int = Field(default=10_000_000, gt=0, le=1_000_000_000)
    retries: int = Field(default=2, ge=0, le=10)
    retry_backoff: float = Field(default=2.0, ge=0, le=600, allow_inf_nan=False)
    max_connections: int = Field(default=2, ge=1, le=8)
    max_connections_total: int = Field(default=8, ge=1, le=64)
    obey_robots: bool = True
    max_crawl_delay: float = Field(default=60.0, ge=0, le=3600, allow_inf_nan=False)
    max_run_minutes: float | None = Field(default=None, gt=0, le=7 * 24 * 60, allow_inf_nan=False)
    overlap_days: int = Field(default=7, ge=0, le=3650)
    revalidate_per_run: int = Field(default=5, ge=0, le=100_000)
    revalidate_every_days: int = Field(default=1, ge=0, le=365)
    schedule: str = "30 2 * * *"
    warc: bool = Field(default=True, description="keep every HTTP exchange in WARC files beside the archive")
    warc_max_mb: int = Field(default=100, ge=1, le=100_000, description="a WARC file is rotated past this size")
    attachments: bool = Field(default=True, description="download the PDF and Word files releases link to and "
                                                        "keep their text (table attachments)")
    cdx_api: str = Field(default="https://web.archive.org/cdx/search/cdx", pattern=r"^https?://[^/\s]+/\S*$",
                         description="the web archive's CDX API, asked by scrape recover for a site's captures")
    recover_max_captures: int = Field(default=3, ge=1, le=1000,
                                      description="scrape recover reads at most this many texts of a release URL "
                                                  "(its newest distinct ones, each at its first capture)")
    capture_url: str = Field(default="https://web.archive.org/web/{timestamp}id_/{url}",
                             pattern=r"^https?://[^/\s]+/\S*\{timestamp\}\S*\{url\}\S*$",
                             description="where a capture is read as archived ('id_': the original bytes, "
                                         "not rewritten)")
    sites: list[Site] = Field(min_length=1)

    @field_validator("user_agent")
    @classmethod
    def _header_value(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty: IOM's firewall blocks requests without a descriptive user agent")
        if len(value) > 500 or not all(" " <= char <= "~" for char in value):
            raise ValueError("must be one line of printable ASCII (an HTTP header), at most 500 characters")
        return value

    @model_validator(mode="after")
    def _unique_keys(self) -> "Config":
        keys = [site.key for site in self.sites]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"site keys must be unique, repeated: {', '.join(duplicates)}")
        return self

    @field_validator("schedule")
    @classmethod
    def _crontab(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError("must be a crontab expression with five fields, e.g. '30 2 * * *'")
        return value

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset(site.host for site in self.sites)

    def site(self, key: str) -> Site:
        for site in self.sites:
            if site.key == key:
                return site
        raise ConfigError(f"no site with key {key!r} in the config (have: {', '.join(s.key for s in self.sites)})")


def load_config(path: str | Path) -> Config:
    """Read and validate a config file, raising :class:`ConfigError` with file, line and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror or exc}") from None
    return parse_config(text, str(path))


def parse_config(text: str, source: str = "config.yaml") -> Config:
    """Validate config text; ``source`` is the name used in error messages."""
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{source}{line}: not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: must be a YAML mapping with at least a 'sites' list")
    duplicate = first_duplicate_key(root)
    if duplicate is not None:
        path, line, first = duplicate
        raise ConfigError(f"{source} line {line}: {_dotted(path)}: given twice (first on line {first}); "
                          "YAML keeps only the last, so say it once")
    lines = key_lines(root)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        messages = [_describe(error, lines, source) for error in exc.errors()]
        raise ConfigError("\n".join(messages)) from None


def key_lines(node: yaml.Node | None, path: tuple = ()) -> dict[tuple, int]:
    """Map every key path in a composed YAML tree (``('sites', 0, 'key')``) to its 1-based line."""
    lines: dict[tuple, int] = {}
    if node is None:
        return lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = path + (key_node.value,)
            lines.update(key_lines(value_node, key_path))
            lines[key_path] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(key_lines(item, path + (index,)))
    return lines


def first_duplicate_key(node: yaml.Node | None, path: tuple = ()) -> tuple[tuple, int, int] | None:
    """``(key path, line, line of its first occurrence)`` of the first key repeated in a mapping, else None."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in seen:
                return path + (key,), line, seen[key]
            seen[key] = line
            found = first_duplicate_key(value_node, path + (key,))
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found = first_duplicate_key(item, path + (index,))
            if found:
                return found
    return None


def _describe(error: dict[str, Any], lines: dict[tuple, int], source: str) -> str:
    loc = tuple(error["loc"])
    known = loc
    while known and known not in lines:
        known = known[:-1]
    line = lines.get(known, 1)
    key = _dotted(loc) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        message = "unknown key"
    elif kind == "missing":
        message = "required key is missing"
    else:
        message = str(error["msg"]).removeprefix("Value error, ")
    return f"{source} line {line}: {key}: {message}"


def _dotted(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
