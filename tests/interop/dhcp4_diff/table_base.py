"""Step shorthands shared by the scenario tables.

They only fill in :class:`Step` fields; each scenario stays a plain list of steps.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.interop.dhcp4_diff.steps import (
    DECLINE,
    DISCOVER,
    INFORM,
    RELEASE,
    REQUEST,
    SILENT_WAIT,
    Step,
)

# What a typical client asks for (dhclient's default list, plus NTP and the hostname).
PRL = (55, "u8s:1,2,3,6,12,15,26,28,42,51,54,58,59")
BROADCAST = 0x8000

Options = tuple[tuple[int, str], ...]


def disc(mac: str, *extra: tuple[int, str], **kw: Any) -> Step:
    """DISCOVER with the typical PRL plus ``extra`` options."""
    return Step(DISCOVER, mac, options=(PRL, *extra), **kw)


def select(mac: str, offer: int, *extra: tuple[int, str], **kw: Any) -> Step:
    """SELECTING-state REQUEST for step ``offer``'s address from its server."""
    return Step(REQUEST, mac, options=((50, f"@{offer}"), (54, f"sid@{offer}"), PRL, *extra),
                **kw)


def renew(mac: str, ack: int, *extra: tuple[int, str], **kw: Any) -> Step:
    """RENEWING/REBINDING REQUEST: ciaddr is the bound address, no 50 and no 54
    (RFC 2131 section 4.3.2)."""
    return Step(REQUEST, mac, ciaddr=f"@{ack}", options=(PRL, *extra), **kw)


def reboot(mac: str, address: str, *extra: tuple[int, str], **kw: Any) -> Step:
    """INIT-REBOOT REQUEST: option 50 only, no server id, ciaddr 0 (RFC 2131 4.3.2)."""
    return Step(REQUEST, mac, options=((50, address), PRL, *extra), **kw)


def release(mac: str, ack: int, **kw: Any) -> Step:
    return Step(RELEASE, mac, ciaddr=f"@{ack}", options=((54, f"sid@{ack}"),),
                wait=SILENT_WAIT, **kw)


def decline(mac: str, ack: int, **kw: Any) -> Step:
    return Step(DECLINE, mac, options=((50, f"@{ack}"), (54, f"sid@{ack}")),
                wait=SILENT_WAIT, **kw)


def inform(mac: str, ciaddr: str, *extra: tuple[int, str], **kw: Any) -> Step:
    return Step(INFORM, mac, ciaddr=ciaddr, options=(PRL, *extra), **kw)


def dora(mac: str, *extra: tuple[int, str], **kw: Any) -> tuple[Step, Step]:
    """DISCOVER then the REQUEST for its offer (steps n and n+1 of a scenario)."""
    return disc(mac, *extra, **kw), select(mac, -1, *extra, **kw)


def fix_refs(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """Turn the ``@-1``/``sid@-1`` that :func:`dora` writes into the index before it."""
    out = []
    for index, step in enumerate(steps):
        options = tuple((code, spec.replace("@-1", f"@{index - 1}")) for code, spec in
                        step.options)
        ciaddr = step.ciaddr.replace("@-1", f"@{index - 1}")
        out.append(replace(step, options=options, ciaddr=ciaddr))
    return tuple(out)


def steps(*parts: Step | tuple[Step, ...]) -> tuple[Step, ...]:
    """Flatten steps and :func:`dora` pairs into one scenario's steps."""
    flat: list[Step] = []
    for part in parts:
        flat.extend(part if isinstance(part, tuple) else (part,))
    return fix_refs(tuple(flat))


def silent(step: Step) -> Step:
    """The same step, listened for only briefly (a server is expected to stay silent)."""
    return replace(step, wait=SILENT_WAIT)


__all__ = ["BROADCAST", "DISCOVER", "PRL", "REQUEST", "decline", "disc", "dora", "inform",
           "reboot", "release", "renew", "select", "silent", "steps"]
