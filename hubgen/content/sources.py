"""Finding a hub's source files and reading each into its model."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from hubgen.config import Config
from hubgen.content.documents import read_document
from hubgen.content.markdown import MarkdownRenderer
from hubgen.content.models import Document, DocumentKind, Person, Thread
from hubgen.content.people import read_people
from hubgen.content.sanitize import Community
from hubgen.content.threads import read_thread
from hubgen.errors import Diagnostic, Diagnostics

MARKDOWN_SUFFIXES = (".md", ".markdown")
CONTENT_DIR = "content"
FOLDERS: dict[DocumentKind, str] = {"post": "posts", "page": "pages"}


@dataclass(frozen=True)
class Sources:
    """Everything read from a hub's content folder, before any cross-file work."""

    documents: tuple[Document, ...]
    threads: tuple[Thread, ...]
    people: dict[str, Person]
    people_path: Path


def _is_ignored_name(name: str) -> bool:
    return name.startswith((".", "_", "#")) or name.endswith(("~", ".swp", ".tmp"))


def is_ignored(path: Path) -> bool:
    """Hidden files, editor leftovers and `_drafts`-style names are not content."""
    return _is_ignored_name(path.name)


def content_root(config: Config) -> Path:
    """The hub's `content/` folder."""
    return config.root / CONTENT_DIR


def markdown_files(folder: Path) -> Iterator[tuple[Path, str]]:
    """Markdown files below `folder` in a stable order, with their relative paths."""
    if not folder.is_dir():
        return
    found: list[str] = []
    for current, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not _is_ignored_name(name)]
        prefix = os.path.relpath(current, folder).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        found += [prefix + name for name in files if not _is_ignored_name(name)
                  and name.lower().endswith(MARKDOWN_SUFFIXES)]
    for relative in sorted(found):
        yield folder / relative, relative


class SourceMemo(Protocol):
    """Remembers what a source file parsed into, keyed by the file's bytes."""

    def content_hash(self, path: Path) -> str:
        """A hash of the file's bytes (raises OSError when it cannot be read)."""

    def recall(self, path: Path, content_hash: str) -> tuple[Any, list[Diagnostic]] | None:
        """What `path` gave when its bytes hashed to `content_hash`, if remembered."""

    def remember(self, path: Path, content_hash: str, parsed: Any,
                 diagnostics: list[Diagnostic]) -> None:
        """Keep what `path` gave for these bytes."""


def _read_one(path: Path, memo: SourceMemo | None, diagnostics: Diagnostics,
              parse: Callable[[Diagnostics], Any]) -> Any:
    """Parse one file through the memo: unchanged bytes give the remembered result."""
    if memo is None:
        return parse(diagnostics)
    try:
        content_hash = memo.content_hash(path)
    except OSError:
        return parse(diagnostics)
    remembered = memo.recall(path, content_hash)
    if remembered is None:
        own = Diagnostics()
        remembered = (parse(own), list(own))
        memo.remember(path, content_hash, *remembered)
    parsed, found = remembered
    diagnostics.extend(found)
    return parsed


def read_sources(config: Config, diagnostics: Diagnostics,
                 memo: SourceMemo | None = None) -> Sources:
    """Read every post, page, thread and person of the hub; problems go to `diagnostics`."""
    root = content_root(config)
    renderer = MarkdownRenderer(config)
    documents: list[Document] = []
    for kind, folder_name in FOLDERS.items():
        for path, relative in markdown_files(root / folder_name):
            rel_path = f"{folder_name}/{relative}"
            document = _read_one(path, memo, diagnostics,
                                 lambda found, p=path, r=rel_path, k=kind:
                                 read_document(p, r, k, config, renderer, found))
            if document is not None:
                documents.append(document)
    community = Community(config.base_path)
    threads: list[Thread] = []
    for path in thread_files(root / "threads"):
        thread = _read_one(path, memo, diagnostics, lambda found, p=path:
                           read_thread(p, config, renderer, community, found))
        if thread is not None:
            threads.append(thread)
    people_path = root / "people.yaml"
    people = _read_one(people_path, memo, diagnostics,
                       lambda found: read_people(people_path, found)) if \
        people_path.is_file() else {}
    return Sources(tuple(documents), tuple(threads), people, people_path)


def thread_files(folder: Path) -> Iterator[Path]:
    """The thread files of a hub, in a stable order."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.y*ml")):
        if path.suffix in (".yaml", ".yml") and path.is_file() and not is_ignored(path):
            yield path
