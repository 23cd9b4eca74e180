"""Writing the output folder safely.

Files are staged beside the output folder, then moved into place only when
the whole build succeeded. A manifest lists what hubgen wrote, so a later
build deletes only its own stale files: never the user's, never one of a `.git` folder.
Files whose bytes did not change are left alone.
"""

from __future__ import annotations

import errno
import json
import os
import posixpath
import re
import shutil
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from hubgen.config import CONFIG_NAME, Config
from hubgen.content.sources import VERSION_CONTROL
from hubgen.errors import HubgenError, UsageError
from hubgen.plan.routes import MANIFEST_NAME
from hubgen.plan.urls import is_plain_relative
from hubgen.wording import some_of

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

MANIFEST_VERSION = 1
_PROTECTED_FOLDERS = ("content", "static", "templates", "themes")


@dataclass
class WriteReport:
    """What a build did to the output folder."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    interrupted: bool = False   # Ctrl-C came while the new files were moved in (all were)


def source_folders(root: Path) -> list[Path]:
    """The hub's source folders (content/, static/, templates/, themes/) where they really
    are: one may be a link to a folder elsewhere (shared assets), one a link to itself."""
    # realpath, not Path.resolve: a link to itself is no error here (it raises there).
    return [Path(os.path.realpath(root / name)) for name in _PROTECTED_FOLDERS]


def check_output_folder(output: Path, config: Config, cache_on_disk: bool = True) -> Path:
    """Refuse, before touching anything, an output folder that would put the hub at risk.

    Returns the resolved folder. Raises UsageError for the hub's own folder or
    one of its ancestors, a folder inside content/, static/, templates/ or
    themes/, or a folder that holds a content/ folder or a hubgen config; and
    for a cache folder (cache_dir) among the hub's sources or holding them, and, when the
    build keeps its cache on disk, for one holding files of yours.
    """
    output = output.resolve()
    root = config.root.resolve()
    _check_cache_folder(config.resolve(config.cache_dir).resolve(), root, cache_on_disk)
    reason = ""
    if output == root:
        reason = "it is the hub's own folder"
    elif root.is_relative_to(output):
        reason = "it holds the hub's folder"
    elif any(output.is_relative_to(folder) for folder in source_folders(root)):
        reason = "it lies inside the hub's sources"
    elif output.is_relative_to(config.resolve(config.cache_dir)):
        reason = "it lies inside the build cache"
    elif config.resolve(config.cache_dir).resolve().is_relative_to(output):
        reason = "it would hold the build cache (cache_dir), which must never be published"
    elif output.exists() and not output.is_dir():
        reason = "it is a file, not a folder"
    elif not (nearest := next(p for p in output.parents if p.exists())).is_dir():
        reason = f"{nearest} is a file, not a folder"
    elif (output / "content").is_dir() or (output / CONFIG_NAME).exists() \
            or output == config.path.parent:
        reason = "it holds a hub's content/ or hubgen.yaml"
    if reason:
        raise UsageError(f"refusing to build into {output}: {reason}; nothing was written. "
                         "Choose another folder with --output or 'output:' in hubgen.yaml.")
    return output


# Marks a folder as hubgen's cache, and as a cache to backup tools (bford.info/cachedir).
CACHE_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
             "# This folder is a cache made by hubgen; it is safe to delete.\n")


# The names a cache folder of hubgen's holds (persist.py), temporary files included.
_CACHE_NAMES = re.compile(r"CACHEDIR\.TAG|build\.cache|sources-\d\d\.cache|templates|\..+\.tmp")


def _not_hubgens(folder: Path) -> str | None:
    """The name of a file in `folder` that shows it is no cache hubgen made; None when it is
    one (it has hubgen's tag, or holds only names hubgen uses: a cache made before hubgen
    tagged them, or by a build that stopped early), or does not exist yet."""
    try:
        if (folder / "CACHEDIR.TAG").read_text(encoding="utf-8") == CACHE_TAG:
            return None
    except (OSError, UnicodeDecodeError):
        pass
    try:
        return next((entry.name for entry in sorted(folder.iterdir())
                     if not _CACHE_NAMES.fullmatch(entry.name)), None)
    except OSError:
        return None


def _check_cache_folder(cache: Path, root: Path, cache_on_disk: bool) -> None:
    """Refuse a cache_dir among the hub's sources: static/ is published as it is (the
    cache holds every draft's text and local paths), and content/, templates/ and
    themes/ are read as sources."""
    reason = ""
    if root.is_relative_to(cache):
        reason = "it would be the hub's own folder or hold it"
    else:
        for name, folder in zip(_PROTECTED_FOLDERS, source_folders(root), strict=True):
            if cache.is_relative_to(folder):
                reason = f"it lies inside {name}/" + \
                    (", which is published as it is" if name == "static" else
                     ", which hubgen reads as the hub's sources")
                break
    foreign = _not_hubgens(cache) if not reason and cache_on_disk else None
    if foreign is not None:
        # The cache replaces and removes files of its own there: never in a folder of yours.
        reason = f"it holds {foreign}, which is not hubgen's (a cache hubgen made has its " \
            "CACHEDIR.TAG; a cache that lost it can be deleted)"
    if reason:
        raise UsageError(f"refusing to keep the build cache in {cache}: {reason}; nothing was "
                         "written. Set cache_dir in hubgen.yaml to a folder of its own, "
                         "e.g. cache_dir: .hubgen-cache")


def in_version_control(relative: str) -> bool:
    """True for a path inside a `.git` (`.hg`, `.svn`) folder: nothing in one is ever
    deleted or published, whatever a manifest lists (a site published from a checkout of
    its own output)."""
    return any(part in VERSION_CONTROL for part in relative.split("/"))


def read_manifest(output: Path, resolve: bool = True) -> set[str]:
    """The files an earlier build wrote (empty when there is no readable manifest).

    Entries that leave the output folder ('..', '/x') are dropped; with `resolve`,
    also those a symlink leads out of it (which costs a look at each path; a caller
    may instead check just the files it deletes).
    """
    try:
        files = parse_manifest((output / MANIFEST_NAME).read_text(encoding="utf-8"))
    except OSError:
        return set()
    root = os.path.realpath(output) + os.sep
    return {f for f in files or () if not resolve or _is_inside(root, f)}


def parse_manifest(text: str) -> set[str] | None:
    """The plain relative paths a manifest lists; None when it is not one hubgen wrote."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return None
    files = data.get("files", [])
    return {f for f in files if isinstance(f, str) and is_plain_relative(f)} \
        if isinstance(files, list) else None


