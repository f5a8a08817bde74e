"""Kea configuration files: reading them unchanged, checking them as strictly as Kea,
and turning them into a typed model with Kea's defaults and scope inheritance.

``load_file(path, 4)`` returns a :class:`Loaded` holding the :class:`Config`;
every refusal is a :class:`~nestor.errors.ConfigError` naming file, line and column.
"""

from nestor.config.globalchecks import SystemChecks
from nestor.config.loader import Loaded, load_file, load_text
from nestor.config.model import Config

__all__ = ["Config", "Loaded", "SystemChecks", "load_file", "load_text"]
