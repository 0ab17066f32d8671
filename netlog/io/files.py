"""Reading input files and writing private output files.

Output (exports, backups) holds the same private data as the journal: it is
created mode 0600 whatever the umask, written whole before it gets its name,
so a crash never leaves half a file, and a kill leaves no copy of the journal:
an export's file has no name at all until it is done (Linux's O_TMPFILE); a
backup's, which SQLite writes by name, is locked by its maker and swept away
by the next run into that folder once its maker is dead.
"""

from __future__ import annotations

import errno
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


TEMP_PREFIX = ".netlog-tmp-"  # a private file being written: the name a sweep knows
STALE_AFTER_S = 1.0  # older than this and unlocked: its maker is dead (the lock comes a moment after the file)


def sweep(directory: Path) -> None:
    """Remove private temporary files a killed netlog left in ``directory``.

    Each maker holds an flock on its file for as long as it lives (flock, not
    POSIX locks: closing another descriptor does not drop it), so a file whose
    lock can be taken is proven dead, and removed with the journal text in it."""
    import fcntl
    import stat as st
    import time

    try:
        names = [e.name for e in os.scandir(directory) if e.name.startswith(TEMP_PREFIX)]
    except OSError:
        return
    for name in names:
        path = directory / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            if not st.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or time.time() - info.st_mtime < STALE_AFTER_S:
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(path, follow_symlinks=False).st_ino == info.st_ino:
                os.unlink(path)
        except OSError:
            continue  # locked: its maker is alive
        finally:
            os.close(fd)


def _held_temp(directory: Path, target: Path) -> tuple[Path, int]:
    """A new empty 0600 file in ``directory``, locked for as long as its descriptor is open."""
    import fcntl

    try:
        fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", suffix=".tmp", dir=directory)
    except FileNotFoundError:
        raise NetlogError(f"can't write {target}: the directory {directory} does not exist") from None
    except OSError as e:
        raise NetlogError(f"can't write {target}: {e.strerror}; check the directory's permissions") from None
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.fchmod(fd, 0o600)  # mkstemp makes 0600 already; say it anyway
    return Path(name), fd


def _directory(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


@contextmanager
def private_temp(target: Path) -> Iterator[tuple[Path, int]]:
    """A new empty 0600 file beside ``target`` (path, fd), for a writer that needs
    a name (SQLite's VACUUM INTO); removed unless renamed away, and swept by the
    next run should this process be killed."""
    directory = _directory(target)
    sweep(directory)
    tmp, fd = _held_temp(directory, target)
    try:
        yield tmp, fd
    finally:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        os.close(fd)


def _unnamed(directory: Path) -> int | None:
    """A file in ``directory`` that has no name until it is linked (Linux's
    O_TMPFILE): a kill leaves nothing behind. None where the system has none."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        fd = os.open(directory, flag | os.O_WRONLY | os.O_CLOEXEC, 0o600)
    except OSError as e:
        if e.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None  # a filesystem without it, or no such folder (said later)
        raise NetlogError(f"can't write in {directory}: {e.strerror}; check the directory's permissions") from None
    os.fchmod(fd, 0o600)
    return fd


def not_the_journal(target: Path, journal: Path) -> None:
    """Refuse the journal itself, its -wal or its -shm as an output file."""
    for kept in (journal, Path(f"{journal}-wal"), Path(f"{journal}-shm"), Path(f"{journal}-journal")):
        same = os.path.abspath(target) == os.path.abspath(kept)
        try:
            same = same or os.path.samefile(target, kept)
        except OSError:
            pass
        if same:
            raise UsageError(f"{target} is {'the journal' if kept == journal else 'a file of the journal'} itself; write the copy to another file")


def write_private(target: Path, write: Callable[[IO[str]], None], *, overwrite: bool = False) -> None:
    """Write a text file atomically, mode 0600: an unnamed (or locked) temporary
    file, fsync, then its name. Without ``overwrite`` an existing file is never
    replaced."""
    import fcntl

    if target.is_dir():
        raise UsageError(f"{target} is a directory; give a file name")
    if os.path.lexists(target) and not target.is_file():
        raise UsageError(f"{target} is not a regular file (a device, a pipe or a link to nothing); give a file name")
    if not overwrite and os.path.lexists(target):
        raise NetlogError(f"{target} already exists; choose another name, or add --force to replace it")
    directory = _directory(target)
    if not directory.is_dir():
        raise NetlogError(f"can't write {target}: the directory {directory} does not exist")
    fd = _unnamed(directory)
    named = None
    if fd is None:
        sweep(directory)
        named, fd = _held_temp(directory, target)
    else:
        fcntl.flock(fd, fcntl.LOCK_EX)  # kept by the name it may get below
    try:
        with os.fdopen(os.dup(fd), "w", encoding="utf-8", newline="") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if named is None:
            named = _link_unnamed(fd, directory, target, overwrite)
            if named is None:
                _fsync_dir(directory)
                return
        place(named, target, overwrite=overwrite)
    except OSError as e:
        raise NetlogError(f"can't write {target}: {e.strerror}; nothing was written") from None
    finally:
        os.close(fd)
        if named is not None:
            try:
                named.unlink()
            except FileNotFoundError:
                pass


def _link_unnamed(fd: int, directory: Path, target: Path, overwrite: bool) -> Path | None:
    """Give the unnamed file its name: ``target`` itself when nothing is there
    to replace (None returned), else a locked temporary name to rename from."""
    # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd/N: a dir fd makes Python call
    # linkat rather than link, which would not follow the magic link
    proc = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        if not overwrite:
            try:
                os.link(str(fd), target, src_dir_fd=proc, follow_symlinks=True)
            except FileExistsError:
                raise NetlogError(f"{target} already exists; choose another name, or add --force to replace it") from None
            return None
        for _ in range(100):
            named = directory / f"{TEMP_PREFIX}{target.name}.{os.urandom(6).hex()}.tmp"
            try:
                os.link(str(fd), named, src_dir_fd=proc, follow_symlinks=True)
                return named
            except FileExistsError:
                continue
        raise NetlogError(f"can't write {target}: no free temporary name in {directory}")
    finally:
        os.close(proc)


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
