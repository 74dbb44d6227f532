"""Shared pytest fixtures: the fixture site served on 127.0.0.1.

Tests are arranged as ``unit/`` (one module, on strings and in-memory archives), ``end_to_end/``
(``scrape`` against fixture sites served over real HTTP on 127.0.0.1, then SQL on the archive) and
``support/`` (the fixture server, archive checks and helpers they share; no tests).
"""

from __future__ import annotations

import pytest

from support.fixture_server import FixtureServer
from support.helpers import KAZAKHSTAN


@pytest.fixture(scope="module")
def kazakhstan_server():
    with FixtureServer(KAZAKHSTAN / "site") as server:
        yield server


@pytest.fixture
def server():
    """A fresh fixture server per test, for tests that add overrides or count requests."""
    with FixtureServer(KAZAKHSTAN / "site") as fresh:
        yield fresh
