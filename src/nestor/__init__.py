"""Nestor: a DHCP server suite that is a drop-in replacement for ISC Kea."""

__version__ = "0.1.0"

# The Kea release whose behaviour and file formats Nestor follows; reported by -V.
KEA_COMPAT_VERSION = "2.2.0"
