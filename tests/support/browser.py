"""A real browser and a real server for the browser tests and the README's screenshots.

:func:`launch_chromium` starts the distribution's headless Chromium (Debian's ``chromium`` package:
Playwright's own browser downloads are not possible here) through Playwright, or says why it cannot
(:class:`NoBrowser`, which the tests turn into a skip). :func:`archive_of_the_fixture_site` builds an
archive with ``scrape run`` over the fixture site served on 127.0.0.1, and :class:`ScrapeServe` runs
``scrape serve`` on it on a free local port.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from support.fixture_server import FIXTURES, FixtureServer
from support.helpers import scrape, write_config

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}


class NoBrowser(Exception):
    """Why no browser test can run here (the message is the skip reason)."""


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM") or next((p for p in CHROMIUM_CANDIDATES if os.path.exists(p)), None) \
        or shutil.which("chromium")
    if not found:
        raise NoBrowser("no Chromium installed (Debian: apt-get install -y chromium; or set $CHROMIUM)")
    return found


@contextmanager
def launch_chromium() -> Iterator:
    """A Playwright browser on the system's Chromium; :class:`NoBrowser` when there is none."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise NoBrowser("the playwright package is not installed (pip install -e '.[test]')") from None
    executable = chromium_path()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        except Error as exc:
            raise NoBrowser(f"{executable} does not start under Playwright: {str(exc).splitlines()[0]}") from None
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def archive_of_the_fixture_site(directory: Path) -> Path:
    """``scrape run`` over the fixture site (served on 127.0.0.1 meanwhile) into ``directory/archive.db``."""
    with FixtureServer(FIXTURES / "kazakhstan" / "site") as server:
        result = scrape("run", "--config", str(write_config(directory, server.base_url)))
    if result.exit_code != 0:
        raise RuntimeError(f"scrape run failed ({result.exit_code}): {result.output[-2000:]}")
    return directory / "archive.db"


class ScrapeServe:
    """``scrape serve --archive PATH --port N`` in a subprocess, until the context ends."""

    def __init__(self, archive: Path):
        self.archive = archive
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "ScrapeServe":
        executable = shutil.which("scrape")
        if not executable:
            raise RuntimeError("the scrape command is not installed (pip install -e .)")
        self.process = subprocess.Popen([executable, "serve", "--archive", str(self.archive), "--port", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/-/versions.json", timeout=2):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"scrape serve ended: {self.process.stderr.read()}")
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("scrape serve did not answer within 30 s")

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def url(self, path: str) -> str:
        return self.base + path


def database_name(archive: Path) -> str:
    return re.sub(r"\.db$", "", archive.name)
