"""The build cache on disk, in `.hubgen-cache/` (or the configured `cache_dir`).

`build.cache` holds what a build leaves for the next: the fingerprints of the
files written, and what is known of each source file. The parsed sources, the
bulk of it, are split by path into `sources-NN.cache` files, so that an edit
rewrites only the part that holds the edited file.

Each file's first line names the cache format, hubgen's version and the Python
that wrote it, then a hash of the rest; `build.cache` also records the hash of
each sources file it goes with. A file from another version, cut short or
changed in any byte is set aside: a damaged `build.cache` and the build starts
from nothing, as if the cache had been deleted; a damaged sources file and the
files it held are parsed again. It is never trusted blindly, and never needed.
Compiled templates sit beside it in templates/, one file each, written by
whichever worker compiled them (Jinja checks each).
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import gc
import hashlib
import importlib.util
import json
import os
import pickle
import re
import select
import shutil
import signal
import sys
import time
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path, PosixPath, WindowsPath
from typing import Any, BinaryIO, TypeVar

from hubgen import __version__
from hubgen.build.cache import BuildCache, CachedOutput
from hubgen.build.collector import collector_paused
from hubgen.build.hashing import StreamDigest, bytes_digest
from hubgen.build.output import CACHE_TAG, held_interrupts

CACHE_FORMAT = 8
CACHE_FILE = "build.cache"
SOURCE_SHARDS = 16   # sources-00.cache ... sources-15.cache
TEMPLATES_FOLDER = "templates"
_GENERATION = re.compile(r"[0-9a-f]{16}")   # the name of a generation's templates folder


# The libraries whose output a cache holds (parsed Markdown, highlighted code, YAML).
_LIBRARIES = ("markdown", "pymdownx", "pygments", "yaml", "nh3", "jinja2")


def _installed(name: str) -> tuple[object, ...]:
    """Which copy of a library is installed: where its first file is, and that file's stat.

    Installing another version (or the same again) writes the file anew, so this
    changes with it; it is read without importing the library or the package
    metadata, which a build that renders nothing would not otherwise load.
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return (name, "?")
    stat = os.stat(spec.origin)
    return (name, spec.origin, stat.st_size, stat.st_mtime_ns)


@functools.cache
def generation() -> str:
    """What made a cache: hubgen (its version and its code), Python and the libraries
    whose output it holds. A cache of another generation is never read."""
    versions = [_installed(name) for name in _LIBRARIES]
    code = Path(__file__).resolve().parent.parent
    # An installed hubgen changes with its version; a development copy with its files.
    files = [(str(path.relative_to(code)), stat.st_size, stat.st_mtime_ns)
             for path in sorted(code.rglob("*.py")) for stat in [path.stat()]]
    python = f"{sys.implementation.name}{sys.version_info[0]}.{sys.version_info[1]}"
    return hashlib.blake2b(repr((CACHE_FORMAT, __version__, python, versions, files))
                           .encode(), digest_size=8).hexdigest()


def _header(checksum: str) -> bytes:
    return f"hubgen-cache {CACHE_FORMAT} {__version__} {generation()} {checksum}\n".encode()


class _HashingWriter:
    """A file that hashes what is written to it (pickle writes the payload straight in)."""

    def __init__(self, file: BinaryIO):
        self.file = file
        self.hash = StreamDigest()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.file.write(data)


def _templates_folder(folder: Path) -> Path:
    """The folder of this generation's compiled templates; those of others are removed."""
    templates = folder / TEMPLATES_FOLDER
    own = templates / generation()
    if templates.is_dir():
        for other in templates.iterdir():
            if other != own and _GENERATION.fullmatch(other.name):   # only hubgen's own
                shutil.rmtree(other, ignore_errors=True)
    return own


def shard_file(shard: int) -> str:
    """The name of the file holding one part of the parsed sources."""
    return f"sources-{shard:02d}.cache"


def shard_of(name: str) -> int:
    """Which sources file holds the source at path `name` (stable across processes)."""
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % SOURCE_SHARDS


@functools.cache
def _folder(text: str) -> Path:
    return Path(text)


def _path_in(folder: str, name: str) -> Path:
    """A path, unpickled (see `_dispatch_table`)."""
    return _folder(folder) / name


