"""The exceptions netlog raises for the user, and the exit codes they map to.

Every failure the user can cause or meet is one of these; the CLI turns each
into exactly one line on stderr and its exit code (see ``netlog.cli.app``).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1  # something went wrong that is not the user's typing
EXIT_USAGE = 2  # what was typed cannot be used
EXIT_INTERRUPTED = 130  # Ctrl-C


class NetlogError(Exception):
    """A failure with a one-line message for the user."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(NetlogError):
    """Bad input: a name that matches nobody, an impossible date, a bad option."""

    exit_code = EXIT_USAGE


class JournalRefused(NetlogError):
    """The journal file cannot be used (not SQLite, another program's, too new)."""


class StorageError(NetlogError):
    """The journal could not be read or written (locked, read-only, disk full)."""
