"""What a process of netlog has saved, and the lines its ends are told with.

Imports nothing: the entry point reads it before anything else is loaded.
Every write transaction that commits is counted here (``note_commit``), so
that whatever stops the command afterwards (Ctrl-C, a failed checkpoint, an
output that can't be written) is told in words that say the change was saved.
"""

from __future__ import annotations

import errno

TYPE_CHECKING = False  # typing itself costs start-up time the --help path can't pay
if TYPE_CHECKING:
    from typing import Any, TextIO

committed = 0  # write transactions committed by this command
owns_process = False  # set by the entry point: the command is the whole process


def reset() -> None:
    global committed
    committed = 0


def note_commit() -> None:
    global committed
    committed += 1


def forget_commits(count: int) -> None:
    """The journal those commits went to was taken away again (a failed first write)."""
    global committed
    committed = max(0, committed - count)


def interrupted() -> str:
    return "interrupted after your change was saved" if committed else "interrupted; nothing was saved"


def unexpected(name: str) -> str:
    where = "after your change was saved" if committed else "nothing was saved"
    return f"unexpected {name}; {where}. Run 'netlog check', and report this with NETLOG_DEBUG=1 output"


class OutputFailed(Exception):
    """stdout or stderr could not be written (a closed pipe, a full disk)."""

    def __init__(self, stream: str, error: OSError) -> None:
        super().__init__(stream, error.errno)
        self.stream = stream
        self.errno = error.errno
        self.strerror = error.strerror or type(error).__name__

    @property
    def closed_pipe(self) -> bool:
        return self.errno == errno.EPIPE


def output_failed(e: OutputFailed) -> str:
    if committed:
        return f"your change was saved, but its output could not be written: {e.strerror}"
    return f"the output could not be written: {e.strerror}"


class Guarded:
    """A text stream whose write and flush failures are OutputFailed, not
    OSError: the exit mapping then knows they are the output's, not the journal's."""

    def __init__(self, stream: TextIO | None, name: str) -> None:
        self._stream = stream  # None: the process was started with it closed (>&-)
        self._name = name

    def write(self, text: str) -> int:
        try:
            return self._real().write(text)
        except OSError as e:
            raise OutputFailed(self._name, e) from None

    def flush(self) -> None:
        if self._stream is None:
            return  # nothing was written, or write already said so
        try:
            self._stream.flush()
        except OSError as e:
            raise OutputFailed(self._name, e) from None

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def _real(self) -> TextIO:
        if self._stream is None:
            raise OSError(errno.EBADF, f"{self._name} is closed")
        return self._stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)
