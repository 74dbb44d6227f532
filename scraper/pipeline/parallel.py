"""Many sites in one run: every host read at the same time, the archive written from one place.

Each host gets a worker thread (sites sharing a host share one, so a host never sees two requests at
once and its robots rules, delay and connection cap stay its own). At most ``max_hosts`` workers run
at once (the config's global connection cap: a worker has at most one request in flight).

SQLite has one writer, and the archive's transactions must never interleave: a worker holds the
*archive turn* (:class:`ArchiveTurn`, one lock for the whole run) whenever it runs pipeline code, and
gives it up only while it waits for the network (:class:`TurnTakingFetcher`: the politeness delay and
the request itself). So archive reads and writes, extraction and deduplication run one at a time, as
in a serial run, while every host's waiting overlaps. A host that is down, slow or refusing only
occupies its own worker; one that fails in an unforeseen way fails its own site only.

When one worker meets a fatal error (the archive itself failing) or the run is interrupted, the
others stop at their next turn (:class:`RunAborted`, before their next archive write), so nothing
half-written is kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from scraper.config import Site
from scraper.fetch import Fetcher, Response


class RunAborted(BaseException):  # noqa: N818 (BaseException: no site's "except Exception" may swallow it)
    """Another worker failed fatally, or the run was interrupted: this worker stops at its next turn."""


@dataclass
class ArchiveTurn:
    """The one lock under which pipeline code touches the archive; see the module docstring."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _aborted: threading.Event = field(default_factory=threading.Event)

    def take(self) -> None:
        self._lock.acquire()
        if self._aborted.is_set():
            self._lock.release()
            raise RunAborted()

    def give(self) -> None:
        self._lock.release()

    def abort(self) -> None:
        self._aborted.set()

    @property
    def aborted(self) -> bool:
        return self._aborted.is_set()


@dataclass
class TurnTakingFetcher:
    """A :class:`Fetcher` seen from one worker: the archive turn is given up while a request waits."""

    fetcher: Fetcher
    turn: ArchiveTurn

    def get(self, url: str, *args, **kwargs) -> Response:
        return self._waiting(self.fetcher.get, url, *args, **kwargs)

    def get_kept(self, url: str, *args, **kwargs) -> Response:
        return self._waiting(self.fetcher.get_kept, url, *args, **kwargs)

    def _waiting(self, request: Callable[..., Response], *args, **kwargs) -> Response:
        self.turn.give()
        try:
            return request(*args, **kwargs)
        finally:
            self.turn.take()


def host_groups(sites: Sequence[Site]) -> list[list[Site]]:
    """The sites grouped by host, in config order (each group is read by one worker, site after site)."""
    groups: dict[str, list[Site]] = {}
    for site in sites:
        groups.setdefault(site.host, []).append(site)
    return list(groups.values())


def collect_all(sites: Sequence[Site], collect_site: Callable[[Site, TurnTakingFetcher], None], fetcher: Fetcher,
                max_hosts: int) -> None:
    """Run ``collect_site(site, fetcher)`` for every site, hosts in parallel, holding the archive turn.

    ``collect_site`` handles its own site's failures; whatever it raises (a fatal archive error, the
    run's time limit) stops the other workers at their next turn and is raised here, after every
    worker has stopped. An interruption of the calling thread (Ctrl-C, SIGTERM) does the same.
    """
    turn = ArchiveTurn()
    view = TurnTakingFetcher(fetcher, turn)

    def worker(group: list[Site]) -> None:
        turn.take()
        try:
            for site in group:
                collect_site(site, view)
        finally:
            turn.give()

    groups = host_groups(sites)
    with ThreadPoolExecutor(max_workers=max(1, min(max_hosts, len(groups))), thread_name_prefix="site") as pool:
        futures = [pool.submit(worker, group) for group in groups]
        try:
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            if any(future.exception() is not None for future in done):
                turn.abort()
        except BaseException:
            turn.abort()
            for future in futures:
                future.cancel()
            wait(futures)
            raise
        wait(futures)
    for future in futures:  # the first real failure, not the stops it caused in the others
        error = future.exception()
        if error is not None and not isinstance(error, RunAborted):
            raise error
