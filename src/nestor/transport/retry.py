"""``service-sockets-require-all`` / ``-max-retries`` / ``-retry-wait-time``.

Kea ARM ("Interface Configuration"): sockets that cannot be opened are by
default logged and skipped; ``service-sockets-max-retries`` (default 0)
retries them every ``service-sockets-retry-wait-time`` milliseconds
(default 5000); with ``service-sockets-require-all`` the server gives up
(exits) when some socket is still missing after the last retry, and without
it the server runs on the sockets it has.

The decision is pure so that the daemon's event loop can drive the timing
(a timer, not a sleep); :func:`open_with_retries` is the blocking form for
start-up code and tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from nestor.errors import NestorError


class SocketsUnavailable(NestorError):
    """Required service sockets could not be opened (the server must stop)."""


class OpenVerdict(Enum):
    DONE = "done"      # every socket open, or give up quietly and run with what is open
    RETRY = "retry"    # wait ``retry_wait_ms`` and try the missing ones again
    FATAL = "fatal"    # require-all and retries exhausted


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    require_all: bool = False
    max_retries: int = 0
    retry_wait_ms: int = 5000

    def verdict(self, retries_done: int, failures: Sequence[object]) -> OpenVerdict:
        """What to do after an attempt that left ``failures``."""
        if not failures:
            return OpenVerdict.DONE
        if retries_done < self.max_retries:
            return OpenVerdict.RETRY
        return OpenVerdict.FATAL if self.require_all else OpenVerdict.DONE

    def fatal_error(self, failures: Sequence[object]) -> SocketsUnavailable:
        """The error to stop with, worded like Kea's DHCP4_OPEN_SOCKETS_FAILED."""
        detail = "; ".join(str(f) for f in failures)
        if self.max_retries:
            return SocketsUnavailable(f"maximum number of open service sockets attempts: "
                                      f"{self.max_retries}, has been exhausted without "
                                      f"success ({detail})")
        return SocketsUnavailable(f"failed to open socket: {detail}")


def open_with_retries(attempt: Callable[[], Sequence[object]], policy: RetryPolicy,
                      sleep: Callable[[float], None]) -> Sequence[object]:
    """Call ``attempt`` (returns remaining failures) until the policy says stop.

    Returns the failures left when running on with some sockets missing;
    raises :class:`SocketsUnavailable` when the policy says the server must stop.
    The number of calls is bounded by ``max_retries + 1``.
    """
    failures = attempt()
    for retries_done in range(policy.max_retries + 1):
        verdict = policy.verdict(retries_done, failures)
        if verdict is OpenVerdict.DONE:
            return failures
        if verdict is OpenVerdict.FATAL:
            raise policy.fatal_error(failures)
        sleep(policy.retry_wait_ms / 1000.0)
        failures = attempt()
    if failures and policy.require_all:
        raise policy.fatal_error(failures)
    return failures
