"""Management API: command registry, built-in commands, UNIX and HTTP(S) control channels."""