def _reduce_path(path: Path) -> tuple[Callable[[str, str], Path], tuple[str, str]]:
    return _path_in, os.path.split(str(path))


def _dispatch_table() -> dict[type, Callable[[Any], Any]]:
    """copyreg's reducers as they are now, and paths pickled as their folder and name.

    A folder is then made once as the cache loads: a Path made anew from all its parts,
    for each of a big hub's sources, was a tenth of the load.
    """
    return {**copyreg.dispatch_table, PosixPath: _reduce_path, WindowsPath: _reduce_path}


def _read_sealed(path: Path, checksum: str | None = None) -> Any:
    """The object a file written by `_write_sealed` holds; None when it cannot be read,
    is damaged or foreign, or (with `checksum`) is not the one expected."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header_end = data.find(b"\n") + 1
    header, payload = data[:header_end], memoryview(data)[header_end:]
    actual = bytes_digest(payload)
    if header != _header(actual) or checksum not in (None, actual):
        return None
    try:
        return pickle.loads(payload)   # (the collector is paused by load_cache)
    except Exception:  # a payload that matches its checksum but not this code
        return None


Written = TypeVar("Written")


def write_whole(path: Path, write: Callable[[Path], Written]) -> Written:
    """Write `path` whole or not at all (several processes may write it at once): `write`
    fills a temporary file named by this process (a killed build's is swept, see
    `_sweep_leftovers`), which then takes the path's place. Returns what `write` returns;
    raises what it raises, and OSError, with nothing left behind."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        made = write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return made


def _write_sealed(path: Path, state: object) -> str:
    """Write `state` to `path`, whole or not at all, sealed with its checksum (returned)."""
    return write_whole(path, lambda temporary: _seal(temporary, state))