def manifest_bytes(files: Iterable[str]) -> bytes:
    """A manifest listing these files, as it is written."""
    manifest = {"version": MANIFEST_VERSION, "generator": "hubgen", "files": sorted(files)}
    return (json.dumps(manifest, indent=1) + "\n").encode("utf-8")


def not_built(folder: Path, outputs: Iterable[str]) -> list[str]:
    """The files of an output folder that no build wrote (a file put there by hand, a
    .DS_Store): neither the site's files nor those the folder's manifest lists, which
    the next build removes. Nothing inside a `.git` or other version control folder."""
    known = set(outputs) | read_manifest(folder, resolve=False) | {MANIFEST_NAME}
    found = []
    for parent, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if name not in VERSION_CONTROL)
        for name in sorted(names):
            relative = (Path(parent) / name).relative_to(folder).as_posix()
            if relative not in known:
                found.append(relative)
    return sorted(found)


def stale_files(previous: Iterable[str], current: Iterable[str]) -> list[str]:
    """What an earlier build or publish wrote and this one does not: a `.well-known/` file
    whose source went included, never a file of a `.git` folder."""
    return sorted(p for p in set(previous) - set(current) if not in_version_control(p))


def _is_inside(root: str, relative: str) -> bool:
    """True for a relative path that stays inside the folder `root` (its real path and a
    separator): no '..', no '/x', no symlink leading out."""
    return is_plain_relative(relative) and os.path.realpath(root + relative).startswith(root)


