"""The build cache: parsed sources and rendered routes, reused while their inputs are unchanged.

`serve` keeps one in memory across rebuilds; `hubgen build` keeps one on disk
(see persist.py). A source file is re-parsed only when its bytes change; a
route is re-rendered only when its fingerprint (see fingerprints.py) changes;
a config change forgets everything.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubgen.build.hashing import bytes_digest, stat_stamp
from hubgen.errors import Diagnostic

if TYPE_CHECKING:
    import jinja2


# A file's stat when it was hashed (size, mtime, inode, ctime), and the hash.
FileHash = tuple[tuple[int, int, int, int], str]


def hash_file(path: Path, stat: os.stat_result | None = None) -> FileHash:
    """A file's stat (the one given, if any) and a hash of its bytes; raises OSError
    when it cannot be read.

    The stat is taken first: should the file change meanwhile, the next build sees
    another stat and hashes it again.
    """
    name = str(path)
    stat = os.stat(name) if stat is None else stat
    with open(name, "rb") as file:
        return stat_stamp(stat), bytes_digest(file.read())


@dataclass(frozen=True)
class CachedOutput:
    """One rendered file and what it was made from.

    A cache kept in memory (serve) holds the bytes; one kept on disk holds the size
    and modification time the file had in the output folder after the build, which
    tell the next build the file is still what it wrote.
    """

    fingerprint: str
    assets: tuple[tuple[str, str], ...] = ()
    data: bytes | None = None
    written: tuple[int, int] | None = None   # (size, mtime_ns) in the output folder
    # The items (rel_path) the fingerprint read; None: not known, compute it again.
    items: tuple[str, ...] | None = None
    # The site's lists the page read, with the texts they showed (Fingerprints.lists_read)
    lists: tuple[tuple[str, str | None], ...] = ()

    @classmethod
    def on_disk(cls, fingerprint: str, assets: tuple[tuple[str, str], ...],
                written: tuple[int, int] | None, items: tuple[str, ...] | None,
                lists: tuple[tuple[str, str | None], ...]) -> CachedOutput:
        """An entry as a cache on disk keeps it (no bytes), made as the cache loads.

        The same as calling the class, several times faster: a big hub's cache holds
        tens of thousands of entries, made again on every build.
        """
        entry = object.__new__(cls)
        entry.__dict__.update(fingerprint=fingerprint, assets=assets, data=None,
                              written=written, items=items, lists=lists)
        return entry


@dataclass
class BuildCache:
    """What one build leaves for the next."""

    config_key: str = ""
    # Keyed by the file's path as a string (str(path)): a big hub's cache holds tens of
    # thousands, and strings load from disk several times faster than Path objects.
    sources: dict[str, tuple[str, Any, list[Diagnostic]]] = field(default_factory=dict)
    outputs: dict[str, CachedOutput] = field(default_factory=dict)
    # What the build that made `outputs` read besides its items (fingerprints.frame_key),
    # and the hash of each item's file (fingerprints.item_hashes).
    frame_key: str = ""
    item_hashes: dict[str, str] | None = None
    hashes: dict[str, FileHash] = field(default_factory=dict)
    authors: dict[int, tuple] = field(default_factory=dict)   # see build_library's memo
    templates_folder: Path | None = None   # where compiled templates are kept; else memory
    parsed: int = 0          # how many source files the last build parsed (not reused)
    rendered_count: int = 0  # how many routes the last build rendered (not reused)
    changed: bool = False    # whether this build learned anything (else there is nothing to save)
    seen: set[str] = field(default_factory=set)   # the source files this build looked at
    # The sources whose entry this build added, replaced or dropped (persist.py rewrites
    # only the parts of the cache file that hold them); None: all of them.
    touched: set[str] | None = field(default_factory=set)
    # The checksum of each sources file on disk that holds what `sources` holds for it.
    shards: dict[int, str] = field(default_factory=dict)

    _templates: Any = field(default=None, repr=False, compare=False)

    @property
    def templates(self) -> jinja2.BytecodeCache:
        """Compiled templates, in `templates_folder` or else in memory (made on first use:
        a build that renders nothing never loads Jinja)."""
        if self._templates is None:
            from hubgen.build.persist import write_whole
            from hubgen.render.compiled import FolderBytecodeCache, MemoryBytecodeCache
            try:
                self._templates = FolderBytecodeCache(self.templates_folder, write_whole) \
                    if self.templates_folder is not None else MemoryBytecodeCache()
            except OSError:  # a folder that cannot be written
                self._templates = MemoryBytecodeCache()
        return self._templates

    def begin(self, config_key: str) -> None:
        """Start a build; a different config makes everything stale."""
        if config_key != self.config_key:
            self.sources.clear()
            self.outputs.clear()
            self.frame_key = ""
            self.item_hashes = None
            self.authors.clear()
            self.config_key = config_key
            self.changed = True
            self.touched = None
            self.shards.clear()   # no sources file on disk holds what this config makes
        else:
            self.touched = set()
        self.parsed = self.rendered_count = 0
        self.seen = set()

    def knows(self, path: Path) -> bool:
        """Whether anything parsed from `path` is kept (if not, it is parsed for sure)."""
        return str(path) in self.sources

    def content_hash(self, path: Path) -> str:
        """A hash of a file's bytes; an unchanged stat (size, mtime, inode) skips the read."""
        name = str(path)
        stat = os.stat(name)
        self.seen.add(name)
        known = self.hashes.get(name)
        if known is not None and known[0] == stat_stamp(stat):
            return known[1]
        return self.note_hash(path, hash_file(path, stat))

    @staticmethod
    def file_hash(path: Path) -> FileHash:
        """The stamp and hash of a file's bytes, for `note_hash`; changes nothing, so a
        worker may take it where it parses the file."""
        return hash_file(path)

    def note_hash(self, path: Path, file_hash: FileHash) -> str:
        """Keep a hash `file_hash` took (here or on a worker); returns the hash."""
        name = str(path)
        self.seen.add(name)
        self.hashes[name] = file_hash
        self.changed = True
        return file_hash[1]

    def source_hash(self, path: Path) -> str:
        """The hash of a source file as this build read it ('' when unknown)."""
        entry = self.hashes.get(str(path))
        return entry[1] if entry is not None else ""

    def recall(self, path: Path, content_hash: str) -> tuple[Any, list[Diagnostic]] | None:
        """What `path` parsed into when its bytes hashed to `content_hash`."""
        entry = self.sources.get(str(path))
        if entry is None or entry[0] != content_hash:
            return None
        return entry[1], entry[2]

    def remember(self, path: Path, content_hash: str, parsed: Any,
                 diagnostics: list[Diagnostic]) -> None:
        """Keep what `path` parsed into."""
        self.parsed += 1
        name = str(path)
        self.sources[name] = (content_hash, parsed, diagnostics)
        self._touch(name)
        self.changed = True

    def rendered(self, output: str, fingerprint: str,
                 asset_digest: Callable[[str], str]) -> CachedOutput | None:
        """What was rendered for `output` under the same fingerprint and assets, if anything."""
        entry = self.outputs.get(output)
        if entry is None or entry.fingerprint != fingerprint:
            return None
        if any(asset_digest(path) != digest for path, digest in entry.assets):
            return None
        return entry

    def keep(self, outputs: dict[str, CachedOutput], frame_key: str = "",
             item_hashes: dict[str, str] | None = None) -> None:
        """Replace the rendered outputs, and what they were made from, with this build's."""
        if (outputs, frame_key, item_hashes) != (self.outputs, self.frame_key,
                                                 self.item_hashes):
            self.outputs = outputs
            self.frame_key = frame_key
            self.item_hashes = item_hashes
            self.changed = True

    def changed_items(self, frame_key: str, item_hashes: dict[str, str] | None
                      ) -> set[str] | None:
        """The items whose file changed since the outputs were made, or None when more
        than items changed (or what changed is not known)."""
        if not frame_key or frame_key != self.frame_key or item_hashes is None \
                or self.item_hashes is None:
            return None
        known = self.item_hashes
        return {path for path in item_hashes.keys() | known.keys()
                if item_hashes.get(path) != known.get(path)}

    def forget_unseen(self) -> None:
        """Drop what is known of files this build did not look at (deleted, renamed)."""
        for known in (self.sources, self.hashes):
            for name in [p for p in known if p not in self.seen]:
                del known[name]
                self._touch(name)
                self.changed = True

    def _touch(self, name: str) -> None:
        if self.touched is not None:
            self.touched.add(name)
