"""The one error hierarchy: every failure a user can cause, with the exit code ``scrape`` gives it.

Library code raises these with a message that says what is wrong and what to do; the CLI prints
the message on one line (no traceback) and exits with the error's ``exit_code``
(:func:`scraper.cli.errors.reported`). Per-page failures during a run (a page that cannot be
fetched or extracted) are not raised to the user: the run logs them and goes on, and its status
becomes :data:`ExitCode.PARTIAL`.

The hierarchy lives here, at the bottom of the layers, so that the archive, the collection stages
and the CLI all share it without importing each other.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What ``scrape`` exits with (documented in the README, "Exit codes")."""

    OK = 0
    UNEXPECTED = 1  # a bug, or an archive file that cannot be opened or used
    USAGE = 2  # bad config, bad option, unknown --site/--lang, no archive where one is needed
    PARTIAL = 3  # the run finished but some pages failed (listed in the runs table)
    UNREACHABLE = 4  # no selected site could be reached
    LOCKED = 5  # another run is writing to the archive


class IomArchiveError(Exception):
    """Base of every error a user can cause; ``exit_code`` is what the CLI exits with."""

    exit_code: ExitCode = ExitCode.UNEXPECTED


class UsageError(IomArchiveError):
    """A command asked for something that does not exist (a site, a language, a file)."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """A config file that cannot be used; the message names the file, the line and the key."""


class ArchiveError(IomArchiveError):
    """An archive file that cannot be opened or used."""


class ArchiveMissing(ArchiveError):
    """No archive at the given path (nothing collected yet, or a wrong path)."""

    exit_code = ExitCode.USAGE


class ArchiveLocked(IomArchiveError):
    """Another run holds the archive's lock."""

    exit_code = ExitCode.LOCKED


class DedupError(ArchiveError):
    """The archive's near-duplicate index was built with another scheme or other parameters."""
