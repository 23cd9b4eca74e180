"""The build cache on disk, in `.hubgen-cache/` (or the configured `cache_dir`).

One file holds what a build leaves for the next: parsed sources and the
fingerprints of the files written. Its first line names the cache format,
hubgen's version and the Python that wrote it, then a hash of the rest: a file
from another version, cut short or changed in any byte is set aside and the
build starts from nothing, as if the cache had been deleted. It is never trusted
blindly, and never needed. Compiled templates sit beside it in templates/, one
file each, written by whichever worker compiled them (Jinja checks each).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import os
import pickle
import shutil
import sys
from pathlib import Path
from typing import BinaryIO

from hubgen import __version__
from hubgen.build.cache import BuildCache, collector_paused

CACHE_FORMAT = 3
CACHE_FILE = "build.cache"
TEMPLATES_FOLDER = "templates"
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This folder is a cache made by hubgen; it is safe to delete.\n")


# The libraries whose output a cache holds (parsed Markdown, highlighted code, YAML).
_LIBRARIES = ("markdown", "pygments", "yaml", "nh3", "jinja2")


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


def _checksum(payload: bytes) -> str:
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


class _HashingWriter:
    """A file that hashes what is written to it (pickle writes the payload straight in)."""

    def __init__(self, file: BinaryIO):
        self.file = file
        self.hash = hashlib.blake2b(digest_size=16)

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self.file.write(data)


def _templates_folder(folder: Path) -> Path:
    """The folder of this generation's compiled templates; those of others are removed."""
    templates = folder / TEMPLATES_FOLDER
    own = templates / generation()
    if templates.is_dir():
        for other in templates.iterdir():
            if other != own:
                shutil.rmtree(other, ignore_errors=True)
    return own


def load_cache(folder: Path) -> BuildCache:
    """The cache a previous build left in `folder`, or an empty one.

    An unreadable, damaged, or foreign (other format, hubgen or Python) cache
    gives an empty cache. Compiled templates are kept in `folder`/templates.
    """
    try:
        templates: Path | None = _templates_folder(folder)
    except OSError:  # a folder that cannot be read: compiled templates stay in memory
        templates = None
    try:
        data = (folder / CACHE_FILE).read_bytes()
    except OSError:
        return BuildCache(templates_folder=templates)
    header, _, payload = data.partition(b"\n")
    if header + b"\n" != _header(_checksum(payload)):
        return BuildCache(templates_folder=templates)
    try:
        with collector_paused():
            state = pickle.loads(payload)
        return BuildCache(config_key=state["config_key"], sources=state["sources"],
                          outputs=state["outputs"], frame_key=state["frame_key"],
                          item_hashes=state["item_hashes"], hashes=state["hashes"],
                          templates_folder=templates)
    except Exception:  # a payload that matches its checksum but not this code: start over
        return BuildCache(templates_folder=templates)


def save_cache(cache: BuildCache, folder: Path) -> None:
    """Write the cache into `folder`, whole or not at all.

    The bytes of rendered files are left out (the output folder has them), and so
    is what only means something inside one process; compiled templates are
    already in their own folder.
    """
    outputs = {name: entry if entry.data is None else dataclasses.replace(entry, data=None)
               for name, entry in cache.outputs.items() if entry.written is not None}
    state = {"config_key": cache.config_key, "sources": cache.sources, "outputs": outputs,
             "frame_key": cache.frame_key, "item_hashes": cache.item_hashes,
             "hashes": cache.hashes}
    folder.mkdir(parents=True, exist_ok=True)
    tag = folder / "CACHEDIR.TAG"   # tells backup tools to skip the folder
    if not tag.exists():
        tag.write_text(_TAG, encoding="utf-8")
    temporary = folder / f".{CACHE_FILE}.{os.getpid()}.tmp"
    try:
        with temporary.open("wb") as file:
            # The payload goes straight to the file (a big hub's would double the memory
            # held); its header, of a fixed length, is filled in once its hash is known.
            file.write(_header("0" * 32))
            writer = _HashingWriter(file)
            pickle.dump(state, writer, protocol=pickle.HIGHEST_PROTOCOL)
            file.seek(0)
            file.write(_header(writer.hash.hexdigest()))
        os.replace(temporary, folder / CACHE_FILE)
    finally:
        temporary.unlink(missing_ok=True)
