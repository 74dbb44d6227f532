"""robots.txt: what a site allows this bot to fetch, and how slowly (protego).

Follows RFC 9309: a robots.txt that answers 4xx means everything is allowed; one that cannot be
fetched (5xx, network failure) means nothing is, for this run. ``Crawl-delay`` and
``Request-rate`` raise the per-host delay above the config's ``request_delay``, never lower it.
"""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego

ROBOTS_MAX_BYTES = 500_000


@dataclass(frozen=True)
class RobotsRules:
    """The parsed rules of one host for one user agent."""

    parser: Protego | None
    user_agent: str
    unreachable: str | None = None  # why robots.txt could not be read; then nothing is allowed

    @classmethod
    def parse(cls, text: str, user_agent: str) -> "RobotsRules":
        return cls(Protego.parse(text[:ROBOTS_MAX_BYTES]), user_agent)

    @classmethod
    def allow_all(cls, user_agent: str) -> "RobotsRules":
        return cls(None, user_agent)

    @classmethod
    def disallow_all(cls, user_agent: str, reason: str) -> "RobotsRules":
        return cls(None, user_agent, unreachable=reason)

    def allowed(self, url: str) -> bool:
        if self.unreachable is not None:
            return False
        return self.parser is None or self.parser.can_fetch(url, self._agent_token)

    def min_delay(self) -> float:
        """Seconds between two requests that robots.txt asks for (0 when it asks nothing)."""
        if self.parser is None:
            return 0.0
        delay = self.parser.crawl_delay(self._agent_token) or 0.0
        rate = self.parser.request_rate(self._agent_token)
        if rate and rate.requests:
            delay = max(delay, rate.seconds / rate.requests)
        return float(delay)

    @property
    def _agent_token(self) -> str:
        """The product token robots.txt groups match on: ``iom-archive`` of ``iom-archive/0.1 (…)``."""
        return self.user_agent.split("/")[0].split()[0] if self.user_agent.strip() else "*"
