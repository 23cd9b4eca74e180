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

import hashlib
import os
import pickle
import sys
from pathlib import Path

from hubgen import __version__
from hubgen.build.cache import BuildCache, CachedOutput
from hubgen.render.templates import FolderBytecodeCache

CACHE_FORMAT = 1
CACHE_FILE = "build.cache"
TEMPLATES_FOLDER = "templates"
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This folder is a cache made by hubgen; it is safe to delete.\n")


def _header(payload: bytes) -> bytes:
    python = f"{sys.implementation.name}{sys.version_info[0]}.{sys.version_info[1]}"
    checksum = hashlib.blake2b(payload, digest_size=16).hexdigest()
    return f"hubgen-cache {CACHE_FORMAT} {__version__} {python} {checksum}\n".encode()


def load_cache(folder: Path) -> BuildCache:
    """The cache a previous build left in `folder`, or an empty one.

    An unreadable, damaged, or foreign (other format, hubgen or Python) cache
    gives an empty cache. Compiled templates are kept in `folder`/templates.
    """
    templates = FolderBytecodeCache(folder / TEMPLATES_FOLDER)
    try:
        data = (folder / CACHE_FILE).read_bytes()
    except OSError:
        return BuildCache(templates=templates)
    header, _, payload = data.partition(b"\n")
    if header + b"\n" != _header(payload):
        return BuildCache(templates=templates)
    try:
        state = pickle.loads(payload)
        return BuildCache(config_key=state["config_key"], sources=state["sources"],
                          outputs=state["outputs"], hashes=state["hashes"],
                          templates=templates)
    except Exception:  # a payload that matches its checksum but not this code: start over
        return BuildCache(templates=templates)


def save_cache(cache: BuildCache, folder: Path) -> None:
    """Write the cache into `folder`, whole or not at all.

    The bytes of rendered files are left out (the output folder has them), and so
    is what only means something inside one process; compiled templates are
    already in their own folder.
    """
    outputs = {name: CachedOutput(entry.fingerprint, entry.assets, None, entry.written)
               for name, entry in cache.outputs.items() if entry.written is not None}
    state = {"config_key": cache.config_key, "sources": cache.sources, "outputs": outputs,
             "hashes": cache.hashes}
    payload = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    folder.mkdir(parents=True, exist_ok=True)
    tag = folder / "CACHEDIR.TAG"   # tells backup tools to skip the folder
    if not tag.exists():
        tag.write_text(_TAG, encoding="utf-8")
    temporary = folder / f".{CACHE_FILE}.{os.getpid()}.tmp"
    try:
        temporary.write_bytes(_header(payload) + payload)
        os.replace(temporary, folder / CACHE_FILE)
    finally:
        temporary.unlink(missing_ok=True)
