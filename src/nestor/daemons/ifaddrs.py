"""This machine's interface addresses, through the C library's ``getifaddrs``.

Loaded only when a configuration names an interface together with an address
(``"eth0/192.0.2.1"``), the one check that needs it: ctypes costs start-up time.
"""

from __future__ import annotations

import ctypes
import ipaddress
import socket


class _Sockaddr(ctypes.Structure):
    _fields_ = [("sa_family", ctypes.c_ushort), ("sa_data", ctypes.c_ubyte * 14)]


class _Ifaddrs(ctypes.Structure):
    pass


_Ifaddrs._fields_ = [("ifa_next", ctypes.POINTER(_Ifaddrs)), ("ifa_name", ctypes.c_char_p),
                     ("ifa_flags", ctypes.c_uint), ("ifa_addr", ctypes.POINTER(_Sockaddr))]


def _libc() -> ctypes.CDLL:
    # The running interpreter already has the C library loaded: looking its symbols up
    # there spares ctypes.util.find_library, which runs programs to search for it.
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        from ctypes.util import find_library
        return ctypes.CDLL(find_library("c"), use_errno=True)


def interface_addresses() -> set[tuple[str, str]]:
    """(interface, address) pairs of this machine."""
    libc = _libc()
    head = ctypes.POINTER(_Ifaddrs)()
    if libc.getifaddrs(ctypes.byref(head)) != 0:
        return set()
    found: set[tuple[str, str]] = set()
    try:
        node = head
        while node:
            entry = node.contents
            if entry.ifa_addr:
                found.update(_address_of(entry))
            node = entry.ifa_next
    finally:
        libc.freeifaddrs(head)
    return found


def _address_of(entry: _Ifaddrs) -> set[tuple[str, str]]:
    name = (entry.ifa_name or b"").decode()
    family = entry.ifa_addr.contents.sa_family
    raw = ctypes.string_at(entry.ifa_addr, 28)
    if family == socket.AF_INET:
        return {(name, str(ipaddress.IPv4Address(raw[4:8])))}
    if family == socket.AF_INET6:
        return {(name, str(ipaddress.IPv6Address(raw[8:24])))}
    return set()
