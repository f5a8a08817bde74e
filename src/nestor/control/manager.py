"""The set of open control channels, replaced atomically with the configuration.

:meth:`ChannelSet.prepare` opens (binds) every channel the new configuration
asks for that is not already open, so a socket that cannot be had refuses the
whole configuration before anything changed; :meth:`ChannelSet.commit` then
closes the channels the new configuration dropped and starts serving the new
ones. A channel whose settings did not change stays open throughout, so the
``config-set`` that arrived through it can still be answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from nestor.control.channels import ChannelSpec, HttpSpec, UnixSpec, channel_specs
from nestor.control.service import CommandHandler
from nestor.control.unix import UnixChannel
from nestor.errors import ConfigError
from nestor.logs.core import get_logger

log = get_logger("commands")


class Channel(Protocol):
    def describe(self) -> str: ...
    async def start(self, handler: CommandHandler) -> None: ...
    async def stop(self) -> None: ...
    def close(self) -> None: ...


def open_channel(spec: ChannelSpec) -> Channel:
    if isinstance(spec, UnixSpec):
        return UnixChannel(spec.path)
    assert isinstance(spec, HttpSpec)
    # Imported here: aiohttp alone takes about 0.1 s to import, and most servers
    # only have a UNIX control socket.
    from nestor.control.http import HttpChannel
    return HttpChannel(spec)


@dataclass
class ChannelPlan:
    specs: list[ChannelSpec]
    opened: dict[ChannelSpec, Channel] = field(default_factory=dict)


class ChannelSet:
    def __init__(self) -> None:
        self.open: dict[ChannelSpec, Channel] = {}
        self._handler: CommandHandler | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def prepare(self, raw: Mapping[str, object]) -> ChannelPlan:
        """Bind what is new in ``raw``; ConfigError (nothing left open) if one cannot be."""
        plan = ChannelPlan(channel_specs(raw))
        try:
            for spec in plan.specs:
                if spec not in self.open and spec not in plan.opened:
                    plan.opened[spec] = open_channel(spec)
        except ConfigError:
            self.discard(plan)
            raise
        return plan

    def discard(self, plan: ChannelPlan) -> None:
        for channel in plan.opened.values():
            channel.close()
        plan.opened.clear()

    def commit(self, plan: ChannelPlan) -> None:
        keep = set(plan.specs)
        for spec in [s for s in self.open if s not in keep]:
            self.open.pop(spec).close()
        for spec, channel in plan.opened.items():
            self.open[spec] = channel
            if self._handler is not None:
                self._spawn(channel)
        plan.opened = {}

    def serve(self, handler: CommandHandler) -> None:
        """Start serving every open channel (call with the event loop running)."""
        self._handler = handler
        for channel in self.open.values():
            self._spawn(channel)

    def _spawn(self, channel: Channel) -> None:
        assert self._handler is not None
        task = asyncio.get_running_loop().create_task(self._start(channel, self._handler))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start(self, channel: Channel, handler: CommandHandler) -> None:
        try:
            await channel.start(handler)
        except OSError as exc:
            log.error("COMMAND_SOCKET_ACCEPT_FAIL", channel.describe(), exc)

    async def aclose(self) -> None:
        """Stop serving and close every channel, waiting for clean-up (loop ending)."""
        for task in list(self._tasks):
            task.cancel()
        for channel in self.open.values():
            await channel.stop()
        self.open.clear()
        self._handler = None

    def close(self) -> None:
        for channel in self.open.values():
            channel.close()
        self.open.clear()
        self._handler = None
