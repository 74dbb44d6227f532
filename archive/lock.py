"""One run at a time per archive: exclusive ``flock`` locks, released by the kernel however a run ends.

Two locks, both taken without waiting:

1. ``<archive>.lock`` next to the path given, holding ``pid N since …`` for the refusal message
   (and refusing older versions of iom-archive, which take only this one);
2. the archive file itself, so the lock belongs to the file, not to a name: a hard link, a
   symlink or another spelling of the path (``./a/../archive.db``, a bind mount) leads to the same
   inode and to the same lock. SQLite locks with ``fcntl`` record locks, which ``flock`` does not
   touch; the descriptor is kept open until the archive has been closed (closing another
   descriptor of the file while SQLite holds its locks would drop them: POSIX), so :class:`ArchiveLock`
   must wrap the :class:`~archive.store.Archive`, as ``with ArchiveLock(p), Archive(p)`` does.

The kernel releases both when the process ends, however it ends (SIGKILL included), so a killed
run never leaves the archive locked; the ``.lock`` file itself may stay and is harmless.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from archive.errors import ArchiveError, ArchiveLocked
from archive.store import utc_now

__all__ = ["ArchiveLock", "ArchiveLocked"]


class ArchiveLock:
    def __init__(self, archive_path: str | Path):
        self.archive = Path(archive_path)
        self.path = Path(str(archive_path) + ".lock")
        self._handle = None
        self._file: int | None = None

    def __enter__(self) -> "ArchiveLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise self._refused(holder) from None
        try:
            self._file = self._lock_the_file()
        except BaseException:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {utc_now()}")
        handle.flush()
        self._handle = handle
        return self

    def _lock_the_file(self) -> int:
        """Lock the archive file itself (created empty if missing: SQLite takes a 0-byte file as new)."""
        try:
            fd = os.open(self.archive, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise ArchiveError(f"cannot open archive {self.archive}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _flock_holder(os.fstat(fd)) or "another process"
            os.close(fd)
            raise self._refused(f"{holder}, through another path to the same file (a hard link or symlink)") \
                from None
        return fd

    def _refused(self, holder: str) -> ArchiveLocked:
        return ArchiveLocked(
            f"{self.archive} is being written by {holder}; "
            "two runs at once are refused (the lock goes away when that run ends)"
        )

    def __exit__(self, *exc_info) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            os.close(self._file)
            self._file = None
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def _flock_holder(stat: os.stat_result) -> str | None:
    """``pid N`` of the process holding a ``flock`` on the file, from Linux's ``/proc/locks``."""
    wanted = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == wanted and fields[4] != str(os.getpid()):
            return f"pid {fields[4]}"
    for line in lines:  # held by this very process (a test, or the scheduler and a manual run in one process)
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == wanted:
            return f"pid {fields[4]}"
    return None
