"""The client classes that exist without a definition (Kea's ``isClientClassBuiltIn``).

Kept apart from the parser and evaluator so the configuration loader can check class
names without loading them.
"""

from __future__ import annotations

# These names, and names longer than one of the prefixes. Kea 2.2 does not count DROP
# or SKIP_DDNS.
BUILTIN_CLASSES = frozenset({"ALL", "KNOWN", "UNKNOWN", "BOOTP"})
BUILTIN_PREFIXES = ("VENDOR_CLASS_", "HA_", "AFTER_", "EXTERNAL_")


def is_builtin_class(name: str) -> bool:
    return name in BUILTIN_CLASSES or any(
        name.startswith(prefix) and len(name) > len(prefix) for prefix in BUILTIN_PREFIXES)
