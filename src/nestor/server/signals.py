"""Kea's signals: SIGHUP reloads the configuration file, SIGTERM and SIGINT stop.

Handlers run on the event loop (``loop.add_signal_handler``), never inside
a batch: a signal that arrives while a batch is being decided is acted on
after the batch's leases are committed and its replies sent.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from enum import Enum


class Action(Enum):
    RELOAD = "reload"
    STOP = "stop"


# Kea's ControlledDhcpv4Srv: SIGHUP → reload from the same file, SIGINT/SIGTERM → shutdown.
SIGNAL_ACTIONS: dict[signal.Signals, Action] = {
    signal.SIGHUP: Action.RELOAD,
    signal.SIGTERM: Action.STOP,
    signal.SIGINT: Action.STOP,
}


def install(loop: asyncio.AbstractEventLoop,
            handlers: dict[Action, Callable[[], None]]) -> None:
    """Route each signal of :data:`SIGNAL_ACTIONS` to the handler of its action."""
    for signum, action in SIGNAL_ACTIONS.items():
        loop.add_signal_handler(signum, handlers[action])


def uninstall(loop: asyncio.AbstractEventLoop) -> None:
    for signum in SIGNAL_ACTIONS:
        loop.remove_signal_handler(signum)
