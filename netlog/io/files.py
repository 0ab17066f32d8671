"""Reading input files and writing private output files.

Output (exports, backups) holds the same private data as the journal: it is
created mode 0600 whatever the umask, written to a temporary name in the
target directory and renamed into place, so a crash never leaves half a file.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from netlog.errors import NetlogError, UsageError


def read_text(path: str, what: str = "FILE") -> tuple[str, str]:
    """(text, display name) of a UTF-8 file, or of stdin for '-'.

    A byte-order mark is dropped; CRLF and CR line ends become LF. Anything that
    is not UTF-8 is refused with the position of the first bad byte.
    """
    if path == "-":
        if sys.stdin is None or sys.stdin.closed:
            raise UsageError(f"{what}: '-' reads from stdin, but there is no stdin; pipe the file in")
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8", "surrogateescape")
        shown = "stdin"
    else:
        shown = path
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise UsageError(f"{what}: {path} does not exist; check the path") from None
        except IsADirectoryError:
            raise UsageError(f"{what}: {path} is a directory; give the file inside it") from None
        except PermissionError:
            raise UsageError(f"{what}: can't read {path}: permission denied; check the file's mode") from None
        except OSError as e:
            raise UsageError(f"{what}: can't read {path}: {e.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise UsageError(f"{what}: {shown} is not UTF-8 text (bad byte on line {line}); save it as UTF-8 and try again") from None
    if "\x00" in text:
        raise UsageError(f"{what}: {shown} contains NUL bytes, so it is not a text file; check that it is the right file")
    return text.replace("\r\n", "\n").replace("\r", "\n"), shown


def make_private_dir(path: Path) -> None:
    """A directory for exports: created 0700 if missing."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise NetlogError(f"can't create {path}: {e.strerror}; choose another directory") from None
    if not path.is_dir():
        raise UsageError(f"{path} is not a directory; give a directory for the CSV files")


@contextmanager
def private_temp(target: Path) -> Iterator[tuple[Path, int]]:
    """A new empty 0600 file beside ``target`` (path, fd); removed unless renamed away."""
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except FileNotFoundError:
        raise NetlogError(f"can't write {target}: the directory {directory} does not exist") from None
    except OSError as e:
        raise NetlogError(f"can't write {target}: {e.strerror}; check the directory's permissions") from None
    tmp = Path(name)
    try:
        os.fchmod(fd, 0o600)  # mkstemp makes 0600 already; say it anyway
        yield tmp, fd
    finally:
        try:
            os.close(fd)
        except OSError:
            pass
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass


def write_private(target: Path, write: Callable[[IO[str]], None], *, overwrite: bool = True) -> None:
    """Write a text file atomically, mode 0600: temp name, fsync, rename."""
    if target.is_dir():
        raise UsageError(f"{target} is a directory; give a file name")
    with private_temp(target) as (tmp, fd):
        try:
            with os.fdopen(os.dup(fd), "w", encoding="utf-8", newline="") as f:
                write(f)
                f.flush()
                os.fsync(f.fileno())
            place(tmp, target, overwrite=overwrite)
        except OSError as e:
            raise NetlogError(f"can't write {target}: {e.strerror}; nothing was written") from None


def place(tmp: Path, target: Path, *, overwrite: bool) -> None:
    """Move a finished temp file to its name; without ``overwrite`` never replace a file."""
    if overwrite:
        os.replace(tmp, target)
    else:
        try:
            os.link(tmp, target)  # fails if target exists: no race, no clobbering
        except FileExistsError:
            raise NetlogError(f"{target} already exists; choose another name or remove it first") from None
        except OSError:
            if target.exists():
                raise NetlogError(f"{target} already exists; choose another name or remove it first") from None
            os.replace(tmp, target)
            return
        tmp.unlink()
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory if str(directory) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
