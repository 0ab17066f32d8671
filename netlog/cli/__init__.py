"""The command line: thin Typer commands over ``netlog.journal`` and ``netlog.reports``.

Importing this package registers every command; command modules import
nothing heavy at module level, so --help and --version stay fast.
"""

from netlog.cli import contacts, entries, io, remind, reports  # noqa: F401  (registers commands)
from netlog.cli.base import app

__all__ = ["app"]
