"""Writing a file atomically: the new bytes go to a hidden temporary file beside it, are
checked, then take its place with one `os.replace`. An interrupted import leaves the old
file whole and no temporary file behind. A symbolic link is written through: the file it
leads to gets the new bytes, the link stays.

`locked` keeps two imports from reading and rewriting the same files at once (each would
lose what the other added).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:        # not on this system (Windows): imports there are not locked
    fcntl = None  # type: ignore[assignment]


class StagedFile:
    """New bytes for `path`, waiting beside it until `commit()` (or gone after `discard()`)."""

    def __init__(self, path: Path, data: bytes):
        # Through a symbolic link: the file it leads to is replaced, the link stays.
        path = Path(os.path.realpath(path)) if path.is_symlink() else path
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # A leading dot and a .tmp suffix: the build and the watcher ignore the file.
        # The name's first 60 bytes: the temporary name must fit where the file's did.
        short = path.name.encode()[:60].decode(errors="ignore")
        handle, name = tempfile.mkstemp(prefix=f".{short}.", suffix=".tmp", dir=path.parent)
        self.temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            if path.exists():
                os.chmod(self.temporary, path.stat().st_mode & 0o7777)
            else:
                os.chmod(self.temporary, 0o666 & ~_umask())
        except BaseException:
            self.discard()
            raise

    def commit(self) -> None:
        """Put the new bytes in place of the file, in one step."""
        try:
            os.replace(self.temporary, self.path)
        except BaseException:
            self.discard()
            raise
        with contextlib.suppress(OSError):
            directory = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)

    def discard(self) -> None:
        """Remove the temporary file; the old file stays as it was."""
        with contextlib.suppress(FileNotFoundError):
            self.temporary.unlink()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step."""
    StagedFile(path, data).commit()


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` itself until the block ends; another process
    asking for it waits. The folder is never replaced (its files are), and no lock file
    is left behind."""
    if fcntl is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        # A file system that cannot lock (some NFS, FUSE and SMB mounts) says so: go on
        # unlocked, as the build does there.
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)        # closing it lets the lock go