def _same_bytes(path: Path | str, content: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(content):
            return False
        with open(path, "rb") as file:
            return file.read() == content
    except OSError:
        return False


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def _write_new(path: str, content: bytes) -> tuple[int, int]:
    """Write a file, making its folders first if they are missing; returns its size and
    modification time (which moving the file into place keeps)."""
    try:
        descriptor = os.open(path, _NEW_FILE, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor = os.open(path, _NEW_FILE, 0o666)
    try:
        rest = memoryview(content)
        while rest:
            rest = rest[os.write(descriptor, rest):]
        stat = os.fstat(descriptor)
    finally:
        os.close(descriptor)
    return (stat.st_size, stat.st_mtime_ns)


def _temporary_for(path: Path) -> Path:
    """The hidden file beside `path` that takes its new bytes before a rename over it
    (a name that reading the sources and serve's watcher pass over, should one be left)."""
    return path.with_name(f".{path.name}.hubgen-tmp")


def _move_in(staged: Path, destination: Path) -> None:
    """Move a staged file to its place in the output folder, replacing the old one whole."""
    try:
        os.replace(staged, destination)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        # The output folder is a mount point (a container's volume, another disk) and the
        # staging folder beside it on another file system: a copy made beside the old
        # file, with its time (the cache's stamp), is renamed over it instead.
        temporary = _temporary_for(destination)
        try:
            shutil.copy2(staged, temporary)
            os.replace(temporary, destination)
        finally:
            temporary.unlink(missing_ok=True)


def _atomic_write(path: Path, content: bytes) -> None:
    temporary = _temporary_for(path)
    temporary.write_bytes(content)
    os.replace(temporary, path)


def remove_empty_parents(path: Path, stop: Path) -> None:
    """Remove the folders above `path` that became empty, up to (not including) `stop`."""
    parent = path.parent
    while parent != stop and parent.is_relative_to(stop):
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


class OutputConflict(HubgenError):
    """The output folder holds something of the user's where the site needs to write."""


def _clear_the_way(output: Path, names: Iterable[str], previous: set[str]) -> list[Path]:
    """Files of an earlier build that stand where this build needs a folder.

    A folder that holds only files an earlier build wrote, where a file must go (a
    permalink without its closing '/'), is in the way too. A file that is not hubgen's
    where the site needs a folder, or a folder of anything else where a file must go,
    is a conflict: it is reported before anything is written.
    """
    in_the_way: dict[str, Path] = {}
    problems: list[str] = []
    folders_seen: set[str] = set()   # folders already known to be free (or absent)
    root = str(output)
    if not os.path.lexists(root):   # a first build: nothing can stand in the way
        return []
    for relative in names:
        if os.path.isdir(os.path.join(root, relative)) and \
                not os.path.islink(os.path.join(root, relative)):
            if _holds_only(output / relative, relative, previous):
                in_the_way[relative] = output / relative
            else:
                problems.append(f"{relative} is a folder holding files of yours, but the "
                                "site has a file there")
            continue
        parts = relative.split("/")
        for depth in range(1, len(parts)):
            ancestor = "/".join(parts[:depth])
            if ancestor in folders_seen:
                continue
            if ancestor in in_the_way:
                break
            path = os.path.join(root, ancestor)
            if os.path.isfile(path) or os.path.islink(path):
                if ancestor in previous:
                    in_the_way[ancestor] = output / ancestor
                else:
                    problems.append(f"{ancestor} is a file of yours, but the site needs a "
                                    "folder there")
                break
            folders_seen.add(ancestor)
    if problems:
        raise OutputConflict(f"cannot write into {output}: " + "; ".join(sorted(set(problems))) +
                             ". Nothing was written; move those files away or choose another "
                             "output folder.")
    return list(in_the_way.values())


def _holds_only(folder: Path, relative: str, listed: set[str]) -> bool:
    """Whether every file in `folder` (its path `relative` in the output) is listed."""
    for parent, subfolders, files in os.walk(folder):
        inside = os.path.relpath(parent, folder)
        for name in files + [d for d in subfolders if os.path.islink(os.path.join(parent, d))]:
            path = posixpath.normpath(posixpath.join(relative, inside, name))
            if path not in listed:
                return False
    return True


def _not_written_over(output: Path, names: list[str]) -> None:
    """Refuse to replace files that no earlier build wrote (`names`, staged: their bytes
    differ from the page's). Written over, one would be lost; and listed as hubgen's,
    deleted when its page went."""
    foreign = [name for name in names if os.path.lexists(output / name)]
    if not foreign:
        return
    raise OutputConflict(
        f"cannot write into {output}: {some_of(foreign, 5)} "
        f"{'is a file' if len(foreign) == 1 else 'are files'}"
        " of yours (no earlier build wrote it), where the site writes other bytes. Nothing was "
        "written; move them away or choose another output folder (if an earlier build wrote "
        f"them and its list, {MANIFEST_NAME}, was lost, empty the folder).")


class OutputNotWritten(HubgenError):
    """The new files could not all be moved into the output folder (a full disk, say)."""


def _not_writable(output: Path, names: Iterable[str]) -> None:
    """Refuse, before anything is moved, an output folder where this user may not write
    or remove the files `names` (made by another user, mounted read-only): the previous
    output then stays as it was. A folder still to be made counts as the nearest one
    above it that exists."""
    root = str(output)
    if not os.path.isdir(root):   # a first build: the staged folder is renamed into place
        return
    verdicts: dict[str, bool] = {}
    refused: set[str] = set()
    for name in names:
        folder = os.path.dirname(os.path.join(root, name))
        if folder not in verdicts:
            existing = folder
            while len(existing) > len(root) and not os.path.isdir(existing):
                existing = os.path.dirname(existing)
            verdicts[folder] = os.access(existing, os.W_OK | os.X_OK)
            if not verdicts[folder]:
                refused.add(existing)
    if refused:
        raise UsageError(
            f"cannot write into {output}: {some_of(sorted(refused), 3)} "
            f"{'is a folder' if len(refused) == 1 else 'are folders'} this user may not "
            "change (another user's, or mounted read-only); nothing was written. Make the "
            "output folder writable, or choose another with --output or 'output:' in "
            "hubgen.yaml.")


@contextmanager
def held_interrupts() -> Iterator[list[int]]:
    """Hold Ctrl-C (and a SIGTERM taken as one) while the block runs, so the output is
    never left half moved.

    Yields the list of the signals that came meanwhile, for the caller to act on
    once the block is done.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    held = stopping_signals()
    # Blocked while the handlers are swapped: one that came between two would be lost.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        previous = {number: signal.signal(number, lambda number, frame: received.append(number))
                    for number in held}
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    try:
        yield received
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def stopping_signals() -> tuple[int, ...]:
    """The signals that stop a build cleanly: Ctrl-C, and SIGTERM when the command took
    it as one (`stop_as_interrupt`)."""
    if signal.getsignal(signal.SIGTERM) is _stop:
        return (signal.SIGINT, signal.SIGTERM)
    return (signal.SIGINT,)


def stop_as_interrupt() -> Callable[[], None]:
    """Take SIGTERM (a CI job cancelled, `timeout`, a service manager) as Ctrl-C until
    the function returned is called: the command cleans up and leaves the previous output
    as it was. Only the main thread may; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, _stop)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _stop(number: int, frame: object) -> None:
    raise KeyboardInterrupt


class _BuildLock:
    """One build at a time per output folder: a second one would wipe the first's staging."""

    def __init__(self, path: Path, output: Path):
        self.path = path
        self.file = None
        if fcntl is None:   # not on a POSIX system: no lock
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.file = path.open("w")
        except OSError as exc:
            raise UsageError(f"cannot build into {output}: {exc.strerror or exc} "
                             f"({exc.filename}); nothing was written. Choose another folder "
                             "with --output or 'output:' in hubgen.yaml.") from None
        try:
            fcntl.flock(self.file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.close()
            self.file = None
            raise UsageError(f"another hubgen build is writing {output} right now; nothing "
                             "was written. Wait for it to end, or build elsewhere with "
                             "--output.") from None
        except OSError:
            # A file system that cannot lock (some NFS, FUSE and SMB mounts) says so with
            # another error: build unlocked there, as every build did before the lock.
            self.file.close()
            self.file = None
            path.unlink(missing_ok=True)

    def release(self) -> None:
        """Let the next build in (once; later calls do nothing)."""
        if self.file is not None:
            self.path.unlink(missing_ok=True)
            fcntl.flock(self.file.fileno(), fcntl.LOCK_UN)
            self.file.close()
            self.file = None


class StagedOutput:
    """An output folder being rebuilt: changed files wait beside it until the build succeeds.

    `put` may be called from several processes at once (each file by one). Nothing
    in the output folder changes before `commit`; `discard` forgets the staged files.
    Raises OutputConflict when the user's own files stand where the site must go:
    before anything is staged for the names the last build did not write, and in
    `commit`, before anything is moved, for those it wrote and that are written again.
    """

    def __init__(self, output: Path, names: Iterable[str]):
        self.output = output
        self.names = set(names)
        # The plan reports such paths where they were written; this guard holds whatever
        # a caller passes.
        leaving = sorted(name for name in self.names if not is_plain_relative(name))
        if leaving:
            raise UsageError(f"refused to write {some_of(leaving, 3)}: hubgen writes only "
                             f"inside the output folder {output}")
        # First: another build moving its files in would make them look like the user's.
        self._lock = _BuildLock(output.parent / f".{output.name}.hubgen-lock", output)
        self.previous = read_manifest(output, resolve=False)   # checked before each deletion
        # What the last build wrote stood then as files in folders: those names are
        # checked in `commit`, once it is known which are written again (an edit
        # writes a few of a big hub's thousands; one changed by hand is always
        # written again, as it no longer matches what was recorded).
        try:
            self.in_the_way = _clear_the_way(output, sorted(self.names - self.previous),
                                             self.previous)
        except OutputConflict:
            self._lock.release()
            raise
        self.staging = output.parent / f".{output.name}.hubgen-staging"
        self._names_listed: bytes | None = None
        self._output, self._staging = str(output), str(self.staging)
        if self.staging.exists():  # left by a build that was killed
            shutil.rmtree(self.staging)

    def put(self, relative: str, content: bytes) -> tuple[int, int] | None:
        """Stage one file; returns its size and modification time, which it keeps in the
        output folder, or None (and nothing staged) when the output has these bytes."""
        # Called for every page of a build: plain strings, and a folder made only when
        # opening the file finds it missing.
        if relative not in self.names:
            raise UsageError(f"refused to write {relative}: it is not one of the site's files")
        if _same_bytes(os.path.join(self._output, relative), content):
            return None
        return _write_new(os.path.join(self._staging, relative), content)

    def discard(self) -> None:
        """Forget everything staged (the output folder stays as it was) and let other
        builds write."""
        self._drop_staging()
        self._lock.release()

    def _drop_staging(self) -> None:
        if self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)

    def commit(self, staged: Iterable[str]) -> WriteReport:
        """Move the staged files in, remove hubgen's stale ones, and write the manifest.
        The output stays locked until `discard`: another build let in before the stale
        files are gone and the manifest written would take them for the user's."""
        report = WriteReport()
        staged = written = sorted(staged)
        cleared = set(self.in_the_way)   # hubgen's own, removed before the move
        _not_written_over(self.output, [name for name in staged if name not in self.previous
                                        and self.output / name not in cleared])
        self.in_the_way += _clear_the_way(
            self.output, [name for name in staged if name in self.previous], self.previous)
        changing = [*staged, *stale_files(self.previous, self.names),
                    *(path.relative_to(self.output).as_posix() for path in self.in_the_way)]
        if self.previous != self.names or \
                not _same_bytes(self.output / MANIFEST_NAME, self._listing(self.names)):
            changing.append(MANIFEST_NAME)   # the list is written again: the folder changes
        _not_writable(self.output, changing)
        moved = 0
        with held_interrupts() as interrupts:
            try:
                for stale in self.in_the_way:
                    if stale.is_dir() and not stale.is_symlink():
                        shutil.rmtree(stale)   # only files an earlier build wrote
                    else:
                        stale.unlink()
                # Listed before they are moved in: should the move stop half way (a kill,
                # a full disk), the next build still knows every file as hubgen's own.
                listed = self.previous | self.names
                if not self.output.exists() and self.staging.is_dir():
                    # A first build: the staged folder becomes the output in one move.
                    self._write_manifest(self.staging, listed)
                    self.output.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(self.staging, self.output)
                    staged = []
                self.output.mkdir(parents=True, exist_ok=True)
                if staged:
                    self._write_manifest(self.output, listed)
                for relative in staged:
                    destination = self.output / relative
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    _move_in(self.staging / relative, destination)
                    moved += 1
                report.written = written
            except OSError as exc:
                where = f" ({exc.filename})" if exc.filename else ""
                raise OutputNotWritten(
                    f"could not move the new site into {self.output}: "
                    f"{exc.strerror or exc}{where}; {moved} of {len(staged)} "
                    "changed files were moved in, the others are as the previous build left "
                    "them. Fix that and build again.") from None
            finally:
                self._drop_staging()
            report.unchanged = sorted(self.names.difference(written))
            report.removed = self._remove_stale()
            # A stale file left in place (one that could not be removed) stays listed: it is
            # still hubgen's. One whose name is now a folder (the site's own) is not.
            kept = {name for name in self.previous - self.names - set(report.removed)
                    if os.path.islink(self.output / name) or os.path.isfile(self.output / name)}
            self._write_manifest(self.output, self.names | kept)
        report.interrupted = bool(interrupts)
        return report

    def _write_manifest(self, folder: Path, files: set[str]) -> None:
        listed = self._listing(files)
        if not _same_bytes(folder / MANIFEST_NAME, listed):
            _atomic_write(folder / MANIFEST_NAME, listed)

    def _listing(self, files: set[str]) -> bytes:
        """The manifest of `files`; that of the site's files made once (a big hub's list
        is checked, then written, in every build)."""
        if files != self.names:
            return manifest_bytes(files)
        if self._names_listed is None:
            self._names_listed = manifest_bytes(files)
        return self._names_listed

    def _remove_stale(self) -> list[str]:
        removed = []
        root = os.path.realpath(self.output) + os.sep
        for relative in stale_files(self.previous, self.names):
            if not _is_inside(root, relative):
                continue
            stale = self.output / relative
            if stale.is_file() and not stale.is_symlink():
                stale.unlink()
                removed.append(relative)
                remove_empty_parents(stale, self.output)
        return removed

