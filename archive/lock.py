"""One run at a time per archive: an exclusive ``flock`` on ``<archive>.lock``.

The kernel releases the lock when the process ends, however it ends (SIGKILL included), so a
killed run never leaves the archive locked; the file itself may stay and is harmless.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from archive.errors import ArchiveLocked
from archive.store import utc_now

__all__ = ["ArchiveLock", "ArchiveLocked"]


class ArchiveLock:
    def __init__(self, archive_path: str | Path):
        self.path = Path(str(archive_path) + ".lock")
        self._handle = None

    def __enter__(self) -> "ArchiveLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise ArchiveLocked(
                f"{self.path.with_suffix('')} is being written by {holder}; "
                "two runs at once are refused (the lock goes away when that run ends)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {utc_now()}")
        handle.flush()
        self._handle = handle
        return self

    def __exit__(self, *exc_info) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