def _seal(path: Path, state: object) -> str:
    """Write `state` to `path` with the header that seals it; returns its checksum."""
    with path.open("wb") as file:
        # The payload goes straight to the file (a big hub's would double the memory
        # held); its header, of a fixed length, is filled in once its hash is known.
        file.write(_header("0" * 32))
        writer = _HashingWriter(file)
        pickler = pickle.Pickler(writer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _dispatch_table()
        pickler.dump(state)
        checksum = writer.hash.hexdigest()
        file.seek(0)
        file.write(_header(checksum))
    return checksum


def load_cache(folder: Path) -> BuildCache:
    """The cache a previous build left in `folder`, or an empty one.

    An unreadable, damaged, or foreign (other format, hubgen or Python) cache
    gives an empty cache; a damaged sources file loses only the sources it held.
    Compiled templates are kept in `folder`/templates.
    """
    try:
        templates: Path | None = _templates_folder(folder)
    except OSError:  # a folder that cannot be read: compiled templates stay in memory
        templates = None
    # Paused throughout, not file by file: between two files, the collector would walk
    # everything the first one made. (It walks it all once it runs again, unless the
    # caller sets what was made aside first: see pipeline.py.)
    with collector_paused():
        return _load(folder, templates)


# What build.cache keeps of each output, one list per value, in this order.
_OUTPUT_COLUMNS = ("fingerprint", "assets", "written", "items", "lists")


def _output_columns(outputs: dict[str, CachedOutput]) -> dict[str, list[Any]]:
    """The outputs a cache on disk keeps (those written), as columns of plain values.

    Pickle writes and reads a big hub's tens of thousands of entries two to three
    times faster this way than as objects; the few distinct asset and list tuples,
    shared, are written once each.
    """
    shared: dict[Any, Any] = {}
    kept = [(name, entry) for name, entry in outputs.items() if entry.written is not None]
    columns: dict[str, list[Any]] = {"names": [name for name, _ in kept]}
    for column in _OUTPUT_COLUMNS:
        values = [getattr(entry, column) for _, entry in kept]
        if column in ("assets", "lists"):
            values = [shared.setdefault(value, value) for value in values]
        columns[column] = values
    return columns


def _outputs_from_columns(columns: dict[str, list[Any]]) -> dict[str, CachedOutput]:
    """The outputs `_output_columns` wrote."""
    return {name: CachedOutput.on_disk(*values) for name, *values in
            zip(columns["names"], *(columns[c] for c in _OUTPUT_COLUMNS), strict=True)}


def _load(folder: Path, templates: Path | None) -> BuildCache:
    state = _read_sealed(folder / CACHE_FILE)
    try:
        cache = BuildCache(config_key=state["config_key"],
                           outputs=_outputs_from_columns(state["outputs"]),
                           frame_key=state["frame_key"], item_hashes=state["item_hashes"],
                           hashes=state["hashes"], templates_folder=templates)
        shards: dict[int, str] = state["shards"]
    except Exception:  # nothing, or a state that is not this code's
        return BuildCache(templates_folder=templates)
    for shard, checksum in shards.items():
        sources = _read_sealed(folder / shard_file(shard), checksum)
        if isinstance(sources, dict):
            cache.sources.update(sources)
            cache.shards[shard] = checksum
    return cache


def _stale_shards(cache: BuildCache) -> set[int]:
    """The sources files that must be written again."""
    stale = set(range(SOURCE_SHARDS)) - cache.shards.keys() if cache.touched is not None \
        else set(range(SOURCE_SHARDS))
    stale.update(shard_of(name) for name in cache.touched or ())
    return stale


def _parts(cache: BuildCache, shards: Iterable[int]) -> dict[int, dict[str, Any]]:
    """What each of these sources files holds."""
    parts: dict[int, dict[str, Any]] = {shard: {} for shard in shards}
    if parts:
        for name, entry in cache.sources.items():
            part = parts.get(shard_of(name))
            if part is not None:
                part[name] = entry
    return parts


def _make_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tag = folder / "CACHEDIR.TAG"   # tells backup tools to skip the folder
    if not tag.exists():
        tag.write_text(CACHE_TAG, encoding="utf-8")


def save_cache(cache: BuildCache, folder: Path,
               early: SourcesWrittenEarly | None = None) -> None:
    """Write the cache into `folder`; each file whole or not at all.

    Only the sources files holding a source this build added, replaced or dropped
    are written again (those `early` wrote are moved into place). The bytes of
    rendered files are left out (the output folder has them), and so is what only
    means something inside one process; compiled templates are already in their
    own folder.
    """
    _make_folder(folder)
    _sweep_leftovers(folder)
    if cache.templates_folder is not None:   # compiled templates, what they read
        _sweep_leftovers(cache.templates_folder)
    stale = _stale_shards(cache)
    written = early.finish() if early is not None else {}
    parts = _parts(cache, stale - written.keys())   # the rest were written early
    for shard in sorted(stale):
        # Forgotten first: should the write fail, build.cache must not vouch for it.
        cache.shards.pop(shard, None)
        if shard in parts:
            cache.shards[shard] = _write_sealed(folder / shard_file(shard), parts[shard])
        else:
            temporary, checksum = written[shard]
            os.replace(temporary, folder / shard_file(shard))
            cache.shards[shard] = checksum
    _write_sealed(folder / CACHE_FILE, {
        "config_key": cache.config_key, "outputs": _output_columns(cache.outputs),
        "frame_key": cache.frame_key,
        "item_hashes": cache.item_hashes, "hashes": cache.hashes,
        "shards": dict(sorted(cache.shards.items()))})
    cache.touched = set()


# Fewer parsed sources than this to write, and a writer process costs more than it saves.
EARLY_WRITE_MINIMUM = 500
# How long the build waits for the writer once it needs its files. It has had the whole
# render to write them (a third of a second at 10,000 posts); a writer this late is stuck.
EARLY_WRITE_TIMEOUT = 60.0


class SourcesWrittenEarly:
    """The sources files of a cache, written by a process forked for it (see
    `write_sources_early`) into temporary files that `save_cache` moves into place."""

    def __init__(self, temporaries: dict[int, Path]):
        self.pid: int | None = None
        self.pipe: int | None = None
        self.temporaries = temporaries
        self.written: dict[int, tuple[Path, str]] = {}

    def finish(self, timeout: float = EARLY_WRITE_TIMEOUT) -> dict[int, tuple[Path, str]]:
        """Wait for the writer; each file it wrote whole, with its checksum (none when it
        failed, or had not finished after `timeout` seconds and was stopped: `save_cache`
        then writes them itself)."""
        if self.pid is None:
            return self.written
        report = self._report(timeout)
        if report is None:   # stuck: a lock held by another thread when it forked, say
            self.abandon()
            return self.written
        pid, self.pid = self.pid, None
        status = _reap(pid)
        self._close_pipe()
        if status == 0:
            with contextlib.suppress(ValueError, KeyError, AttributeError):
                self.written = {int(shard): (self.temporaries[int(shard)], checksum)
                                for shard, checksum in json.loads(report).items()}
        return self.written

    def _report(self, timeout: float) -> bytes | None:
        """What the writer reported by the time it closed its end of the pipe (None when
        it had not after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        report = b""
        while (left := deadline - time.monotonic()) > 0:
            if select.select([self.pipe], [], [], left)[0]:
                chunk = os.read(self.pipe, 65536)  # type: ignore[arg-type]
                if not chunk:
                    return report
                report += chunk
        return None

    def abandon(self) -> None:
        """Stop the writer if it still runs, and remove the files not moved into place."""
        pid, self.pid = self.pid, None
        try:
            if pid is not None:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                _reap(pid)
            self._close_pipe()
        finally:
            for temporary in self.temporaries.values():
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)

    def _close_pipe(self) -> None:
        pipe, self.pipe = self.pipe, None
        if pipe is not None:
            os.close(pipe)


def _reap(pid: int) -> int | None:
    """Wait for a child process; its exit code (None if it was already reaped)."""
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except ChildProcessError:
        return None


def write_sources_early(cache: BuildCache, folder: Path,
                        on_exit: Callable[[Callable[[], None]], object]
                        ) -> SourcesWrittenEarly | None:
    """Start writing the cache's parsed sources on another process, while this one goes on.

    Pickling a big hub's sources takes a third of a second at the end of a first build,
    with one core busy; the sources no longer change once read, so a forked process
    writes them meanwhile. `on_exit` gets the writer's `abandon`, for the build to call
    on its way out, whatever happens (Ctrl-C included). None when there is too little
    to write, or no fork.
    """
    parts = _parts(cache, _stale_shards(cache))
    if not hasattr(os, "fork") or sum(map(len, parts.values())) < EARLY_WRITE_MINIMUM:
        return None
    try:
        _make_folder(folder)
    except OSError:
        return None   # save_cache will say so
    generation()   # worked out once, here: the writer's would be lost
    builder = os.getpid()
    writer = SourcesWrittenEarly({shard: folder / f".{shard_file(shard)}.{builder}.early.tmp"
                                  for shard in parts})
    # Ctrl-C is held until the writer is known to `on_exit` (and, in the writer, until
    # it ignores Ctrl-C: the build process stops it).
    with held_interrupts() as interrupts:
        on_exit(writer.abandon)
        writer.pipe, report = os.pipe()
        try:
            writer.pid = os.fork()
        except OSError:
            writer.pid = None
        if writer.pid == 0:   # the writer: it writes, reports and leaves, never returning
            _write_and_leave(parts, writer.temporaries, writer.pipe, report, builder)
        os.close(report)
    if interrupts:
        raise KeyboardInterrupt
    if writer.pid is None:   # no process to spare: save_cache writes them
        writer.abandon()
        return None
    return writer


def _write_and_leave(parts: dict[int, dict[str, Any]], temporaries: dict[int, Path],
                     pipe: int, report: int, builder: int) -> None:
    code = 1
    try:
        # Deaf to a Ctrl-C or SIGTERM sent to the whole group: the build process stops it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        gc.disable()   # the objects it reads are the build's, none garbage
        os.close(pipe)
        checksums = {}
        for shard, part in parts.items():
            if os.getppid() != builder:   # the build is gone: nobody will take the files
                for temporary in temporaries.values():
                    temporary.unlink(missing_ok=True)
                return
            checksums[shard] = _seal(temporaries[shard], part)
        os.write(report, json.dumps(checksums).encode())
        code = 0
    finally:
        os._exit(code)


def _sweep_leftovers(folder: Path) -> None:
    """Remove the temporary files of builds that are gone (killed while writing)."""
    for leftover in folder.glob(".*.tmp"):
        pid = leftover.name.removesuffix(".tmp").removesuffix(".early").rsplit(".", 1)[-1]
        if pid.isdigit() and not _is_running(int(pid)):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:   # another user's process, running
        pass
    return True
